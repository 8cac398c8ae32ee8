"""Evidence a scan keeps for later stages that cannot re-read the scanned tree: source excerpts and import sites.

``ssot-audit report findings.json`` rebuilds the plan and the HTML report from a serialized result, so everything
they show (code snippets, who imports a duplicate class) has to travel inside the result. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceExcerpt:
    """Consecutive source lines of one scanned file, starting at 1-based line ``start`` (captured near findings)."""

    path: str
    start: int
    lines: tuple[str, ...]

    @property
    def end(self) -> int:
        """The last line number in the excerpt."""
        return self.start + len(self.lines) - 1


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One ``from SOURCE import NAME [as BOUND]`` that reaches a symbol the consolidation plan may move or delete.

    ``target`` is the fully qualified definition the import resolves to (a concept member class or a factory
    function, including every same-named copy of a factory).
    """

    importer: str  # module that holds the import
    path: str  # repo-relative POSIX path of that module
    line: int
    column: int
    source: str  # the module the name is imported from
    name: str
    bound: str
    target: str
    scope: str = ""  # enclosing function qualname, "" at module level
