"""Where every name is defined, kept by a full scan for the scans after edits (``RuleContext.definers``).

SSOT203 names the modules that define the name a broken import lacks (``Namespaces.find_definers``), which asks
every module: after a rename of a function others import, a scan that loads facts lazily loaded them all. A full
scan keeps the answer for every name; a later scan takes it, with the modules edited since looked at as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.namespace import defines, every_definer
from ssot_audit.analysis.treecache import TreeCache

if TYPE_CHECKING:  # ``kept_scan`` imports this module, and ``rerun`` imports ``kept_scan``
    from ssot_audit.rerun import Reused


def keep_definers(tree: TreeCache, token: str, index: ProjectIndex) -> None:
    """After a full scan whose state is kept as ``token``: keep where every name of ``index`` is defined."""
    tree.save_kept(_definers_entry(tree), {"token": token, "table": every_definer(index)})


def _definers_entry(tree: TreeCache) -> str:
    """The name the full scan's table of where every name is defined is kept under ({"token", "table"}): apart
    from the state, read only by a scan that asks where a name no scan asked about is defined."""
    return f"every definer {tree.store.scope}"


class KeptDefiners:
    """``find_definers``' answers in a scan after edits (``RuleContext.definers``), from the table of every name the
    full scan of the kept state kept, the modules edited since (``Kept.pending``, and by this scan's edits) looked
    at as they are now: only their bindings can differ (a file added since is among them, ``kept_added``, and one
    removed, which binds nothing now, ``kept_removed``). Read when first asked; an answer of None when the table is
    not there (the caller reads every module)."""

    def __init__(self, tree: TreeCache, reused: Reused, index: ProjectIndex) -> None:
        kept = reused.kept
        self._tree, self._token, self._index = tree, kept.token, index
        self._edited = reused.edited_since_full_scan()
        self._table: Mapping[str, tuple[str, ...]] | None = None
        self._order: dict[str, int] | None = None
        self._read = False

    def __call__(self, name: str) -> tuple[str, ...] | None:
        if not self._read:
            self._read = True
            entry = self._tree.load_kept(_definers_entry(self._tree))
            table = entry.get("table")
            self._table = table if entry.get("token") == self._token and isinstance(table, dict) else None
        if self._table is None:
            return None
        found = [m for m in self._table.get(name, ()) if m not in self._edited]
        modules = self._index.modules
        found.extend(m for m in self._edited if m in modules and defines(modules[m], name))
        if len(found) > 1:
            if self._order is None:
                self._order = {module: i for i, module in enumerate(modules)}
            found.sort(key=self._order.__getitem__)
        return tuple(found)
