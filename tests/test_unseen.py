"""``unseen_change``: crafted pairs of sources (each allowed change accepted, each visible one refused), and ground
truth on real code: whenever it accepts a random edit, two cold scans show the new result is the old one with the
edited file's positions moved."""

from __future__ import annotations

import ast
import dataclasses
import difflib
import os
import random
import re
import shutil
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.loader import analyze_bytes
from ssot_audit.analysis.unseen import unseen_change
from ssot_audit.model import AuditResult

REPO = Path(__file__).resolve().parents[1]
# A django source tree (the ``django`` package directory) for the ground truth on real code, when the machine has one.
DJANGO = Path(os.environ["SSOT_AUDIT_DJANGO"]) if os.environ.get("SSOT_AUDIT_DJANGO") else None


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

NESTED_READ = BASE.replace("        return result", "        return result, late")  # ``late``: a global so far
ANNOTATED = BASE.replace("    def inner():", "    def inner(x: Marker):")  # ``Marker``: a global so far
REFUSED: dict[str, str | tuple[str, str]] = {
    "a new call": BASE.replace("    return inner()", "    print()\n    return inner()"),
    "a changed callee": BASE.replace("helper(os", "other(os"),
    "a new module import": BASE.replace("import os\n", "import os\nimport sys\n"),
    "a new import in a function": BASE.replace("    return inner()", "    import json\n    return inner()"),
    "a changed __all__": BASE.replace('["run"]', '["run", "Service"]'),
    "a new read of a local": BASE.replace("    return inner()", "    _unused = result\n    return inner()"),
    "a new binding of a name read later": BASE.replace("    if flag:", "    result = 1\n    if flag:"),
    "a binding of a name only a nested function reads": (
        NESTED_READ, NESTED_READ.replace("    def inner():", "    late = 1\n\n    def inner():")),
    "a global statement": BASE.replace('    """Run it."""', '    """Run it."""\n    global counter'),
    "a changed decorator": BASE.replace("    def start(self):", "    @property\n    def start(self):"),
    "a new class": BASE + "\n\nclass Extra:\n    pass\n",
    "a new function": BASE + "\n\ndef extra():\n    pass\n",
    "a changed return": BASE.replace("        return result", "        return path"),
    "a changed self attribute": BASE.replace("self.ready = True", "self.done = True"),
    "a binding of a name only an annotation names": (
        ANNOTATED, ANNOTATED.replace("    def inner(x: Marker):", "    Marker = 1\n\n    def inner(x: Marker):")),
    "a module binding of one name now of the next": ("a = 1\na = 2\nc = 3\n", "a = 1\nc = 2\nc = 3\n"),
    "a local binding of one name now of the next": ("def f():\n    a = 1\n    a = 2\n    c = 3\n    return a, c\n",
                                                    "def f():\n    a = 1\n    c = 2\n    c = 3\n    return a, c\n"),
    "a binding of super": BASE.replace("        self.ready = True", "        super = 1\n        self.ready = True"),
    "a trivial function no longer trivial": BASE.replace('        return "service"', '        _x = 1\n        return "service"'),
}


@pytest.mark.parametrize("change", sorted(ACCEPTED))
def test_accepts_a_change_no_reader_sees(change: str) -> None:
    assert judge(BASE, ACCEPTED[change]) is True


@pytest.mark.parametrize("change", sorted(REFUSED))
def test_refuses_a_change_a_reader_sees(change: str) -> None:
    pair = REFUSED[change]
    old, new = pair if isinstance(pair, tuple) else (BASE, pair)
    assert new != old and judge(old, new) is False


def test_a_function_outside_a_class_may_stop_being_trivial() -> None:
    # ``is_trivial`` is read only of the methods a class names (``roles.all_trivial``): a test double is a class
    old = BASE + "\n\ndef plain(value):\n    return value\n"
    assert judge(old, old.replace("    return value", "    _x = 1\n    return value")) is True
    trivial = [line for line in (REPO / "ssot_audit").rglob("*.py") if "is_trivial" in line.read_text(encoding="utf-8")]
    assert sorted(p.relative_to(REPO / "ssot_audit").as_posix() for p in trivial) == [  # member_change: to judge
        "analysis/ast_helpers.py", "analysis/extract.py", "analysis/facts.py", "analysis/member_change.py",
        "analysis/roles.py", "analysis/unseen.py"]  # a method's change of it (``MODEL_READS``)


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


