"""``unseen_change``: crafted pairs of sources (each allowed change accepted, each visible one refused), and ground
truth on real code: whenever it accepts a random edit, two cold scans show the new result is the old one with the
edited file's positions moved."""

from __future__ import annotations

import ast
import dataclasses
import difflib
import random
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.loader import analyze_bytes
from ssot_audit.analysis.unseen import unseen_change
from ssot_audit.model import AuditResult, Location

REPO = Path(__file__).resolve().parents[1]
DJANGO = Path("/work/corpus/django-5.2.19/django")


def facts_of(source: str) -> ModuleFacts:
    """The facts the scan's loader makes of ``source``."""
    facts = analyze_bytes(source.encode(), "m.py").facts
    assert facts is not None
    return facts


def line_map(old: str, new: str) -> Callable[[int], int | None]:
    """A monotone map of the lines of ``old`` to those of ``new``: equal blocks line by line, and a replaced block of
    as many lines line by line too (any monotone map will do: the facts then decide)."""
    a, b = old.splitlines(), new.splitlines()
    mapped: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            mapped.update((i1 + k + 1, j1 + k + 1) for k in range(i2 - i1))
    return mapped.get


def judge(old: str, new: str) -> bool:
    old, new = textwrap.dedent(old), textwrap.dedent(new)
    return unseen_change(facts_of(old), facts_of(new), line_map(old, new))


BASE = '''\
"""A module."""
import os
from pkg import helper

__all__ = ["run"]


def run(path, flag=False):
    """Run it."""
    result = helper(os.path.join(path, "x"))
    if flag:
        result = result.strip()

    def inner():
        return result

    return inner()


class Service:
    """A service."""

    def start(self):
        self.ready = True
        return 3

    def name(self):
        return "service"
'''

ACCEPTED = {
    "comment line": BASE.replace("    result = helper", "    # why\n    result = helper"),
    "blank line": BASE.replace("class Service:", "\nclass Service:"),
    "module docstring": BASE.replace('"""A module."""', '"""A module.\n\nMore words."""'),
    "function docstring": BASE.replace('"""Run it."""', '"""Run it, faster."""'),
    "literal in a call": BASE.replace('"x"', '"y"'),
    "literal returned": BASE.replace("return 3", "return 4"),
    "unread local": BASE.replace("    return inner()", "    _unused = 1\n    return inner()"),
    "unread local from a call's result name": BASE.replace("    if flag:", "    _n = 'text'\n    if flag:"),
    "lines inserted above everything": "# header\n\n" + BASE,
}

REFUSED = {
    "a new call": BASE.replace("    return inner()", "    print()\n    return inner()"),
    "a changed callee": BASE.replace("helper(os", "other(os"),
    "a new module import": BASE.replace("import os\n", "import os\nimport sys\n"),
    "a new import in a function": BASE.replace("    return inner()", "    import json\n    return inner()"),
    "a changed __all__": BASE.replace('["run"]', '["run", "Service"]'),
    "a new read of a local": BASE.replace("    return inner()", "    _unused = result\n    return inner()"),
    "a new binding of a name read later": BASE.replace("    if flag:", "    result = 1\n    if flag:"),
    "a new binding read by a nested function": BASE.replace("    def inner():", "    late = 1\n\n    def inner():")
    .replace("        return result", "        return result, late"),
    "a binding of a name only a nested function reads": BASE.replace("    if flag:", "    inner_reads = 1\n    if flag:")
    .replace("        return result", "        return inner_reads"),
    "a global statement": BASE.replace('    """Run it."""', '    """Run it."""\n    global counter'),
    "a changed decorator": BASE.replace("    def start(self):", "    @property\n    def start(self):"),
    "a new class": BASE + "\n\nclass Extra:\n    pass\n",
    "a new function": BASE + "\n\ndef extra():\n    pass\n",
    "a changed return": BASE.replace("        return result", "        return path"),
    "a changed self attribute": BASE.replace("self.ready = True", "self.done = True"),
    "a binding of a name an annotation names": BASE.replace("    def inner():", "    Marker = 1\n\n    def inner(x: Marker):"),
    "a binding of super": BASE.replace("        self.ready = True", "        super = 1\n        self.ready = True"),
    "a trivial function no longer trivial": BASE.replace('        return "service"', '        _x = 1\n        return "service"'),
}


