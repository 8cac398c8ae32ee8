"""``names_bound_to`` lists the module-level aliases once per index: it answers what its plain definition does."""

from __future__ import annotations

from pathlib import Path

from ssot_audit import api
from ssot_audit.analysis.facts import B_ASSIGN
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import BOUND, SITES, UNIT, Trace
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.config import Config
from ssot_audit.rules.base import RuleContext, names_bound_to

from benchmarks.monorepo_gen.generate import generate
from tests.helpers import write_project

ALIASES = {
    "app/__init__.py": "from app.impl import run as start\n",
    "app/impl.py": "async def run():\n    pass\nclass Manager:\n    pass\ngo = run\nM = Manager\n",
    "app/compat.py": "import app.impl\nlaunch = app.impl.run\nOld = app.impl.Manager\nother = len\n",
}


def _plain(ctx: RuleContext, targets: set[ClassValue] | set[FunctionValue]) -> frozenset[str]:
    """The plain definition: every binding of every module looked at for each question."""
    names = {t.qualname.split(".")[-1] for t in targets}
    names.update(site.bound for site in ctx.sites.sites if site.target in targets)
    for info in ctx.index.iter_modules():
        for name, bindings in info.facts.bindings.items():
            for binding in bindings:
                if binding.kind == B_ASSIGN and binding.value is not None and binding.value[0] in ("n", "a"):
                    if not targets.isdisjoint(ctx.resolver.resolve_expr(info.name, "", binding.value)):
                        names.add(name)
    return frozenset(names)


def test_names_bound_to_targets_are_those_of_the_plain_definition(tmp_path: Path) -> None:
    write_project(tmp_path / "aliases", ALIASES)
    generate(tmp_path / "mono", files=300, seed=5)
    sample = Path(__file__).resolve().parents[2] / "sample_repo"
    answers = []
    for root in (tmp_path / "aliases", tmp_path / "mono", sample):
        project = api.load_project(root, Config(), jobs=1)
        ctx = RuleContext(project.index, project.resolver, project.graph, project.sites, project.concepts,
                          project.failures, {})  # fmt: skip
        functions = {FunctionValue(i.name, f.qualname) for i, f in project.index.iter_functions()}
        classes = {ClassValue(i.name, c.qualname) for i, c in project.index.iter_classes()}
        asyncs = {v for v in functions if project.index.find_function(v.module, v.qualname).is_async}  # type: ignore[union-attr]
        for targets in (asyncs, classes, set(sorted(classes, key=repr)[::3]), functions):
            answers.append(names_bound_to(ctx, targets))  # type: ignore[arg-type]
            assert answers[-1] == _plain(ctx, targets)  # type: ignore[arg-type]
    assert answers[0] == {"run", "start", "go", "launch"}
    assert answers[1] == {"Manager", "M", "Old"}


def test_the_answers_are_one_node_a_later_scan_knows_by_key(tmp_path: Path) -> None:
    """A full scan keeps ``names_bound_to``'s answers and later scans reuse them (``rerun.CallTables``): the units
    that took an answer, computed or memoised, are reached through ``(BOUND, "")`` from what reading the targets'
    import sites read, and so is that node, which tells the interface path to compute the answers again. The
    aliases come from the model's table (``Names.alias_names``), whose resolutions the model read: no leaf of
    theirs leads to the node."""
    write_project(tmp_path, ALIASES)
    project = api.load_project(tmp_path, Config(), jobs=1)
    trace = Trace()
    resolver = Resolver(project.index, trace)
    sites = ImportSites(project.index, resolver)  # its reads recorded
    trace.rules_begin()
    ctx = RuleContext(project.index, resolver, project.graph, sites, project.concepts, project.failures, {},
                      bound_names={}, code="T")  # fmt: skip
    targets = {FunctionValue("app.impl", "run")}
    for key in ("first", "second"):
        with ctx.unit(key):
            assert names_bound_to(ctx, targets) == {"run", "start", "go", "launch"}
    recorded = Recorded.of_trace(trace)
    assert recorded.reached([(SITES, "app.impl")]) == {(UNIT, "T", "first"), (UNIT, "T", "second"), (BOUND, "")}
    # ``launch = app.impl.run``: the model's to read (the import rows of ``app`` read it too: their unit)
    assert recorded.reached([("app.impl", "run")]) == {(UNIT, "import sites", "app")}