# The readers the module docstring's argument went through: a new one is a reason to read the argument again.
READERS = {
    "locals": {"analysis/resolve.py", "analysis/module_reads.py", "analysis/callees.py", "rules/shared_instance.py",
               "rules/unawaited_coroutine.py"},
    "name_uses": {"rules/unawaited_coroutine.py"},
    "top_level": {"fixing.py"},
}
# The modules that make the facts or judge them (``unseen``, ``interface_change``, ``member_change``), and
# ``fix/cst.py``, whose ``top_level`` is a method of its own.
NOT_READERS = {"analysis/facts.py", "analysis/extract.py", "analysis/extract_expressions.py", "analysis/unseen.py",
               "analysis/interface_change.py", "analysis/member_change.py", "analysis/name_table.py",
               "fix/cst.py"}  # fmt: skip


@pytest.mark.parametrize("field", sorted(READERS))
def test_the_readers_the_argument_checked_are_all_there_are(field: str) -> None:
    package = REPO / "ssot_audit"
    pattern = re.compile(rf"\.{field}\b")
    readers = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if pattern.search(p.read_text("utf-8"))}
    assert readers - NOT_READERS == READERS[field]


# -- the plain definition, record by record ---------------------------------------------------------------------

def _plain_view(facts: ModuleFacts, new_line: Callable[[int], int | None]) -> dict[str, Any]:
    """Every field but ``lines``/``top_level`` as plain records, positions moved one by one; ``locals`` apart."""
    def moved(record: Any, *names: str) -> Any:
        return record._replace(**{n: new_line(getattr(record, n)) if getattr(record, n) else 0 for n in names})

    view = {f.name: getattr(facts, f.name) for f in dataclasses.fields(facts) if f.name not in ("lines", "top_level")}
    view.update(
        imports=[moved(i, "line") for i in facts.imports], rebinds=[moved(r, "line") for r in facts.rebinds],
        bindings=[(k, [moved(b, "line") for b in v]) for k, v in facts.bindings.items()],
        raise_spans=[(new_line(a), new_line(b)) for a, b in facts.raise_spans],
        calls=[moved(c, "line", "end_line", "await_line") for c in facts.calls],
        attr_uses=[moved(u, "line") for u in facts.attr_uses],
        classes=[(q, dataclasses.replace(c, line=new_line(c.line), end_line=new_line(c.end_line)),
                  [list(getattr(c, d).items()) for d in ("keywords", "methods", "method_variants", "class_attrs",
                                                         "attr_types")]) for q, c in facts.classes.items()],
        functions=[(q, dataclasses.replace(f, line=new_line(f.line), end_line=new_line(f.end_line), locals=None,
                                           is_trivial=f.is_trivial and bool(f.class_qualname)))  # read of methods
                   for q, f in facts.functions.items()],
        locals={q: {n: [moved(b, "line") for b in bs] for n, bs in f.locals.items()} for q, f in facts.functions.items()},
    )  # fmt: skip
    return view


def _plain_strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return _plain_strings(list(value.items()))
    if isinstance(value, tuple | list):
        return set().union(*map(_plain_strings, value)) if value else set()
    if dataclasses.is_dataclass(value):
        return _plain_strings([getattr(value, f.name) for f in dataclasses.fields(value)])
    return set()


def _but_reads(view: dict[str, Any]) -> dict[str, Any]:
    """A plain view without what ``calls_only_change`` lets differ: the calls of function bodies, ``name_uses``."""
    return dict(view, calls=[c for c in view["calls"] if c.scope == ""],
                functions=[(q, dataclasses.replace(f, name_uses=None)) for q, f in view["functions"]])


def plain_unseen(old: ModuleFacts, new: ModuleFacts, new_line: Callable[[int], int | None], *,
                 calls_only: bool = False) -> bool:  # fmt: skip
    """``unseen_change`` by its definition: all equal after moving but the locals of unmentioned names (and, with
    ``calls_only``, ``calls_only_change``'s: also the calls of function bodies and ``name_uses``; the mentions are
    still those of the whole new facts)."""
    before, after = _plain_view(old, new_line), _plain_view(new, lambda n: n)
    old_locals, new_locals = before.pop("locals"), after.pop("locals")
    if (_but_reads(before) != _but_reads(after)) if calls_only else (before != after):
        return False
    differing = {(q, n) for q in old_locals for n in {*old_locals[q], *new_locals[q]}
                 if old_locals[q].get(n) != new_locals[q].get(n)}  # fmt: skip
    names = {n for _, n in differing}
    if not names:
        return True
    held = [after, [[b for bs in runs.values() for b in bs] for runs in new_locals.values()],
            [old_locals[q].get(n) for q, n in differing]]
    tokens = {part for text in _plain_strings(held) for part in text.split(".")}
    return not names & tokens and "super" not in names


