"""Deep inputs give answers, not RecursionError: long re-export chains, long inheritance chains, alias chains."""

from __future__ import annotations

from pathlib import Path

from ssot_audit import api
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.loader import analyze_bytes
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import UNKNOWN, ClassValue, FunctionValue
from ssot_audit.config import Config

from tests.helpers import triples, write_project


def _index(sources: dict[str, str]) -> ProjectIndex:
    """An index built straight from per-file facts (no concept discovery: only the resolver is under test)."""
    modules = {}
    for name, source in sources.items():
        outcome = analyze_bytes(source.encode(), f"{name}.py")
        assert outcome.facts is not None
        modules[name] = ModuleInfo(name, f"{name}.py", False, False, outcome.facts)
    return ProjectIndex(modules)


def test_mro_of_a_3000_class_chain_is_complete_and_ordered() -> None:
    classes = "class C0:\n    def run(self): pass\n" + "".join(f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, 3000))
    resolver = Resolver(_index({"m": classes}))
    mro = resolver.mro(ClassValue("m", "C2999"))
    assert mro == tuple(ClassValue("m", f"C{i}") for i in range(2999, -1, -1))
    assert resolver.find_method(ClassValue("m", "C2999"), "run") == FunctionValue("m", "C0.run")


def test_mro_of_a_diamond_keeps_depth_first_order_without_repeats() -> None:
    resolver = Resolver(_index({"m": "class A: pass\nclass B(A): pass\nclass C(A): pass\nclass D(B, C): pass\n"}))
    assert resolver.mro(ClassValue("m", "D")) == tuple(ClassValue("m", n) for n in "DBAC")


def test_mro_of_an_inheritance_cycle_terminates() -> None:
    resolver = Resolver(_index({"m": "class A(B): pass\nclass B(A): pass\n"}))
    assert resolver.mro(ClassValue("m", "A")) == (ClassValue("m", "A"), ClassValue("m", "B"))
    assert resolver.mro(ClassValue("m", "B")) == (ClassValue("m", "B"), ClassValue("m", "A"))


def test_a_200_module_reexport_chain_resolves_to_the_class() -> None:
    sources = {"a000": "class Manager:\n    pass\n"}
    sources.update({f"a{i:03d}": f"from a{i - 1:03d} import Manager\n" for i in range(1, 200)})
    resolver = Resolver(_index(sources))
    assert resolver.module_attr("a199", "Manager") == {ClassValue("a000", "Manager")}
    assert resolver.module_attr("a100", "Manager") == {ClassValue("a000", "Manager")}  # every hop memoised


def test_a_cyclic_reexport_chain_is_unknown() -> None:
    resolver = Resolver(_index({"a": "from b import X\n", "b": "from c import X\n", "c": "from a import X\n"}))
    assert resolver.module_attr("a", "X") == {UNKNOWN}


def test_a_deep_alias_chain_gives_up_with_unknown_instead_of_crashing() -> None:
    aliases = "class A0: pass\n" + "".join(f"A{i} = A{i - 1}\n" for i in range(1, 3000))
    resolver = Resolver(_index({"m": aliases}))
    assert resolver.gave_up == 0
    assert resolver.module_attr("m", "A5") == {ClassValue("m", "A0")}
    assert resolver.gave_up == 0  # a chain within the limits: no give-up counted
    assert resolver.module_attr("m", "A2999") == {UNKNOWN}
    assert resolver.gave_up == 1  # counted: a scan of part of the project then takes the whole path (``api``)


def test_scan_of_a_170_module_reexport_chain_finds_the_await(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/a000.py": "class Manager:\n    def run(self):\n        pass\n"}
    files.update({f"pkg/a{i:03d}.py": f"from pkg.a{i - 1:03d} import Manager\n" for i in range(1, 170)})
    files["main.py"] = "from pkg.a169 import Manager\n\nasync def f():\n    await Manager().run()\n"
    result = api.scan(write_project(tmp_path, files), config=Config(), jobs=1)
    assert triples(result, "SSOT401") == {("SSOT401", "main.py", 4)}


def test_scan_of_a_1000_class_chain_across_modules(tmp_path: Path) -> None:
    files = {"c0000.py": "class C0000:\n    def run(self):\n        pass\n"}
    files.update({f"c{i:04d}.py": f"from c{i - 1:04d} import C{i - 1:04d}\n\nclass C{i:04d}(C{i - 1:04d}):\n"
                  f"    def extra_{i}(self):\n        pass\n" for i in range(1, 1000)})  # fmt: skip
    files["main.py"] = "from c0999 import C0999\n\nasync def f():\n    await C0999().run()\n"
    result = api.scan(write_project(tmp_path, files), config=Config(), jobs=1)
    assert triples(result, "SSOT401") == {("SSOT401", "main.py", 4)}
