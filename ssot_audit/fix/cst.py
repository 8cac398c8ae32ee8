"""libcst behind one door: parse a file into a concrete syntax tree with positions, find nodes where a finding
points, and turn "this node becomes that code" into an ``Edit`` of the original text.

libcst keeps every comment, parenthesis and blank of the source, so an edit replaces exactly the node it names and
nothing around it. ``ast`` (which the scan uses) reports columns in UTF-8 bytes; libcst in code points: the lookup
converts, so a finding on a line with non-ASCII text still finds its node.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import libcst as cst
from libcst import BatchableCSTVisitor
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, Scope, ScopeProvider

from ssot_audit.fix.text import SourceError, SourceText, utf8_column
from ssot_audit.model import Edit

N = TypeVar("N", bound=cst.CSTNode)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file: its text, its syntax tree, the position and parent of each node."""

    path: str
    source: SourceText
    module: cst.Module
    positions: dict[cst.CSTNode, CodeRange]
    by_line: dict[int, list[cst.CSTNode]]  # nodes by the line they start on, in source order
    wrapper: MetadataWrapper
    _scopes: dict[str, Mapping[cst.CSTNode, Scope | None]] = field(default_factory=dict)
    _parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # filled along the paths asked for
    _cache: dict[str, object] = field(default_factory=dict)

    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        """The scope of each node (computed on first use: only renames need it)."""
        if "scopes" not in self._scopes:
            self._scopes["scopes"] = self.wrapper.resolve(ScopeProvider)
        return self._scopes["scopes"]

    def nodes(self, kind: type[N]) -> Iterator[N]:
        """Every node of a type, in source order."""
        for node in self.positions:
            if isinstance(node, kind):
                yield node

    def find(self, kind: type[N], line: int, ast_column: int) -> N | None:
        """The node of ``kind`` that starts at a 1-based line and ``ast`` (UTF-8 byte, 1-based) column."""
        text = self.source.line_text(line) if 1 <= line <= len(self.source.line_starts) else ""
        for node in self.by_line.get(line, ()):
            if isinstance(node, kind) and utf8_column(text, self.positions[node].start.column + 1) == ast_column:
                return node
        return None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node that holds ``node`` (None for the module)."""
        if node not in self._parents and node is not self.module:
            self._descend_to(node)
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """The node's parent, grandparent... up to the module."""
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def _descend_to(self, node: cst.CSTNode) -> None:
        """Record the parents along the path from the module to ``node``, searching only inside the nodes whose
        span holds it (libcst's parent provider walks the whole tree: 3x the parse time, for the few paths a fix
        needs)."""
        target = self.positions[node]
        low, high = (target.start.line, target.start.column), (target.end.line, target.end.column)

        def holds(child: cst.CSTNode) -> bool:
            span = self.positions.get(child)
            if span is None:
                return False
            return (span.start.line, span.start.column) <= low and high <= (span.end.line, span.end.column)

        def path(current: cst.CSTNode) -> bool:
            for child in current.children:
                if child is node or (holds(child) and path(child)):
                    self._parents[child] = current
                    return True
            return False

        try:
            path(self.module)
        finally:  # ``path`` holds itself through its closure: a cycle that keeps the file's tree alive while scans
            del path  # run with the cyclic collector paused (``analysis.loader.gc_paused``); the ``del`` breaks it

    def replace_node(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        """An edit that turns ``old`` into ``new``, printed in place: the top-level statement that holds it is
        printed whole, so that lines inside brackets keep their block's indentation (a node printed alone would
        lose it); the edit is the part of that statement's text that changed."""
        top = old if self.parent(old) is self.module else [*self.ancestors(old)][-2]
        offsets = self._statement_offsets()
        start = offsets.get(top)
        before = self.module.code_for_node(top)
        if start is None or self.source.text[start : start + len(before)] != before:
            raise SourceError("libcst printed the file differently from its source")
        after = self.module.code_for_node(top.deep_replace(old, new))
        prefix = 0
        while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
            prefix += 1
        suffix = 0
        while suffix < min(len(before), len(after)) - prefix and before[-1 - suffix] == after[-1 - suffix]:
            suffix += 1
        line, column = self.source.position(start + prefix)
        end_line, end_column = self.source.position(start + len(before) - suffix)
        return Edit(self.path, line, column, end_line, end_column, after[prefix : len(after) - suffix])

    def _statement_offsets(self) -> dict[cst.CSTNode, int]:
        """Where each top-level statement's printed text (its leading comments included) starts in the file."""
        if "offsets" not in self._cache:
            offset = sum(len(self.module.code_for_node(line)) for line in self.module.header)
            found: dict[cst.CSTNode, int] = {}
            for statement in self.module.body:
                found[statement] = offset
                offset += len(self.module.code_for_node(statement))
            self._cache["offsets"] = found
        return self._cache["offsets"]  # type: ignore[return-value]

    def start_of(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based (line, column) where a node starts, its own opening parentheses included."""
        first = node.lpar[0] if getattr(node, "lpar", None) else node  # type: ignore[attr-defined]
        span = self.positions[first]
        return span.start.line, span.start.column + 1

    def replace(self, node: cst.CSTNode, content: str) -> Edit:
        """An edit that replaces a node's span (without the parentheses around it) with ``content``."""
        span = self.positions[node]
        return Edit(self.path, span.start.line, span.start.column + 1, span.end.line, span.end.column + 1, content)

    def insert_before(self, node: cst.CSTNode, content: str) -> Edit:
        """An edit that inserts ``content`` where a node starts."""
        start = self.positions[node].start
        return Edit(self.path, start.line, start.column + 1, start.line, start.column + 1, content)

    def newline(self) -> str:
        """The file's newline style, for lines a fix adds."""
        return self.module.default_newline


class _Wrapper(MetadataWrapper):
    """libcst's wrapper, minus one wasted walk: after a provider that is not batchable (positions), its resolver
    runs a batched traversal of the whole tree with no visitor at all (measured: 45% of parsing a file for
    fixes). With nothing to run, there is nothing to walk."""

    def visit_batched(self, visitors: Iterable[BatchableCSTVisitor], before_visit: Any = None,
                      after_leave: Any = None) -> cst.CSTNode:  # fmt: skip
        """``MetadataWrapper.visit_batched``, which returns at once when ``visitors`` is empty."""
        visitors = list(visitors)
        if not visitors and before_visit is None and after_leave is None:
            return self.module
        return super().visit_batched(visitors, before_visit, after_leave)


def parse_file(path: str, source: SourceText) -> ParsedFile:
    """Parse a decoded file with positions; ``SourceError`` when libcst cannot parse it."""
    try:
        module = cst.parse_module(source.text)
    except (cst.ParserSyntaxError, RecursionError) as exc:
        raise SourceError(f"libcst cannot parse it: {str(exc).splitlines()[0] if str(exc) else exc!r}") from exc
    wrapper = _Wrapper(module, unsafe_skip_copy=True)
    positions = dict(wrapper.resolve(PositionProvider))
    by_line: dict[int, list[cst.CSTNode]] = {}
    for node, span in positions.items():
        by_line.setdefault(span.start.line, []).append(node)
    return ParsedFile(path, source, wrapper.module, positions, by_line, wrapper)


def reparses(text: str) -> str | None:
    """None when libcst parses ``text``; else why not (a fixed file must re-parse)."""
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError) as exc:
        return str(exc).splitlines()[0] if str(exc) else repr(exc)
    return None