def _random_edits(root: Path, rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    files = sorted(p for p in root.rglob("*.py") if _parses(p.read_text(encoding="utf-8")))
    kinds = (*ALLOWED_KINDS, *REFUSED_KINDS)
    while count:
        old = rng.choice(files).read_text(encoding="utf-8")
        new = _edit(old, rng.choice(kinds), rng)
        if new is not None and _parses(new):
            count -= 1
            yield old, new


def test_agrees_with_its_plain_definition_on_random_edits_of_real_files(tmp_path: Path) -> None:
    verdicts: Counter[bool] = Counter()
    for tree in (REPO / "sample_repo", *([_django_tree(tmp_path)] if DJANGO else [])):
        for old, new in _random_edits(tree, random.Random(f"plain-{tree.name}"), 150):
            new_line = line_map(old, new)
            before, after = facts_of(old), facts_of(new)
            verdict = unseen_change(before, after, new_line)
            assert verdict is plain_unseen(before, after, new_line), difflib.unified_diff(old, new)
            verdicts[verdict] += 1
    assert min(verdicts[True], verdicts[False]) >= sum(verdicts.values()) // 4, verdicts  # both answers exercised


# -- ground truth on real code ------------------------------------------------------------------------------------

ALLOWED_KINDS = ("comment", "blank", "unused", "docstring", "literal")
REFUSED_KINDS = ("call", "import", "read", "rebind")  # a name the function reads bound again


def _statements(tree: ast.Module, in_function: bool) -> list[tuple[ast.stmt, ast.AST]]:
    """(statement, the node whose body holds it) of function bodies (``in_function``) or of every body: where a line
    can be inserted before."""
    found: list[tuple[ast.stmt, ast.AST]] = []
    for node in ast.walk(tree):
        if in_function and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            found.extend((s, node) for s in body if isinstance(s, ast.stmt)) if isinstance(body, list) else None
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
        return _insert(lines, rng.choice(places)[0], "# edited" if kind == "comment" else "") if places else None
    if kind in ("unused", "call", "import", "read", "rebind"):
        places = _statements(tree, in_function=True)
        if not places:
            return None
        stmt, function = rng.choice(places)
        read = sorted({n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)})
        text = {"unused": f"_unused_{rng.randrange(99)} = {rng.randrange(99)}", "call": "len(())",
                "import": "import json", "read": "_r = self", "rebind": f"{rng.choice(read or ['_'])} = None"}[kind]
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
    """``value`` (a result or a part of one) with every position in ``path`` moved by ``new_line``: the ``line`` and
    ``end_line`` of each record with a ``path`` (a ``Location``, an ``ImportRef``...)."""
    if isinstance(value, tuple | list):
        return type(value)(_moved(v, path, new_line) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, path, new_line) for k, v in value.items()}
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {f.name: _moved(getattr(value, f.name), path, new_line) for f in dataclasses.fields(value) if f.init}
    if changes.get("path") == path:
        changes.update((name, new_line(changes[name])) for name in ("line", "end_line")
                       if isinstance(changes.get(name), int))  # fmt: skip
    return dataclasses.replace(value, **changes)


def _compared(result: AuditResult) -> AuditResult:
    """What the early cut-off serves from the last result: all but the excerpts and stats (the caller's)."""
    return dataclasses.replace(result, excerpts=(), stats=dataclasses.replace(result.stats, lines=0))


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:  # an edit in a place no statement fits (before an ``elif``...), or a planted broken file
        return False
    return True


