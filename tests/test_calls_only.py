"""``calls_only_change`` and ``rules.CALL_READERS``: which modules read the calls inside function bodies and the
names functions read (a static walk that fails when that changes), crafted pairs of sources, the plain definition
on random edits, and ground truth on real code: whenever it accepts a random call edit, two cold scans agree on
everything but the call readers' findings, positions moved."""

from __future__ import annotations

import ast
import dataclasses
import difflib
import random
import shutil
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.analysis.unseen import calls_only_change, unseen_change
from ssot_audit.model import AuditResult
from ssot_audit.rules import ALL_RULES, CALL_READERS
from tests.test_unseen import (
    DJANGO, REPO, _django_tree, _moved, _parses, _random_edits, _statements, facts_of, line_map, plain_unseen,
)

PACKAGE = REPO / "ssot_audit"


def judge(old: str, new: str) -> bool:
    return calls_only_change(facts_of(old), facts_of(new), line_map(old, new))


# -- who reads calls and name_uses ---------------------------------------------------------------------------------

# The attributes through which calls and a function's name reads are read (``CallTable``'s queries, the index's).
ACCESSORS = frozenset({"calls", "name_uses", "find_calls_named", "in_scope", "with_context", "named", "at_module_level"})
# Every module naming one, and which: the extraction writes them, ``index`` and ``namespace`` read them for others
# (below), ``unseen`` judges them; the rest are the rules of ``CALL_READERS``. (``facts`` defines the queries:
# a definition is no attribute read.)
NAMING_MODULES = {
    "analysis/extract.py": {"calls"},
    "analysis/extract_expressions.py": {"name_uses"},
    "analysis/index.py": {"calls", "named"},
    "analysis/interface_change.py": {"calls"},  # judges them, as ``unseen`` does
    "analysis/namespace.py": {"calls", "at_module_level"},
    "analysis/unseen.py": {"calls", "name_uses"},
    "kept_calls.py": {"calls"},  # which modules call each name, kept by a full scan; those edited since read as they are
    "rules/await_on_sync.py": {"calls", "in_scope", "with_context"},
    "rules/direct_instantiation.py": {"find_calls_named"},
    "rules/duplicate_factory.py": {"calls", "named"},
    "rules/guard_instantiation.py": {"find_calls_named"},
    "rules/shared_instance.py": {"calls", "with_context"},
    "rules/shim_subclass.py": {"calls", "named"},
    "rules/unawaited_coroutine.py": {"find_calls_named", "name_uses"},
}
# Modules that name accessors without handing what they read to an importer: reaching them does not count.
# ``index`` reads calls only in ``find_calls_named`` (whose callers name it, so they are counted themselves);
# ``namespace`` only ``at_module_level()`` calls, which ``calls_only_change`` compares; the others make the facts
# (per-file code no whole-program reader runs) or judge them.
NOT_HANDING_ON = {"analysis/index.py": "find_calls_named", "analysis/namespace.py": "_edited_at_import",
                  "analysis/extract.py": None, "analysis/extract_expressions.py": None, "analysis/unseen.py": None,
                  "analysis/interface_change.py": None, "kept_calls.py": None}


def _named_accessors(tree: ast.AST) -> set[str]:
    """The accessors ``tree`` names as attributes (or as strings: ``getattr(facts, "calls")``)."""
    found = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ACCESSORS}
    return found | {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in ACCESSORS}