@pytest.mark.parametrize("change", sorted(ACCEPTED))
def test_accepts_a_change_no_reader_sees(change: str) -> None:
    assert judge(BASE, ACCEPTED[change]) is True


@pytest.mark.parametrize("change", sorted(REFUSED))
def test_refuses_a_change_a_reader_sees(change: str) -> None:
    new = REFUSED[change]
    assert new != BASE and judge(BASE, new) is False


def test_refuses_a_position_that_cannot_move() -> None:
    old, new = BASE, ACCEPTED["comment line"]
    moved = line_map(old, new)
    call_line = old.splitlines().index('    result = helper(os.path.join(path, "x"))') + 1
    assert unseen_change(facts_of(old), facts_of(new), moved) is True
    assert unseen_change(facts_of(old), facts_of(new), lambda n: None if n == call_line else moved(n)) is False


def test_the_same_facts_under_the_identity_map() -> None:
    facts = facts_of(BASE)
    assert unseen_change(facts, facts_of(BASE), lambda n: n) is True
    assert unseen_change(facts, facts_of(BASE), lambda n: n + 1) is False  # every position would move


def test_a_local_rebound_by_an_unread_name_stays_unseen_in_a_method() -> None:
    old = "class A:\n    def m(self, x):\n        y = x.run()\n        return y\n"
    new = "class A:\n    def m(self, x):\n        y = x.run()\n        _t = 2\n        return y\n"
    assert judge(old, new) is True
    assert judge(old, new.replace("_t = 2", "_t = y")) is False  # reads y: name_uses differ


# -- ground truth on real code ------------------------------------------------------------------------------------

ALLOWED_KINDS = ("comment", "blank", "unused", "docstring", "literal")
REFUSED_KINDS = ("call", "import", "read")


def _statements(tree: ast.Module, in_function: bool) -> list[ast.stmt]:
    """Statements of function bodies (``in_function``) or of every body, where a line can be inserted before."""
    found: list[ast.stmt] = []
    for node in ast.walk(tree):
        if in_function and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            found.extend(s for s in body if isinstance(s, ast.stmt)) if isinstance(body, list) else None
    return found


def _insert(lines: list[str], stmt: ast.stmt, text: str) -> str:
    indent = " " * stmt.col_offset if text else ""
    return "".join([*lines[:stmt.lineno - 1], f"{indent}{text}\n", *lines[stmt.lineno - 1:]])


def _edit(source: str, kind: str, rng: random.Random) -> str | None:
    """``source`` with one random edit of ``kind``; None when the file offers no place for it."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    if kind in ("comment", "blank"):
        places = _statements(tree, in_function=False)
        return _insert(lines, rng.choice(places), "# edited" if kind == "comment" else "") if places else None
    if kind in ("unused", "call", "import", "read"):
        places = _statements(tree, in_function=True)
        if not places:
            return None
        stmt = rng.choice(places)
        text = {"unused": f"_unused_{rng.randrange(99)} = {rng.randrange(99)}", "call": "len(())",
                "import": "import json", "read": "_r = self"}[kind]  # fmt: skip
        return _insert(lines, stmt, text)
    if kind == "docstring":
        docs = [n.body[0].value for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef
                | ast.AsyncFunctionDef) and n.body and isinstance(n.body[0], ast.Expr)
                and isinstance(n.body[0].value, ast.Constant) and isinstance(n.body[0].value.value, str)]  # fmt: skip
        return _in_line(lines, rng.choice(docs), lambda t: t[:3] + "Edited. " + t[3:] if t[:3] in ('"""', "'''")
                        else None) if docs else None  # fmt: skip
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.lineno == n.end_lineno
                 and type(n.value) in (int, str)]  # fmt: skip
    return _in_line(lines, rng.choice(constants), _other_literal) if constants else None


def _other_literal(text: str) -> str | None:
    if text.isdigit():
        return str(int(text) + 1)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and text[1:2] != text[0]:
        return text[0] + "edited" + text[-1]
    return None


def _in_line(lines: list[str], node: ast.expr, change: Callable[[str], str | None]) -> str | None:
    """``lines`` with the text of ``node`` on its first line changed (offsets are UTF-8 bytes)."""
    raw = lines[node.lineno - 1].encode()
    end = node.end_col_offset if node.end_lineno == node.lineno else len(raw.rstrip(b"\r\n"))
    changed = change(raw[node.col_offset:end].decode())
    if changed is None:
        return None
    edited = raw[:node.col_offset] + changed.encode() + raw[end:]
    return "".join([*lines[:node.lineno - 1], edited.decode(), *lines[node.lineno:]])


