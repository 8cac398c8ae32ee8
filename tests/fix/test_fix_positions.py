"""Positions worked out one top-level statement at a time equal libcst's whole-file positions, node for node and in
the same order, on the layouts where line counting can go wrong."""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_audit.fix.cst import Positions
from ssot_audit.fix.text import line_starts

SOURCES = {
    "plain": "import os\n\n\ndef f(x):\n    return g(x)(x)\n\n\nclass A:\n    y = f(1)\n",
    "crlf": "import os\r\n# a comment\r\n\r\nasync def f():\r\n    await g()\r\n",
    "lone cr": "x = 1\ry = (2,\r     3)\r",
    "no trailing newline": "a = 1\nif a:\n    b = [1,\n         2]",
    "comments only": "# one\n\n# two\n",
    "empty": "",
    "semicolons and continuation": "a = 1; b = 2\nc = a + \\\n    b\nd = '''x\ny'''\n",
    "decorators and trailing comments": "@dec(1)\n@dec2\ndef f():  # c\n    pass\n# footer\n\n# end\n",
    "docstring header": '#!/usr/bin/env python\n"""Doc."""\nfrom __future__ import annotations\n',
}


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_positions_equal_the_whole_file_pass_in_any_order(source: str) -> None:
    module = cst.parse_module(source)
    expected = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    expected.pop(module)
    lazy = Positions(module)
    for node in reversed(list(expected)):  # asked for last first: each statement is positioned on its own
        assert lazy[node] == expected[node], node
    assert list(Positions(module)) == list(expected)
    by_line: dict[int, list[cst.CSTNode]] = {}
    for node, span in expected.items():
        by_line.setdefault(span.start.line, []).append(node)
    fresh = Positions(module)
    for line in sorted(by_line, reverse=True):
        assert fresh.on_line(line) == by_line[line]
    assert fresh.on_line(len(source.splitlines()) + 5) == []


def test_a_node_outside_the_module_is_not_found() -> None:
    lazy = Positions(cst.parse_module("x = 1\n"))
    assert lazy.get(cst.Name("x")) is None


LAYOUTS = {
    **SOURCES,
    "indented comment closing a block": "class A:\n    def f(self):\n        pass\n        # kept by the block\n\nx = 1\n",
    "indented comment closing the last block": "def f():\n    pass\n    # the block's footer\n",
    "one-line compound statements": "if x: y = 1; z = 2\nwhile y: pass\na = 1;\n",
}


def _ast_ends(source: str) -> list[int]:
    return [stmt.end_lineno or stmt.lineno for stmt in ast.parse(source).body]


def _expected(module: cst.Module) -> dict[cst.CSTNode, object]:
    expected = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    expected.pop(module)
    return expected


@pytest.mark.parametrize("shift", [0, 1, -1], ids=["ast ends", "inner ends a line late", "inner ends a line early"])
@pytest.mark.parametrize("source", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_positions_laid_out_from_statement_ends_equal_the_whole_file_pass(source: str, shift: int) -> None:
    """Statements laid out from where ``ast`` says they end (the scan's facts) position every node as libcst's
    whole-file pass does, also where those ends are wrong (comments closing a block, a wrong guess): a statement
    whose printed text is not the text there makes the layout start over by printing."""
    module = cst.parse_module(source)
    expected = _expected(module)
    found = _ast_ends(source)
    ends = [end + shift for end in found[:-1]] + found[-1:]  # the last one right: the lines add up
    starts = line_starts(source)
    lazy = Positions(module, source, ends, starts)
    for node in reversed(list(expected)):
        assert lazy[node] == expected[node], node
    assert list(Positions(module, source, ends, starts)) == list(expected)
    by_line: dict[int, list[cst.CSTNode]] = {}
    for node, span in expected.items():
        by_line.setdefault(span.start.line, []).append(node)
    fresh = Positions(module, source, ends, starts)
    for line in sorted(by_line, reverse=True):
        assert fresh.on_line(line) == by_line[line]
    printing = Positions(module)  # every statement printed to lay them out
    assert fresh.printed == {node: printing.printed[node] for node in fresh.printed}
    assert {node: fresh.offsets[node] for node in fresh.printed} == {node: printing.offsets[node] for node in fresh.printed}


def test_a_head_is_laid_out_from_the_ends_of_its_statements_only() -> None:
    source = "import os\nfrom a import b\n\n\ndef f():\n    return b\n\n\nclass C:\n    pass\n"
    starts = line_starts(source)
    head = source[: starts[2]]
    module = cst.parse_module(head)
    lazy = Positions(module, head, _ast_ends(source), starts)
    assert lazy._unchecked  # laid out from the ends, nothing printed yet
    assert lazy.printed == {}
    assert [node for node in lazy] == list(_expected(module))
    assert list(lazy.printed) == list(module.body)