@cache
def _parsed() -> dict[str, ast.Module]:
    return {p.relative_to(PACKAGE).as_posix(): ast.parse(p.read_text("utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def _trees() -> dict[str, ast.Module]:
    """Every module of the package, parsed (once: a copy for each test, which may change it)."""
    return dict(_parsed())


def test_the_modules_naming_a_call_accessor_are_the_known_ones() -> None:
    named = {path: _named_accessors(tree) for path, tree in _trees().items()}
    assert {path: found for path, found in named.items() if found} == NAMING_MODULES


@pytest.mark.parametrize("module", sorted(m for m, f in NOT_HANDING_ON.items() if f))
def test_modules_read_for_others_read_calls_in_one_function_alone(module: str) -> None:
    """``index`` and ``namespace`` name their accessors only inside the function said (so reaching the module
    through anything else reads no call)."""
    tree = _trees()[module]
    inside = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == NOT_HANDING_ON[module]]
    assert len(inside) == 1 and _named_accessors(inside[0]) == NAMING_MODULES[module]
    others = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n is not inside[0]
              and not any(n is m for m in ast.walk(inside[0]))]  # fmt: skip
    assert not set().union(*map(_named_accessors, others))
    if module == "analysis/namespace.py":  # the module-level calls alone: compared by the judgement
        assert _named_accessors(inside[0]) - {"calls"} == {"at_module_level"}


def _imports(path: str, tree: ast.Module) -> set[str]:
    """The modules of ``ssot_audit`` that ``path`` imports (as paths under the package), wherever the import is."""
    package = "ssot_audit." + path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + path.endswith("__init__.py")]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            submodules = [f"{base}.{a.name}" for a in node.names if _module_path(f"{base}.{a.name}")]
            # the package itself only when a name is taken from it (parents' ``__init__`` are not followed: a
            # rule imports ``rules.base``, not the catalog)
            names = [*submodules, *([base] if len(submodules) < len(node.names) else [])]
        found.update(filter(None, map(_module_path, names)))
    return found


def _module_path(name: str) -> str | None:
    """The path under the package of the module ``name`` (None outside ``ssot_audit`` or for a non-module)."""
    rel = name.removeprefix("ssot_audit.").replace(".", "/")
    for candidate in (f"{rel}.py", f"{rel}/__init__.py"):
        if name.startswith("ssot_audit.") and (PACKAGE / candidate).is_file():
            return candidate
    return None


