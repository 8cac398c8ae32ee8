"""The dependency record (``analysis.trace``) outside the resolver core: the caches of ``namespace``, ``roles``, the
import graph and the index's tables are recorded so that a judgement answered from them is reached from what the
first asker read (two judgements each, the second served by the cache), and an interface edit fires their leaves."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.interface_change import InterfaceChange, fired_leaves
from ssot_audit.analysis.namespace import Namespaces
from ssot_audit.analysis.roles import Roles
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import ALIASES, CLASS_SITES, IMPORTERS, MODULE, NAMED, SITES, STAR, Trace
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue

from tests.analysis.test_trace import INHERITED, reached, traced, twice, unit

STARRED = {
    "app/__init__.py": "",
    "app/star.py": "from app.source import *\n",
    "app/source.py": "X = 1\n",
}

CALLING = {  # a package that calls a function of another module at import time (may it fill its namespace?)
    "app/__init__.py": "",
    "app/pkg/__init__.py": "from app.helpers import setup\n\nsetup()\nX = 1\n",
    "app/helpers.py": "def setup():\n    pass\n",
}


def test_a_name_found_absent_once_is_read_again_through_its_node(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, STARRED)
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_absence("app.star", "X"))  # the second: ``_absent``'s answer
    assert reached(trace, ("app.source", "X")) == both  # what the star import supplies
    assert reached(trace, (STAR, "app.star")) == both


def test_whether_a_module_lacks_a_name_reads_that_name_not_the_whole_module(tmp_path: Path) -> None:
    # a name added to a module many others import from reaches none of their judgements of the names they import
    r, trace = traced(tmp_path, {"app/__init__.py": "", "app/lib.py": "X = 1\n"})
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_absence("app.lib", "X"))  # bound at run time: no node, read again
    assert reached(trace, ("app.lib", "X")) == both
    assert reached(trace, ("app.lib", "Y")) == set()
    assert reached(trace, (MODULE, "app.lib")) == set()
    assert reached(trace, (STAR, "app.lib")) == set()  # a name it binds: no star import can take it away


def test_a_name_a_module_lacks_reads_its_star_imports(tmp_path: Path) -> None:
    # ``from app.more import *`` added to ``app.lib`` may supply it: the edit fires (STAR, app.lib)
    r, trace = traced(tmp_path, {"app/__init__.py": "", "app/lib.py": "X = 1\n"})
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_absence("app.lib", "Y"))
    assert reached(trace, ("app.lib", "Y")) == both
    assert reached(trace, (STAR, "app.lib")) == both
    assert reached(trace, (MODULE, "app.lib")) == set()


def test_a_module_known_open_or_not_is_read_again_through_its_node(tmp_path: Path) -> None:
    # whether ``app.pkg`` fills its namespace at import time resolves the function it calls there, once (``_edited``)
    r, trace = traced(tmp_path, CALLING)
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_missing_module("app.pkg.gone"))
    assert reached(trace, ("app.helpers", "setup")) == both


def test_a_bound_name_asked_again_reads_again_what_its_answer_read(tmp_path: Path) -> None:
    # bound at run time: no node, the second asker reads the name's bindings and whether the module is open
    # (``_edited``'s node)
    r, trace = traced(tmp_path, CALLING)
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_absence("app.pkg", "X"))
    assert reached(trace, ("app.helpers", "setup")) == both
    assert reached(trace, ("app.pkg", "X")) == both


def test_who_defines_a_name_reads_every_modules_bindings_of_it(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, STARRED)
    spaces = Namespaces(r.index, r)
    both = twice(trace, lambda: spaces.find_definers("X"))  # the second: ``_definers``' answer
    assert reached(trace, (NAMED, "X")) == both
    assert reached(trace, (NAMED, "Y")) == set()


def test_graph_queries_read_the_importers_or_the_edges_they_answer_from(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "import app.a\n",
    })  # fmt: skip
    graph = ImportGraph(r.index)
    both = twice(trace, lambda: graph.find_importers("app.b"))  # the second: the table of importers made once
    with trace.unit(unit("cycles")):
        graph.find_cycles()
    with trace.unit(unit("lines")):
        graph.edge_lines("app.a", "app.b")
    assert reached(trace, (IMPORTERS, "app.b")) == both
    assert reached(trace, (IMPORTERS, "")) == {unit("cycles")}
    assert reached(trace, (MODULE, "app.a")) == {unit("lines")}


def test_the_module_aliases_are_one_table_read_by_each_asker(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, {"app/__init__.py": "", "app/a.py": "def f():\n    pass\n\ng = f\n"})
    both = twice(trace, r.index.module_aliases)  # listed once, by the first
    assert reached(trace, (ALIASES, "")) == both


def test_the_methods_with_a_flag_read_the_class_order_through_their_node(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, INHERITED)
    roles = Roles(r.index, r, None, frozenset())
    child = ClassValue("app.child", "Child")
    both = twice(trace, lambda: roles.methods_with(child, "is_async"))  # the second: ``_with``'s answer
    assert roles.methods_with(child, "is_async") == {"run"}
    assert reached(trace, ("app.alias", "Parent")) == both


def _change(*, names: frozenset[str] = frozenset(), imports: bool = False) -> InterfaceChange:
    return InterfaceChange(names=names, functions=frozenset(), imports=imports, module_calls=False, attr_uses=False,
                           exported=frozenset(), local=False)  # fmt: skip


def test_an_edit_of_the_imports_fires_the_importers_of_what_they_name() -> None:
    trace = Trace()
    trace.rules_begin()
    for target in ("app.b", "app.c"):
        with trace.unit(unit(target)):
            trace.read((IMPORTERS, target))
    recorded = Recorded.loads(Recorded.of_trace(trace).dumps())
    assert (IMPORTERS, "app.b") not in fired_leaves("app.a", _change(names=frozenset({"x"})), recorded)
    every = fired_leaves("app.a", _change(imports=True), recorded)  # what the imports named is not said: all
    assert recorded.reached(every) == {unit("app.b"), unit("app.c")}
    named = fired_leaves("app.a", _change(imports=True), recorded, imported=["app.c"])
    assert recorded.reached(named) == {unit("app.c")}
    assert (IMPORTERS, "") in named  # the cycles read every edge


def test_an_edit_of_a_name_fires_the_aliases_table() -> None:
    recorded = Recorded.of_trace(Trace())
    assert (ALIASES, "") in fired_leaves("app.a", _change(names=frozenset({"g"})), recorded)
    assert (ALIASES, "") not in fired_leaves("app.a", _change(imports=True), recorded, imported=[])
    # the interface path's caller knows no alias row changed (``edits._model_holds``)
    assert (ALIASES, "") not in fired_leaves("app.a", _change(names=frozenset({"g"})), recorded, aliases=False)


def test_the_leaves_of_a_module_are_its_own_not_the_tables_naming_it() -> None:
    trace = Trace()
    trace.rules_begin()
    with trace.unit(unit("u")):
        for leaf in (("app.a", "x"), (MODULE, "app.a"), (IMPORTERS, "app.a"), (NAMED, "app.a"), (ALIASES, "")):
            trace.read(leaf)
    assert sorted(map(str, Recorded.of_trace(trace).leaves_of("app.a"))) == sorted(map(str, [("app.a", "x"), (MODULE, "app.a")]))


def test_the_import_sites_of_a_target_are_its_leaf(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, {"app/__init__.py": "", "app/a.py": "from app.b import f\n", "app/b.py": "def f():\n    pass\n"})
    target = FunctionValue("app.b", "f")
    sites = ImportSites(r.index, r)
    for ask, sitting in ((sites.find_sites, "find"), (sites.count_importers, "count"), (sites.reexport_hops, "hops")):
        with trace.unit(unit(sitting)):
            ask(target)
    with trace.unit(unit("all")):
        assert [s.importer for s in sites.sites] == ["app.a"]
    assert reached(trace, (SITES, "app.b")) == {unit("find"), unit("count"), unit("hops")}  # the target's module
    assert reached(trace, (SITES, "")) == {unit("all")}
    restored = ImportSites.of_sites(sites.sites, trace=trace)  # kept by the last scan: its reads recorded alike
    with trace.unit(unit("restored")):
        restored.find_sites(target)
    assert unit("restored") in reached(trace, (SITES, "app.b"))


def test_an_edit_of_the_imports_fires_the_sites_of_their_targets() -> None:
    trace = Trace()
    trace.rules_begin()
    with trace.unit(unit("reader")):
        trace.read((SITES, "app.b"))
    recorded = Recorded.loads(Recorded.of_trace(trace).dumps())
    assert recorded.reached(fired_leaves("app.a", _change(imports=True), recorded)) == {unit("reader")}
    assert recorded.reached(fired_leaves("app.a", _change(imports=True), recorded, sites=[])) == set()
    assert recorded.reached(fired_leaves("app.a", _change(imports=True), recorded, sites=[(CLASS_SITES, "app.b")])) \
        == set()  # a class's sites are not a function's: the concept model reads every class's
    named = fired_leaves("app.a", _change(imports=True), recorded, sites=[(SITES, "app.b")])
    assert recorded.reached(named) == {unit("reader")} and (SITES, "") in named