def _ground_truth(root: Path, rng: random.Random, edits_per_kind: int) -> dict[str, Counter[str]]:
    """Random edits of each kind on files of ``root``; every accepted one checked against two cold scans."""
    before = _compared(api.scan(root, jobs=1))
    files = sorted(p for p in root.rglob("*.py") if "def " in p.read_text(encoding="utf-8") and _parses(p.read_text(encoding="utf-8")))
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in (*ALLOWED_KINDS, *REFUSED_KINDS)}
    for kind in counts:
        for _ in range(edits_per_kind):
            path = rng.choice(files)
            old = path.read_text(encoding="utf-8")
            new = _edit(old, kind, rng)
            if new is None or new == old or not _parses(new):
                counts[kind]["no place"] += 1
                continue
            new_line = line_map(old, new)
            rel = path.relative_to(root).as_posix()
            if not unseen_change(facts_of(old), facts_of(new), new_line):
                counts[kind]["refused"] += 1
                continue
            counts[kind]["accepted"] += 1
            assert _scan_agrees(root, before, rel, new, new_line), (kind, rel, "".join(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True))))
    return counts


def _scan_agrees(root: Path, before: AuditResult, rel: str, new: str, new_line: Callable[[int], int | None]) -> bool:
    """Whether a cold scan of ``root`` with ``rel`` holding ``new`` gives ``before`` with ``rel``'s positions moved."""
    path = root / rel
    old = path.read_text(encoding="utf-8")
    path.write_text(new, encoding="utf-8")
    try:
        after = _compared(api.scan(root, jobs=1))
    finally:
        path.write_text(old, encoding="utf-8")
    return after == _moved(before, rel, new_line)


def _django_tree(tmp_path: Path, django: Path | None = DJANGO) -> Path:
    """django.contrib.auth and django.dispatch (40 files) copied under ``tmp_path``."""
    if django is None or not django.is_dir():
        pytest.skip("no django source tree on this machine (SSOT_AUDIT_DJANGO=.../django runs this)")
    root = tmp_path / "dj"
    shutil.copytree(django / "contrib" / "auth", root / "django" / "contrib" / "auth")
    shutil.copytree(django / "dispatch", root / "django" / "dispatch")
    for package in (root / "django", root / "django" / "contrib"):
        (package / "__init__.py").write_text("")
    return root


@pytest.mark.parametrize("tree", ["sample_repo", "django"])
def test_accepted_random_edits_give_the_moved_result(tmp_path: Path, tree: str) -> None:
    if tree == "sample_repo":
        root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo")
    else:
        root = _django_tree(tmp_path)
    counts = _ground_truth(root, random.Random(f"unseen-{tree}"), edits_per_kind=6)
    tried = {kind: c["accepted"] + c["refused"] for kind, c in counts.items()}
    # what it accepts of the allowed kinds (the refusals are positions it cannot follow: a changed line with a call,
    # a try body's first line, a trivial function no longer trivial...)
    for kind in ("comment", "blank"):
        assert counts[kind]["accepted"] >= tried[kind] * 3 // 4, (kind, counts)
    assert sum(counts[k]["accepted"] for k in ALLOWED_KINDS) >= sum(tried[k] for k in ALLOWED_KINDS) // 2, counts
    # A new call or import is always seen. ``_r = self`` binds an unread name (unseen where ``self`` was read
    # already); a rebound name may be read only outside the function (a parameter's default, a decorator).
    assert counts["call"]["accepted"] == counts["import"]["accepted"] == 0, counts
    assert counts["rebind"]["refused"] >= tried["rebind"] * 3 // 4, counts


def test_the_ground_truth_sees_a_statement_a_finding_is_on_replaced(tmp_path: Path) -> None:
    """The check above can fail: the statement of a planted finding of the sample project replaced by ``pass`` (as
    many lines, so every position maps to itself) gives a result the old one does not move to."""
    root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo")
    before = _compared(api.scan(root, jobs=1))
    finding = next(f for f in before.findings if f.code == "SSOT402")  # an unawaited coroutine: a plain statement
    old = (root / finding.location.path).read_text(encoding="utf-8")
    stmt = next(n for n in ast.walk(ast.parse(old)) if isinstance(n, ast.Expr) and n.lineno == finding.location.line)
    lines = old.splitlines(keepends=True)
    span = stmt.end_lineno - stmt.lineno + 1  # type: ignore[operator]
    lines[stmt.lineno - 1:stmt.end_lineno] = [" " * stmt.col_offset + "pass\n", *["\n"] * (span - 1)]
    new = "".join(lines)
    assert _scan_agrees(root, before, finding.location.path, old, lambda n: n) is True  # unchanged: agrees
    assert _scan_agrees(root, before, finding.location.path, new, lambda n: n) is False