def _reaches(start: str, trees: dict[str, ast.Module]) -> set[str]:
    """The modules naming an accessor that ``start`` reaches through its imports, transitively (those of
    ``NOT_HANDING_ON`` aside), itself included."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        module = stack.pop()
        if module in seen:
            continue
        seen.add(module)
        stack.extend(_imports(module, trees[module]))
    return {m for m in seen if m in NAMING_MODULES and m not in NOT_HANDING_ON}


def test_a_rule_reaches_a_call_reader_exactly_when_it_is_declared_one() -> None:
    trees = _trees()
    modules = {rule.info.code: f"rules/{rule.check.__module__.rsplit('.', 1)[-1]}.py" for rule in ALL_RULES}
    reaching = {code for code, module in modules.items() if _reaches(module, trees)}
    # SSOT901 reads no call: the suppression step makes it from every other finding (see ``CALL_READERS``)
    assert reaching == CALL_READERS - {"SSOT901"}
    assert CALL_READERS <= set(modules)
    # and the rules' helpers, the concept model, the resolver, import sites and graph reach none (the pipeline
    # reaches every rule, and names no accessor itself: the first test)
    for shared in ("rules/base.py", "analysis/concepts.py", "analysis/resolve.py", "analysis/usage.py",
                   "analysis/graph.py", "analysis/callees.py", "analysis/asyncness.py", "capture.py"):
        assert _reaches(shared, trees) == set(), shared


def test_the_import_walk_sees_a_reader_through_a_helper() -> None:
    """The walk above follows imports: a rule importing a module that reads calls is counted."""
    trees = _trees()
    trees["rules/parse_error.py"] = ast.parse("from ssot_audit.rules import await_on_sync\n")
    assert _reaches("rules/parse_error.py", trees) == {"rules/await_on_sync.py"}
    trees["rules/parse_error.py"] = ast.parse("from ..analysis import index, namespace\n")
    assert _reaches("rules/parse_error.py", trees) == set()


# -- crafted pairs ---------------------------------------------------------------------------------------------------

SOURCE = '''\
"""A module."""
import os
from pkg import helper, make

registry = make()


def run(path, flag=False, *, limit=len("abc")):
    """Run it."""
    result = helper(os.path.join(path, "x"))
    if flag:
        result = result.strip()

    def inner(value):
        return result

    key = lambda item: item
    return inner(key)


async def fetch(client):
    data = await client.get()
    return data


class Service:
    """A service."""

    timeout = make()

    @staticmethod
    def build():
        return Service()

    def start(self, other):
        self.ready = True
        return 3

    def stop(self):
        self.ready = False

    def name(self):
        return "service"
'''


def _after(anchor: str, text: str) -> str:
    """``SOURCE`` with the line ``text`` inserted after the line ``anchor`` (indented as the line after it)."""
    lines = SOURCE.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.rstrip() == anchor) + 1
    indent = len(lines[at]) - len(lines[at].lstrip())
    return "".join([*lines[:at], " " * indent + text + "\n", *lines[at:]])


PRINTING = _after('    """Run it."""', "print(path)")
ACCEPTED: dict[str, str | tuple[str, str]] = {
    "print in a function": PRINTING,
    "a call removed from a function": (PRINTING, SOURCE),
    "a method on self": _after("    def stop(self):", "self.flush()"),
    "a method of a parameter": _after("    def start(self, other):", "other.run()"),
    "an await": _after("    data = await client.get()", "await client.close()"),
    "a call in a nested function": _after("    def inner(value):", "len(value)"),
    "a call in a lambda in a function": SOURCE.replace("lambda item: item", "lambda item: str(item)"),
    "a changed callee in a function": (PRINTING, PRINTING.replace("print(path)", "len(path)")),
    "a changed column of a call in a function": (PRINTING, PRINTING.replace("print(path)", "len(path); print(path)")),
    "the file's only call removed": ("def f(x):\n    print(x)\n    return x\n", "def f(x):\n    return x\n"),
    "the only calls left in a local class": ("def f(x):\n    print(x)\n    class A:\n        g()\n",
                                             "def f(x):\n    class A:\n        g()\n"),  # no call's class is "" now
    "a call with lines shifted": "# header\n\n" + _after("    def stop(self):", "print(1)"),
    "a new argument in a function's call": SOURCE.replace('"x"))', '"x"), path)'),
}
REFUSED = {
    "a module-level call": SOURCE.replace("registry = make()\n", "registry = make()\nprint(registry)\n"),
    "a changed module-level call": SOURCE.replace("registry = make()", "registry = helper()"),
    "a call in a class body": SOURCE.replace("    timeout = make()", "    timeout = make(3)\n    print(timeout)"),
    "a changed decorator": SOURCE.replace("@staticmethod", "@staticmethod\n    @helper()"),
    "a changed default argument": SOURCE.replace('limit=len("abc")', 'limit=max("abc")'),
    "a new import in a function": _after('    """Run it."""', "import json"),
    "a use of an imported module": _after('    """Run it."""', "os.path.exists(path)"),
    "a new local that is read": _after('    """Run it."""', "found = helper(); print(found)"),
    "a new return of a call": _after("    def stop(self):", "return make()"),
    "a call stored on self": _after("    def stop(self):", "self.ready = make()"),
    "a trivial method made not trivial": _after("    def name(self):", "print()"),
    "an assigned call in a function changed": SOURCE.replace("result.strip()", "result.lower()"),  # the local's value
    "a delegation": _after("    def stop(self):", "other.stop()").replace("def stop(self):", "def stop(self, other):"),
    "a call in a module-level comprehension": SOURCE.replace("registry = make()",
                                                             "registry = make()\nnames = [str(n) for n in range(3)]"),
}


@pytest.mark.parametrize("change", sorted(ACCEPTED))
def test_accepts_a_change_of_calls_in_function_bodies(change: str) -> None:
    pair = ACCEPTED[change]
    old, new = pair if isinstance(pair, tuple) else (SOURCE, pair)
    assert new != old and _parses(new) and judge(old, new) is True
    assert unseen_change(facts_of(old), facts_of(new), line_map(old, new)) is False  # a change the call readers see


@pytest.mark.parametrize("change", sorted(REFUSED))
def test_refuses_a_change_other_readers_see(change: str) -> None:
    new = REFUSED[change]
    assert new != SOURCE and _parses(new) and judge(SOURCE, new) is False


def test_the_calls_outside_functions_must_move() -> None:
    """A module-level call's position is compared, moved; the positions of calls in function bodies are not."""
    new = "\n" + SOURCE
    assert judge(SOURCE, new) is True
    assert calls_only_change(facts_of(SOURCE), facts_of(new), lambda n: n) is False
    call_line = SOURCE.splitlines().index("registry = make()") + 1
    assert calls_only_change(facts_of(SOURCE), facts_of(new), lambda n: n if n == call_line else n + 1) is False
    old = "x = 1\n\n\ndef f(path):\n    print(path)\n    return path\n"
    unmapped = lambda n: None if n == 5 else n  # noqa: E731 - the call's line changed: it cannot be moved
    assert calls_only_change(facts_of(old), facts_of(old), unmapped) is True
    assert unseen_change(facts_of(old), facts_of(old), unmapped) is False
    assert calls_only_change(facts_of(old), facts_of(old), lambda n: None if n == 1 else n) is False  # a binding