def _moved(value: Any, path: str, new_line: Callable[[int], int | None]) -> Any:
    """``value`` (a result or a part of one) with every location in ``path`` moved by ``new_line``."""
    if isinstance(value, Location):
        if value.path != path:
            return value
        end = new_line(value.end_line) if value.end_line is not None else None
        return dataclasses.replace(value, line=new_line(value.line), end_line=end)
    if isinstance(value, tuple | list):
        return type(value)(_moved(v, path, new_line) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, path, new_line) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _moved(getattr(value, f.name), path, new_line)
                                             for f in dataclasses.fields(value) if f.init})  # fmt: skip
    return value


def _compared(result: AuditResult) -> AuditResult:
    """What the early cut-off serves from the last result: all but the excerpts and stats (the caller's)."""
    return dataclasses.replace(result, excerpts=(), stats=dataclasses.replace(result.stats, lines=0))


def _ground_truth(root: Path, rng: random.Random, edits_per_kind: int) -> dict[str, Counter[str]]:
    """Random edits of each kind on files of ``root``; every accepted one checked against two cold scans."""
    before = _compared(api.scan(root, jobs=1))
    files = sorted(p for p in root.rglob("*.py") if "def " in p.read_text(encoding="utf-8"))
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in (*ALLOWED_KINDS, *REFUSED_KINDS)}
    for kind in counts:
        for _ in range(edits_per_kind):
            path = rng.choice(files)
            old = path.read_text(encoding="utf-8")
            new = _edit(old, kind, rng)
            try:
                compile(new or "", "edited", "exec", ast.PyCF_ONLY_AST)
            except SyntaxError:
                new = None
            if new is None or new == old:
                counts[kind]["no place"] += 1
                continue
            new_line = line_map(old, new)
            rel = path.relative_to(root).as_posix()
            if not unseen_change(facts_of(old), facts_of(new), new_line):
                counts[kind]["refused"] += 1
                continue
            counts[kind]["accepted"] += 1
            path.write_text(new, encoding="utf-8")
            try:
                after = _compared(api.scan(root, jobs=1))
            finally:
                path.write_text(old, encoding="utf-8")
            assert after == _moved(before, rel, new_line), (kind, rel, "".join(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True))))
    return counts


def _django_tree(tmp_path: Path) -> Path:
    if not DJANGO.is_dir():
        pytest.skip("the django corpus is not on this machine")
    root = tmp_path / "dj"
    shutil.copytree(DJANGO / "contrib" / "auth", root / "django" / "contrib" / "auth")
    shutil.copytree(DJANGO / "dispatch", root / "django" / "dispatch")
    for package in (root / "django", root / "django" / "contrib"):
        (package / "__init__.py").write_text("")
    return root


@pytest.mark.parametrize("tree", ["sample_repo", "django"])
def test_accepted_random_edits_give_the_moved_result(tmp_path: Path, tree: str) -> None:
    if tree == "sample_repo":
        root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo")
    else:
        root = _django_tree(tmp_path)
    counts = _ground_truth(root, random.Random(f"unseen-{tree}"), edits_per_kind=8)
    tried = {kind: c["accepted"] + c["refused"] for kind, c in counts.items()}
    # what it accepts of the allowed kinds (the refusals are positions it cannot follow: a changed line with a call,
    # a try body's first line, a trivial function no longer trivial...)
    for kind in ("comment", "blank"):
        assert counts[kind]["accepted"] >= tried[kind] * 3 // 4, (kind, counts)
    assert sum(counts[k]["accepted"] for k in ALLOWED_KINDS) >= sum(tried[k] for k in ALLOWED_KINDS) // 2, counts
    for kind in REFUSED_KINDS:  # a new call or import is always seen; a read of ``self`` where none was bound
        assert counts[kind]["accepted"] == 0 or kind == "read", (kind, counts)


def test_the_ground_truth_sees_a_change_a_judge_should_have_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a judge that accepts everything is caught on the sample project (a new call or a
    changed literal there changes findings)."""
    root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo")
    monkeypatch.setattr(sys.modules[__name__], "unseen_change", lambda old, new, new_line: True)
    with pytest.raises(AssertionError):
        _ground_truth(root, random.Random("unseen-sample_repo"), edits_per_kind=8)
