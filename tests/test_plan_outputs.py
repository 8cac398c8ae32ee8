"""The plan as people read it on a big codebase: ranked by impact, --concept / --limit, Markdown that fits an
issue (the rest summarised, the complete plan beside it), dependency lists folded, one count of implementations."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.model import ConsolidationPlan, Location, PlanStep, PlanSummary, SymbolPlan
from ssot_audit.model.impact import implementations, rank
from ssot_audit.planner import build_plan
from ssot_audit.reporters import plan_markdown, plan_text
from ssot_audit.reporters.plan_text import shorten_ids

from tests.helpers import scan_project, write_project

_METHODS = "    def send_batch(self): ...\n    def close_stream(self): ...\n    def flush_outbox(self): ...\n"
_OTHER = "    def open_cursor(self): ...\n    def read_rows(self): ...\n    def write_rows(self): ...\n"


def _two_concepts(tmp_path: Path) -> Path:
    """'alpha' (2 classes, first by path) and 'zulu' (4 classes, one of them imported)."""
    files = {"app/__init__.py": "", "app/a_alpha.py": f"class AlphaOne:\n{_METHODS}\n\nclass AlphaTwo:\n{_METHODS}"}
    files["app/z_zulu.py"] = "".join(f"class Zulu{i}:\n{_OTHER}\n\n" for i in range(4))
    files["app/user.py"] = "from app.z_zulu import Zulu1\n"
    return write_project(tmp_path, files)


_TABLE = {"concepts": {"alpha": {"canonical": "app.a_alpha.AlphaOne", "name-patterns": ["Alpha*"]},
                       "zulu": {"canonical": "app.z_zulu.Zulu0", "name-patterns": ["Zulu*"]}}}  # fmt: skip


def test_plans_come_in_impact_order_not_path_order(tmp_path: Path) -> None:
    result = scan_project(_two_concepts(tmp_path), _TABLE)
    plan = build_plan(result)
    assert [c.concept for c in plan.concepts] == [i.key for i in rank(result).concepts] == ["zulu", "alpha"]
    assert [c.summary.implementations for c in plan.concepts] == [4, 2]
    text = plan_text.render(plan)
    assert text.index("1. Concept 'zulu'") < text.index("2. Concept 'alpha'")
    assert text.splitlines()[1].startswith("Total: 6 implementations -> 2, ")  # the total first, not at the end


def test_implementations_are_counted_once_the_same_way(tmp_path: Path) -> None:
    """Split symbols are not implementations: the total is the concepts' live classes, as impact counts them."""
    files = {"lib/__init__.py": "from lib.core import helper\n", "lib/core.py": "def helper():\n    return 1\n",
             "app/__init__.py": "", "app/a.py": "from lib import helper\n", "app/b.py": "from lib.core import helper\n",
             "app/c.py": "from lib.core import helper\n"}  # fmt: skip
    root = _two_concepts(tmp_path)
    write_project(root, files)
    result = scan_project(root, _TABLE)
    plan = build_plan(result)
    assert [s.symbol for s in plan.symbols] == ["lib.core.helper"]
    assert plan.symbols[0].summary.implementations == 0
    assert plan.summary.implementations == sum(implementations(c) for c in result.concepts) == 6
    assert "implementations" not in plan_text.summary_line(plan.symbols[0].summary, 1)


def test_a_split_symbol_with_runtime_errors_outranks_the_concepts(tmp_path: Path) -> None:
    files = {"lib/__init__.py": "from lib.core import helper\n", "lib/core.py": "def helper():\n    return 1\n",
             "app/a.py": "from lib import helper\n\n\nasync def go():\n    return await helper()\n",
             "app/b.py": "from lib.core import helper\n", "app/c.py": "from lib.core import helper\n"}  # fmt: skip
    root = _two_concepts(tmp_path)
    write_project(root, files)
    plan = build_plan(scan_project(root, _TABLE))
    assert plan.names == ("lib.core.helper", "zulu", "alpha")
    assert plan.order == ("symbol:lib.core.helper", "concept:zulu", "concept:alpha")
    text = plan_text.render(plan)
    assert text.index("1. Symbol lib.core.helper") < text.index("2. Concept 'zulu'") < text.index("3. Concept 'alpha'")
    assert plan.limited(1).names == ("lib.core.helper",) and plan.limited(1).omitted == 2
    markdown = plan_markdown.render(plan)
    assert markdown.index("## 1. Symbol `lib.core.helper`") < markdown.index("## 2. Concept `zulu`")


