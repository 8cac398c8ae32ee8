"""Fixes of the async rules: drop an ``await`` on a sync callable (SSOT401, safe), add a missing one (SSOT402,
unsafe: the code after it then works on the result instead of a coroutine object)."""

from __future__ import annotations

import libcst as cst

from ssot_audit.fix.cst import ParsedFile
from ssot_audit.model import Applicability, Edit, Finding, Fix

# Scopes that stop the search for the enclosing function: ``await`` inside them belongs to them, not to it.
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.GeneratorExp)


def drop_await(finding: Finding, parsed: ParsedFile) -> Fix | str:
    """SSOT401: ``await f()`` -> ``f()``; parentheses, comments and line breaks of the operand are kept."""
    loc = finding.location
    node = parsed.find(cst.Await, loc.line, loc.column)
    if node is None:
        return "no await expression at the finding's position"
    # Delete the keyword and the blank after it, up to the operand's first parenthesis: everything the operand
    # holds (comments, line breaks, parentheses) stays byte for byte, and so do the await's own parentheses.
    start = parsed.positions[node].start
    line, column = parsed.start_of(node.expression)
    edit = Edit(parsed.path, start.line, start.column + 1, line, column, "")
    name = finding.facts.get("callee", "").rsplit(".", 1)[-1] or "the callee"
    return Fix(f"drop the await: {name}() is synchronous", Applicability.SAFE, (edit,))


def _enclosing_scope(parsed: ParsedFile, node: cst.CSTNode) -> cst.CSTNode | None:
    return next((a for a in parsed.ancestors(node) if isinstance(a, _SCOPES)), None)


def add_await(finding: Finding, parsed: ParsedFile) -> Fix | str:
    """SSOT402: ``f()`` -> ``await f()`` (``(await f()).x`` where the coroutine's attribute was used)."""
    loc = finding.location
    node = parsed.find(cst.Call, loc.line, loc.column)
    if node is None:
        return "no call at the finding's position"
    scope = _enclosing_scope(parsed, node)
    if not isinstance(scope, cst.FunctionDef) or scope.asynchronous is None:
        return "the call is not directly inside an async def: await cannot be added there (needs a human)"
    parent = parsed.parent(node)
    plain = isinstance(parent, cst.Expr | cst.Assign | cst.AnnAssign | cst.AugAssign | cst.Return)
    span = parsed.positions[node]
    edits: tuple[Edit, ...]
    if plain or node.lpar:
        edits = (parsed.insert_before(node, "await "),)
    else:  # ``f().x`` -> ``(await f()).x``
        end = Edit(parsed.path, span.end.line, span.end.column + 1, span.end.line, span.end.column + 1, ")")
        edits = (parsed.insert_before(node, "(await "), end)
    name = finding.facts.get("callee", "").rsplit(".", 1)[-1] or "the coroutine"
    return Fix(f"await {name}(...)", Applicability.UNSAFE, edits)
