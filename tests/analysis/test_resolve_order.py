"""Resolver answers do not depend on the order queries are asked in, cycles included.

Each generated project is full of cycles (aliases, re-exports, star imports, package re-exports, class attributes,
return values, bases); every public query the rules ask is answered by a fresh resolver in several seeded random
orders, and the answers must be equal. A query that re-enters itself used to answer UNKNOWN unmemoised while the
queries above it memoised answers built on that: which query came first decided the answers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.loader import analyze_bytes
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import UNKNOWN, ClassValue, ExternalValue, FunctionValue, InstanceValue

from tests.helpers import scan_project, triples, write_project

NAMES = ("X", "Y", "Z", "W")
MODULES = ("pkg", "pkg.a", "pkg.b", "pkg.c")


def _index(sources: dict[str, str]) -> ProjectIndex:
    """An index straight from per-file facts (``pkg`` is the package, the others its modules)."""
    modules = {}
    for name, source in sources.items():
        outcome = analyze_bytes(source.encode(), f"{name}.py")
        assert outcome.facts is not None
        modules[name] = ModuleInfo(name, f"{name.replace('.', '/')}.py", name == "pkg", False, outcome.facts)
    return ProjectIndex(modules)


def _statement(rng: random.Random, module: str, serial: int) -> str:
    """One random module-level statement that may close a cycle with another module's or its own names."""
    x, y = rng.choice(NAMES), rng.choice(NAMES)
    other = rng.choice([m for m in MODULES if m != module])
    third = rng.choice(MODULES)
    choices = [
        f"from {other} import {x}\n",
        f"try:\n    from {other} import {x}\nexcept ImportError:\n    from {third} import {x}\n",
        f"try:\n    from {other} import {x}\nexcept ImportError:\n    class {x}:\n        pass\n",
        f"from {other} import *\n",
        f"{x} = {y}\n",
        f"if FLAG:\n    {x} = {y}\n",
        f"import {other}\n{x} = {other}.{y}\n",
        f"{x} = {y}.attr\n",
        f"{x} = {y}()\n",
        f"class {x}({y}):\n    attr = {y}\n\n    def get(self):\n        return self.attr\n",
        f"class {x}:\n    attr = {y}.attr\n",
        f"def {x}():\n    return {y}()\n",
        f"def {x}():\n    local = {y}\n    return local\n",
        f"async def {x}():\n    return await {y}()\n",
        f"class {x}:\n    def __init__(self):\n        self.attr = {y}()\n\n    @property\n    def prop(self):\n        return self.attr.prop\n",
        f"{x} = {y} = Base{serial % 2}\n",
        f"class Base{serial % 2}:\n    pass\n",
    ]
    return rng.choice(choices)


def generate(seed: int) -> dict[str, str]:
    """A small package whose modules import from one another in cycles."""
    rng = random.Random(seed)
    sources = {}
    for module in MODULES:
        count = rng.randint(2, 7)
        sources[module] = "FLAG = 1\n" + "".join(_statement(rng, module, i) for i in range(count))
    return sources


Query = tuple[str, tuple[object, ...]]


def _queries(index: ProjectIndex) -> list[Query]:
    """Every query the rules ask of a resolver, over every name, function and class of the project."""
    found: list[Query] = []
    for module in MODULES:
        facts = index.get_module(module).facts
        for name in (*NAMES, "Base0", "Base1", "attr"):
            found.append(("module_attr", (module, name)))
            found.append(("resolve_name", (module, "", name)))
        for qualname, func in facts.functions.items():
            found.append(("return_values", (FunctionValue(module, qualname),)))
            for name in func.locals.keys():
                found.append(("resolve_name", (module, qualname, name)))
        for qualname in facts.classes:
            cls = ClassValue(module, qualname)
            found.append(("mro", (cls,)))
            for attr in ("attr", "prop", "get"):
                found.append(("class_member", (cls, attr, False)))
                found.append(("class_member", (cls, attr, True)))
            found.append(("find_method", (cls, "get")))
    return found


def _ask(resolver: Resolver, query: Query) -> object:
    kind, args = query
    if kind == "class_member":
        cls, attr, instance = args
        return resolver.class_member(cls, attr, instance=instance)  # type: ignore[arg-type]
    method: Callable[..., object] = getattr(resolver, kind)
    return method(*args)


def answers(sources: dict[str, str], order_seed: int | None) -> dict[Query, object]:
    """Every query's answer from a fresh resolver, asked in a shuffled order (``None``: the listed order)."""
    index = _index(sources)
    resolver = Resolver(index)
    queries = _queries(index)
    asked = list(queries)
    if order_seed is not None:
        random.Random(order_seed).shuffle(asked)
    got = {query: _ask(resolver, query) for query in asked}
    got[("doubted", ())] = frozenset(resolver.doubted_annotations)
    return got


def _differences(first: dict[Query, object], other: dict[Query, object]) -> list[str]:
    return [f"{q}: {first[q]!r} != {other[q]!r}" for q in first if first[q] != other[q]]