# -- random edits: the plain definition, and ``unseen`` implies it ------------------------------------------------

CALL_KINDS = ("print", "self", "param", "await", "len")  # a call statement in a function body: accepted
OTHER_KINDS = ("module call", "import", "read local", "return", "rooted")  # what the other readers see


def _call_edit(source: str, kind: str, rng: random.Random) -> str | None:
    """``source`` with a statement of ``kind`` inserted before a random statement of a function body (module level for
    "module call"); None when the file offers no place for it."""
    tree = ast.parse(source)
    places: list[tuple[ast.stmt, ast.AST]]
    if kind == "module call":
        places = [(s, tree) for s in tree.body]
    else:
        places = [(s, f) for s, f in _statements(tree, in_function=True) if not _is_docstring(s)]
    if kind == "self":
        places = [(s, f) for s, f in places if _params(f)[:1] == ["self"]]
    elif kind in ("param", "len"):
        places = [(s, f) for s, f in places if _params(f)[1 if _params(f)[:1] in (["self"], ["cls"]) else 0:]]
    elif kind == "await":
        places = [(s, f) for s, f in places if isinstance(f, ast.AsyncFunctionDef)]
    elif kind == "rooted":
        modules = sorted({a.asname or a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names
                          if "." not in a.name})  # fmt: skip
        places = places if modules else []
    if not places:
        return None
    stmt, function = rng.choice(places)
    n = rng.randrange(99)
    params = _params(function)[1:] if _params(function)[:1] in (["self"], ["cls"]) else _params(function)
    text = {"print": f"print({n})", "self": f"self.helper_{n}()", "await": "await f()", "module call": f"print({n})",
            "import": "import json", "read local": f"_v{n} = g(); print(_v{n})", "return": "return g()",
            "param": f"{rng.choice(params or ['_'])}.meth()", "len": f"len({rng.choice(params or ['_'])})",
            "rooted": f"{rng.choice(modules or ['_'])}.attr_{n}()" if kind == "rooted" else ""}[kind]  # fmt: skip
    lines = source.splitlines(keepends=True)
    line = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
    return "".join([*lines[:line - 1], " " * stmt.col_offset + text + "\n", *lines[line - 1:]])


