"""Positions worked out one top-level statement at a time equal libcst's whole-file positions, node for node and in
the same order, on the layouts where line counting can go wrong."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_audit.fix.cst import Positions

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