@pytest.mark.parametrize("seed", range(300))
def test_answers_do_not_depend_on_query_order(seed: int) -> None:
    sources = generate(seed)
    first = answers(sources, None)
    for order_seed in (1, 2, 3):
        assert _differences(first, answers(sources, order_seed)) == [], sources


def test_alternative_definition_behind_an_import_cycle_is_found_whichever_module_asks_first() -> None:
    sources = {
        "pkg": "",
        "pkg.a": "try:\n    from pkg.c import X\nexcept ImportError:\n    from pkg.b import X\n",
        "pkg.b": "from pkg.a import X\n",
        "pkg.c": "class X:\n    pass\n",
    }
    expected = frozenset({ClassValue("pkg.c", "X"), UNKNOWN})
    for first in ("pkg.a", "pkg.b"):
        resolver = Resolver(_index(sources))
        resolver.module_attr(first, "X")
        assert resolver.module_attr("pkg.a", "X") == expected
        assert resolver.module_attr("pkg.b", "X") == expected


def test_mutual_aliases_with_an_alternative_agree_whichever_is_asked_first() -> None:
    sources = {"pkg": ""}
    sources["pkg.a"] = "class A:\n    pass\n\nX = A\nif FLAG:\n    X = Y\nY = X\n"
    results = []
    for first in ("X", "Y"):
        resolver = Resolver(_index(sources))
        resolver.module_attr("pkg.a", first)
        results.append((resolver.module_attr("pkg.a", "X"), resolver.module_attr("pkg.a", "Y")))
    assert results[0] == results[1]
    assert results[0][0] == frozenset({ClassValue("pkg.a", "A"), UNKNOWN})


def test_select_gives_the_full_scans_findings_on_a_project_with_cycles(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "from app.models import *\nfrom app.services import Service\n",
        "app/models.py": "try:\n    from app.store import Manager\nexcept ImportError:\n    from app import Manager\n",
        "app/store.py": (
            "class Manager:\n    def count(self):\n        return 1\n\n"
            "def get_manager():\n    return Manager()\n"
        ),
        "app/services.py": (
            "from app import Manager\nfrom app.store import get_manager\n\n"
            "class Service:\n    manager = Manager\n\n    async def run(self):\n"
            "        m = get_manager()\n        return await m.count()\n"
        ),
    })  # fmt: skip
    full = scan_project(tmp_path)
    for code in sorted({f.code for f in full.findings}):
        assert triples(scan_project(tmp_path, select=[code])) == triples(full, code), code
    assert ("SSOT401", "app/services.py", 9) in triples(full)


def test_an_external_name_is_not_grown_through_a_cycle() -> None:
    """``X = X.sep`` would make ``os.path.sep.sep...`` round after round: what goes round the cycle is UNKNOWN."""
    resolver = Resolver(_index({"pkg": "", "pkg.a": "import os\nX = os.path\nif FLAG:\n    X = X.sep\n"}))
    assert resolver.module_attr("pkg.a", "X") == {ExternalValue("os.path"), UNKNOWN}


def test_a_function_local_rebound_from_itself_keeps_its_first_value_and_unknown() -> None:
    source = "import db\n\ndef get():\n    qs = db.query()\n    for f in FILTERS:\n        qs = qs.filter(f)\n    return qs\n"
    resolver = Resolver(_index({"pkg": "", "pkg.a": source}))
    assert resolver.return_values(FunctionValue("pkg.a", "get")) == {ExternalValue("db.query()"), UNKNOWN}


def test_mutually_recursive_functions_share_their_returns_whichever_is_asked_first() -> None:
    source = (
        "class A:\n    pass\n\nclass B:\n    pass\n\n"
        "def f(n):\n    if n:\n        return g(n - 1)\n    return A()\n\n"
        "def g(n):\n    if n:\n        return f(n - 1)\n    return B()\n"
    )
    expected = frozenset({InstanceValue(ClassValue("pkg.a", "A")), InstanceValue(ClassValue("pkg.a", "B")), UNKNOWN})
    for first in ("f", "g"):
        resolver = Resolver(_index({"pkg": "", "pkg.a": source}))
        resolver.return_values(FunctionValue("pkg.a", first))
        assert resolver.return_values(FunctionValue("pkg.a", "f")) == expected
        assert resolver.return_values(FunctionValue("pkg.a", "g")) == expected


def test_an_inheritance_cycle_gives_the_same_orders_whichever_class_is_asked_first() -> None:
    source = "class A(B): pass\nclass B(C): pass\nclass C(A): pass\nclass D(A, C): pass\n"
    expected = {"A": "ABC", "B": "BCA", "C": "CAB", "D": "DABC"}  # depth first, without repeats
    for first in "ABCD":
        resolver = Resolver(_index({"pkg": "", "pkg.a": source}))
        resolver.mro(ClassValue("pkg.a", first))
        got = {n: "".join(v.qualname for v in resolver.mro(ClassValue("pkg.a", n)) if isinstance(v, ClassValue))
               for n in "ABCD"}  # fmt: skip
        assert got == expected, first
