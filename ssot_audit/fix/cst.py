"""libcst behind one door: parse a file into a concrete syntax tree with positions, find nodes where a finding
points, and turn "this node becomes that code" into an ``Edit`` of the original text.

libcst keeps every comment, parenthesis and blank of the source, so an edit replaces exactly the node it names and
nothing around it. ``ast`` (which the scan uses) reports columns in UTF-8 bytes; libcst in code points: the lookup
converts, so a finding on a line with non-ASCII text still finds its node.
"""

from __future__ import annotations

import ast
import bisect
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, Scope, ScopeProvider
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState  # the printer it runs

from ssot_audit.fix.plain_names import FileNames, file_names
from ssot_audit.fix.text import SourceError, SourceText, utf8_column
from ssot_audit.model import Edit

N = TypeVar("N", bound=cst.CSTNode)

# A file is parsed up to the statements a fix needs when that is at most this share of its lines (else whole).
_HEAD_SHARE = 0.8


class NeedsWholeFile(Exception):  # noqa: N818 - a request, not an error: not a ValueError, which fixes turn into "no fix"
    """A fix asked a file parsed only up to some line for more than that: parse it whole and build the fix again."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """The position of each node, worked out one top-level statement at a time, when a node in it is asked for.

    libcst's ``PositionProvider`` positions every node of the file (1.5 times the parse itself); a fix looks at
    the one or two statements a finding points into. Each top-level statement (with the comment lines libcst
    hangs on it) covers whole lines of the file, so a line belongs to exactly one of them: printing that statement
    alone with a position-tracking printer that starts on its first line gives the positions the whole-file pass
    would give, in the same (post-) order.
    """

    def __init__(self, module: cst.Module, text: str | None = None, ends: Sequence[int] | None = None,
                 line_starts: Sequence[int] | None = None) -> None:  # fmt: skip
        """``text`` (what was parsed into ``module``), its ``line_starts`` and ``ends`` (the last line of each
        top-level ``ast`` statement, from the scan's facts) let the statements be laid out without printing them
        all; without them, or when they do not fit the tree, every top-level statement is printed once."""
        self._module = module
        self._text = text
        self._computed: dict[cst.CSTNode, CodeRange] = {}
        self._by_line: dict[int, list[cst.CSTNode]] = {}  # nodes by the line they start on, in the file's order
        self._chunks: list[_Chunk] = []  # the header's lines, the statements, the footer's lines, in order
        self._chunk_of: dict[cst.CSTNode, int] = {}
        self._nodes: dict[int, list[cst.CSTNode]] = {}  # the nodes of each positioned chunk, in the file's order
        self.offsets: dict[cst.CSTNode, int] = {}  # where each one's text starts
        self.printed: dict[cst.CSTNode, str] = {}  # each one's text as libcst prints it (an edit compares it)
        # True while the layout comes from ``ends``: each statement's text is checked when it is printed
        self._unchecked = text is not None and ends is not None and line_starts is not None
        self._firsts: list[int] = []
        if not (self._unchecked and self._lay_out_from_ends(text, ends, line_starts)):  # type: ignore[arg-type]
            self._lay_out_by_printing()

    def _lay_out_by_printing(self) -> None:
        """Print every top-level node to count its lines (what ``_lay_out_from_ends`` saves)."""
        for table in (self._computed, self._by_line, self._chunk_of, self._nodes, self.printed):
            table.clear()  # (``_Sink`` writes into ``_computed``: the same dict, emptied)
        self._chunks.clear()
        self._unchecked = False
        module, line, offset = self._module, 0, 0
        for node in (*module.header, *module.body, *module.footer):
            code = self.printed[node] = module.code_for_node(node)
            newlines = len(NEWLINE_RE.findall(code))
            last = line + newlines - (0 if code.endswith(("\n", "\r")) else -1)  # 1-based: ``line`` is 0-based
            self._add_chunk(node, line + 1, max(line + 1, last), offset)
            line += newlines
            offset += len(code)
        self._index()

    def _lay_out_from_ends(self, text: str, ends: Sequence[int], line_starts: Sequence[int]) -> bool:
        """Lay the top-level nodes out from where each top-level ``ast`` statement ends (a line of ``;``-separated
        statements is one libcst statement; header and footer nodes are one line each), without printing them
        (printing every statement cost a seventh of the fixes of a cold scan). False when they do not fit. What
        can still differ (comment lines libcst keeps at the end of an indented block) is caught when a statement is
        printed to be positioned: its text must be exactly the text between its offset and the next one's, else
        the layout is redone by printing (``_check``)."""
        module, line, used = self._module, 0, 0
        for empty in module.header:
            line += 1
            self._add_chunk(empty, line, line, -1)
        for statement in module.body:
            used += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
            if used > len(ends) or ends[used - 1] <= line:
                return False
            self._add_chunk(statement, line + 1, ends[used - 1], -1)
            line = ends[used - 1]
        for empty in module.footer:
            line += 1
            self._add_chunk(empty, line, line, -1)
        if line != bisect.bisect_left(line_starts, len(text)):  # the lines laid out must be exactly the text's
            return False
        self._chunks[:] = [replace(chunk, offset=line_starts[chunk.first - 1]) for chunk in self._chunks]
        self._index()
        return True

    def _add_chunk(self, node: cst.CSTNode, first: int, last: int, offset: int) -> None:
        self._chunk_of[node] = len(self._chunks)
        self._chunks.append(_Chunk(node, first, last, offset))

    def _index(self) -> None:
        self._firsts = [chunk.first for chunk in self._chunks]
        self.offsets = {chunk.node: chunk.offset for chunk in self._chunks}

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is None:
            index = self._chunk_of.get(node)
            if index is not None:
                self._compute(index)
            else:  # a node of a statement not positioned yet: position statements from the top until it shows
                for index in range(len(self._chunks)):  # (what fixes ask for this way is an import near the top)
                    self._compute(index)
                    if node in self._computed:
                        break
            found = self._computed.get(node)
        if found is None:
            raise KeyError(node)
        return found

    def known(self, node: cst.CSTNode) -> CodeRange | None:
        """The node's position if its statement is positioned already (None otherwise: nothing is computed)."""
        return self._computed.get(node)

    def __iter__(self) -> Iterator[cst.CSTNode]:
        for index in range(len(self._chunks)):
            self._compute(index)
            yield from self._nodes[index]

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def on_line(self, line: int) -> list[cst.CSTNode]:
        """The nodes that start on a 1-based line, in the file's order."""
        index = bisect.bisect_right(self._firsts, line) - 1
        if index >= 0 and line <= self._chunks[index].last and self._compute(index):
            return self.on_line(line)  # laid out again: the line may be in another statement
        return self._by_line.get(line, [])

    def top_level(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The top-level statement (or header/footer line) that holds a positioned node."""
        index = bisect.bisect_right(self._firsts, self[node].start.line) - 1
        return self._chunks[index].node if index >= 0 else None

    def _compute(self, index: int) -> bool:
        """Position the nodes of one top-level statement; True when the layout had to be redone first."""
        if index in self._nodes:
            return False
        chunk = self._chunks[index]
        before = len(self._computed)
        state = PositionProvidingCodegenState(default_indent=self._module.default_indent,
                                              default_newline=self._module.default_newline,
                                              provider=_Sink(self._computed), line=chunk.first)  # type: ignore[arg-type]  # fmt: skip
        chunk.node._codegen(state)
        if self._unchecked and not self._check(index, "".join(state.tokens)):
            self._lay_out_by_printing()
            self._compute(index)
            return True
        self._nodes[index] = nodes = list(self._computed)[before:]  # the printer records nodes as it leaves them
        for node in nodes:
            self._by_line.setdefault(self._computed[node].start.line, []).append(node)
        return False

    def _check(self, index: int, code: str) -> bool:
        """Whether a statement laid out from the ``ast`` ends printed exactly the text of its lines (then it is kept
        as ``printed``): positions counted from its first line are then those of the whole-file pass."""
        assert self._text is not None
        chunk = self._chunks[index]
        end = self._chunks[index + 1].offset if index + 1 < len(self._chunks) else len(self._text)
        if end - chunk.offset != len(code) or not self._text.startswith(code, chunk.offset):
            return False
        self.printed[chunk.node] = code
        return True


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A top-level node of a module and the lines (1-based, inclusive) and text offset where its code starts."""

    node: cst.CSTNode
    first: int
    last: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Sink:
    """What the position-tracking printer writes into (it expects a metadata provider's ``_computed``)."""

    _computed: dict[cst.CSTNode, CodeRange]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file: its text, its syntax tree, the position and parent of each node."""

    path: str
    source: SourceText
    module: cst.Module
    positions: Positions
    wrapper: MetadataWrapper
    covered: int | None = None  # parsed up to this line (the rest of the file is not in ``module``); None: whole
    _scopes: dict[str, Mapping[cst.CSTNode, Scope | None]] = field(default_factory=dict)
    _parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # filled along the paths asked for
    _names: list[FileNames | None] = field(default_factory=list)  # ``plain_names``, once computed

    def require_whole(self) -> None:
        """``NeedsWholeFile`` when the file was parsed only up to some line (what follows needs all of it)."""
        if self.covered is not None:
            raise NeedsWholeFile(self.path)

    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        """The scope of each node (computed on first use: only renames need it)."""
        self.require_whole()
        if "scopes" not in self._scopes:
            self._scopes["scopes"] = self.wrapper.resolve(ScopeProvider)
        return self._scopes["scopes"]

    def plain_names(self) -> FileNames | None:
        """The names of the whole file as ``ast`` reads them (see ``fix.plain_names``); the head parsed is enough."""
        if not self._names:
            self._names.append(file_names(self.source))
        return self._names[0]

    def nodes(self, kind: type[N]) -> Iterator[N]:
        """Every node of a type, in source order."""
        self.require_whole()
        for node in self.positions:
            if isinstance(node, kind):
                yield node

    def find(self, kind: type[N], line: int, ast_column: int) -> N | None:
        """The node of ``kind`` that starts at a 1-based line and ``ast`` (UTF-8 byte, 1-based) column."""
        if self.covered is not None and line > self.covered:
            raise NeedsWholeFile(self.path)
        text = self.source.line_text(line) if 1 <= line <= len(self.source.line_starts) else ""
        for node in self.positions.on_line(line):
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
        top = self.positions.top_level(node)
        if top is None:
            return
        self._parents[top] = self.module

        def holds(child: cst.CSTNode) -> bool:  # only nodes inside ``top`` (positioned) can hold ``node``
            span = self.positions.known(child)
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
            if top is not node:
                path(top)
        finally:  # ``path`` holds itself through its closure: a cycle that keeps the file's tree alive while scans
            del path  # run with the cyclic collector paused (``analysis.loader.gc_paused``); the ``del`` breaks it

    def replace_node(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        """An edit that turns ``old`` into ``new``, printed in place: the top-level statement that holds it is
        printed whole, so that lines inside brackets keep their block's indentation (a node printed alone would
        lose it); the edit is the part of that statement's text that changed."""
        top = old if self.parent(old) is self.module else [*self.ancestors(old)][-2]
        start, before = self.positions.offsets.get(top), self.positions.printed.get(top)  # printed when positioned
        if start is None or before is None or self.source.text[start : start + len(before)] != before:
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


def parse_file(path: str, source: SourceText, lines: Collection[int] | None = None,
               statements: Sequence[tuple[int, bool]] | None = None) -> ParsedFile:  # fmt: skip
    """Parse a decoded file with positions; ``SourceError`` when libcst cannot parse it.

    With ``lines`` (where the fixes to build point), only the head of the file that holds them and every
    top-level ``from ... import`` is parsed (the rest is usually most of the file: at 1M lines of django, the
    heads fixes need are 6% of the text of the files they are in); a fix that needs more raises
    ``NeedsWholeFile``. ``statements``: the last line of each top-level statement and whether it is a
    ``from ... import``, when the scan's facts say (else ``ast`` parses the file to find them)."""
    end = _head_end(source, lines, statements) if lines is not None else None
    text = source.text if end is None else source.text[: source.line_starts[end]]
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError) as exc:
        raise SourceError(f"libcst cannot parse it: {str(exc).splitlines()[0] if str(exc) else exc!r}") from exc
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # for scopes only: positions are ``Positions``
    ends = [last for last, _ in statements] if statements is not None else None
    return ParsedFile(path, source, wrapper.module, Positions(wrapper.module, text, ends, source.line_starts), wrapper, end)


def _head_end(source: SourceText, lines: Collection[int], statements: Sequence[tuple[int, bool]] | None) -> int | None:
    """The last line of the file's head that holds ``lines`` and every top-level ``from ... import``: the end of
    the last top-level statement that ends on or after one of ``lines`` (comment lines belong to the statement
    after them) or is such an import. None when that is most of the file, or when ``ast`` cannot say."""
    if statements is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body = ast.parse(source.text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        statements = [(s.end_lineno or s.lineno, isinstance(s, ast.ImportFrom)) for s in body]
    end, pending = 0, sorted(set(lines))
    for last, is_from in statements:
        if is_from or (pending and pending[0] <= last):
            end = last
        pending = [line for line in pending if line > last]
    if pending or end >= _HEAD_SHARE * len(source.line_starts):
        return None
    return end


def reparses(text: str) -> str | None:
    """None when libcst parses ``text``; else why not (a fixed file must re-parse)."""
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError) as exc:
        return str(exc).splitlines()[0] if str(exc) else repr(exc)
    return None