def _params(function: ast.AST) -> list[str]:
    args = getattr(function, "args", None)
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)] if args is not None else []


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _edits(root: Path, rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(kind, old, new): ``count`` random edits of each kind of this module and of ``tests/test_unseen.py``."""
    files = sorted(p for p in root.rglob("*.py") if _parses(p.read_text(encoding="utf-8")))
    found = []
    for kind in (*CALL_KINDS, *OTHER_KINDS):
        for _ in range(count * 5):
            old = rng.choice(files).read_text(encoding="utf-8")
            new = _call_edit(old, kind, rng)
            if new is not None and _parses(new):
                found.append((kind, old, new))
                if sum(k == kind for k, _, _ in found) == count:
                    break
    return found + [("unseen", old, new) for old, new in _random_edits(root, rng, count * 4)]


def test_agrees_with_its_plain_definition_and_follows_unseen(tmp_path: Path) -> None:
    verdicts: Counter[tuple[str, bool]] = Counter()
    for tree in (REPO / "sample_repo", *([_django_tree(tmp_path)] if DJANGO else [])):
        for kind, old, new in _edits(tree, random.Random(f"plain-calls-{tree.name}"), 12):
            new_line = line_map(old, new)
            before, after = facts_of(old), facts_of(new)
            verdict = calls_only_change(before, after, new_line)
            diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True)))
            assert verdict is plain_unseen(before, after, new_line, calls_only=True), (kind, diff)
            assert verdict or not unseen_change(before, after, new_line), (kind, diff)  # unseen implies calls-only
            verdicts[kind, verdict] += 1
    assert all(verdicts[kind, True] > 3 * verdicts[kind, False] for kind in CALL_KINDS), verdicts
    assert not any(verdicts[kind, True] for kind in OTHER_KINDS), verdicts


# -- ground truth on real code ------------------------------------------------------------------------------------

def _seen_by_others(result: AuditResult) -> tuple[Any, ...]:
    """What a calls-only edit serves from the last result (positions moved): the findings of the rules outside
    ``CALL_READERS`` (suppressed ones too), the concepts, modules, imports of concept symbols and import edges."""
    return (tuple(f for f in result.findings if f.code not in CALL_READERS),
            tuple(s for s in result.suppressed if s.finding.code not in CALL_READERS),
            result.concepts, result.modules, result.symbol_imports, result.import_edges)  # fmt: skip


def _scan_view(root: Path, rel: str | None = None, text: str | None = None) -> tuple[Any, ...]:
    """``_seen_by_others`` of a cold scan of ``root``, with ``rel`` holding ``text`` for the scan when given."""
    path = root / rel if rel is not None else None
    old = path.read_text(encoding="utf-8") if path is not None else None
    if path is not None and text is not None:
        path.write_text(text, encoding="utf-8")
    try:
        return _seen_by_others(api.scan(root, jobs=1))
    finally:
        if path is not None and old is not None:
            path.write_text(old, encoding="utf-8")


def _ground_truth(root: Path, rng: random.Random, calls: int, others: int) -> dict[str, Counter[str]]:
    """Random edits of each kind on files of ``root``; every accepted one checked against two cold scans."""
    before = _scan_view(root)
    sources = {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}
    sources = {p: text for p, text in sources.items() if "def " in text and _parses(text)}
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in (*CALL_KINDS, *OTHER_KINDS)}
    for kind, count in counts.items():
        files = [p for p, text in sources.items() if _call_edit(text, kind, random.Random(0)) is not None]
        while files and count["accepted"] + count["refused"] < (calls if kind in CALL_KINDS else others):
            path = rng.choice(files)
            old = sources[path]
            new = _call_edit(old, kind, rng)
            if new is None or not _parses(new):  # before a statement no line fits (an ``else:``...)
                count["no place"] += 1
                continue
            new_line = line_map(old, new)
            if not calls_only_change(facts_of(old), facts_of(new), new_line):
                count["refused"] += 1
                continue
            count["accepted"] += 1
            rel = path.relative_to(root).as_posix()
            assert _scan_view(root, rel, new) == _moved(before, rel, new_line), (kind, rel, "".join(
                difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True))))
    return counts


def _django_parts(tmp_path: Path) -> Path:
    """django.utils and django.http (52 files) copied under ``tmp_path``."""
    if DJANGO is None or not DJANGO.is_dir():
        pytest.skip("no django source tree on this machine (SSOT_AUDIT_DJANGO=.../django runs this)")
    root = tmp_path / "dj"
    for part in ("utils", "http"):
        shutil.copytree(DJANGO / part, root / "django" / part)
    (root / "django" / "__init__.py").write_text("")
    return root


@pytest.mark.parametrize("tree", ["sample_repo", "django"])
def test_accepted_call_edits_leave_what_other_readers_see_moved(tmp_path: Path, tree: str) -> None:
    root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo") if tree == "sample_repo" else (
        _django_parts(tmp_path))
    counts = _ground_truth(root, random.Random(f"calls-only-{tree}"), calls=5, others=3)
    for kind in CALL_KINDS:  # nearly every call inserted in a function body is accepted
        assert counts[kind]["accepted"] >= 4, counts
    assert not any(counts[kind]["accepted"] for kind in OTHER_KINDS), counts


def test_the_ground_truth_sees_a_change_other_readers_see(tmp_path: Path) -> None:
    """The check above can fail: a module-level import of a name the project lacks is a new SSOT203 finding."""
    root = shutil.copytree(REPO / "sample_repo", tmp_path / "sample_repo")
    before = _scan_view(root)
    module, rel = before[3][0]
    target = next(p for p in sorted(root.rglob("*.py")) if p.relative_to(root).as_posix() != rel)
    old = target.read_text(encoding="utf-8")
    new = f"from {module} import no_such_name\n" + old
    after = _scan_view(root, target.relative_to(root).as_posix(), new)
    assert after != _moved(before, target.relative_to(root).as_posix(), line_map(old, new))