def test_plan_concept_and_limit_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _two_concepts(tmp_path)
    (root / "pyproject.toml").write_text('[tool.ssot-audit.concepts.alpha]\ncanonical = "app.a_alpha.AlphaOne"\n'
                                         'name-patterns = ["Alpha*"]\n[tool.ssot-audit.concepts.zulu]\n'
                                         'canonical = "app.z_zulu.Zulu0"\nname-patterns = ["Zulu*"]\n')  # fmt: skip
    assert main(["plan", str(root), "--concept", "alpha"]) == 0
    out = capsys.readouterr().out
    assert "1. Concept 'alpha'" in out and "zulu" not in out.split("\n\n", 1)[1]
    assert "Showing 1 of 2 plans" in out and out.splitlines()[1].startswith("Total: 6 implementations -> 2")
    assert main(["plan", str(root), "--limit", "1", "--format", "json"]) == 0
    data = capsys.readouterr().out
    assert '"concept": "zulu"' in data and '"concept": "alpha"' not in data and '"omitted": 1' in data
    assert main(["plan", str(root), "--concept", "alpah"]) == 2
    assert "no concept or symbol 'alpah' in the plan (did you mean alpha?)" in capsys.readouterr().err


def _step(prefix: str, n: int, deps: tuple[str, ...] = ()) -> PlanStep:
    return PlanStep(id=f"{prefix}.{n:03d}", kind="rewrite-import", title=f"Import thing from a.b in app/m{n}.py:3",
                    detail="d", files=(f"app/m{n}.py",), locations=(Location(f"app/m{n}.py", 3),), blast_radius=2,
                    in_cycle=False, mechanical=True, verify_command="ssot-audit scan . --select SSOT201",
                    verify_expect=f"no finding at app/m{n}.py:3", depends_on=deps,
                    before="from a.b import thing", after="from a.c import thing")  # fmt: skip


def _big_plan(symbols: int, steps: int) -> ConsolidationPlan:
    summary = PlanSummary(0, 2, 1, 0, steps, steps, steps)
    plans = tuple(SymbolPlan(f"pkg.sym{i:04d}", "pkg", "why", (("pkg", 3), ("pkg.m", 1)), (f"pkg.sym{i:04d}",),
                             tuple(_step(f"sym{i:04d}", n) for n in range(1, steps + 1)), summary)
                  for i in range(symbols))  # fmt: skip
    return ConsolidationPlan("big", (), plans, PlanSummary(0, 2 * symbols, symbols, 0, 99, steps * symbols, 0))


def test_markdown_fits_an_issue_top_plans_in_full_the_rest_summarised() -> None:
    plan = _big_plan(400, 30)
    full = plan_markdown.render_full(plan)
    short = plan_markdown.render(plan, attachment="plan.full.md")
    assert len(full) > 500_000 and len(short) <= plan_markdown.BUDGET
    assert "| sym0000.001 |" in short and "| sym0000.030 |" in short  # the top plan in full
    assert "| sym0399.001 |" not in short and "| sym0399.001 |" in full
    assert "## The other" in short and "| symbol `pkg.sym0399` |" not in short.split("## The other")[0]
    assert short.rstrip().endswith("The complete plan, every step of every plan, is in the attached `plan.full.md`.")
    one_huge = plan_markdown.render(_big_plan(1, 3000))
    assert len(one_huge) <= plan_markdown.BUDGET and "more steps of this plan are in the complete plan" in one_huge


def test_markdown_of_a_small_plan_is_the_complete_plan() -> None:
    plan = _big_plan(3, 5)
    assert plan_markdown.render(plan, attachment="x.full.md") == plan_markdown.render_full(plan)


def test_plan_markdown_to_a_file_writes_the_complete_plan_beside_it(tmp_path: Path) -> None:
    files = {"lib/__init__.py": "".join(f"from lib.m{i} import fn{i}\n" for i in range(220))}
    files |= {f"lib/m{i}.py": f"def fn{i}():\n    return {i}\n" for i in range(220)}
    files |= {f"app/u{j}.py": "".join(f"from lib import fn{i}\nfrom lib.m{i} import fn{i} as g{i}\n"
                                      for i in range(j * 20, j * 20 + 20)) for j in range(11)}  # fmt: skip
    root = write_project(tmp_path / "repo", {"app/__init__.py": "", **files})
    out = tmp_path / "out" / "plan.md"
    assert main(["plan", str(root), "--isolated", "--format", "markdown", "-o", str(out), "-j", "1"]) == 0
    short, full = out.read_text(), (tmp_path / "out" / "plan.full.md").read_text()
    assert len(short) <= plan_markdown.BUDGET < len(full)
    assert "is in the attached `plan.full.md`" in short


def test_dependency_lists_fold_into_ranges() -> None:
    ids = tuple(f"ws.{n:02d}" for n in range(1, 13)) + ("ws.15", "other.03", "other.04")
    assert shorten_ids(ids) == "ws.01-12, ws.15, other.03-04"
    many = tuple(f"p.{n}" for n in range(1, 40, 2))  # 20 ids, no runs
    assert shorten_ids(many) == "p.1, p.3, p.5, p.7, p.9, p.11 (+14 more steps)"
    step = _step("ws", 99, deps=tuple(f"ws.{n:03d}" for n in range(1, 98)))
    lines = plan_text.step_lines(step)
    assert lines[-1].startswith("      after ws.001-097; verify: ssot-audit scan . --select SSOT201")
    assert max(len(line) for line in lines) < 160
