"""Every verify command of a plan step is false before the step is done and true after it.

The mechanical steps (import rewrites, dropped awaits) are applied to a copy of sample_repo the way a person would
apply them, one line each; the copy is scanned and planned again, and each step's own check is evaluated before and
after against the real results.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.model import AuditResult, ConsolidationPlan, PlanStep

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"
_FROM_IMPORT = re.compile(r"^(\s*)from\s+\S+\s+import\s+\w+(?:\s+as\s+\w+)?\s*(#.*)?$")


def _holds(step: PlanStep, result: AuditResult, plan: ConsolidationPlan) -> bool:
    """Evaluate a step's expectation the way its verify command reports it."""
    where = re.fullmatch(r"no finding at (\S+):(\d+)", step.verify_expect)
    if where and step.verify_command.startswith("ssot-audit scan . --select "):
        codes = step.verify_command.split("--select ", 1)[1].split()[0].split(",")
        path, line = where.group(1), int(where.group(2))
        return not any(f.code in codes and (f.location.path, f.location.line) == (path, line) for f in result.findings)
    where = re.fullmatch(r"no step rewrites the import at (\S+):(\d+)", step.verify_expect)
    assert where and step.verify_command == "ssot-audit plan . --format json", step
    at = (where.group(1), int(where.group(2)))
    return not any((s.locations[0].path, s.locations[0].line) == at for s in plan.find_steps(kind="rewrite-import"))


def _apply(step: PlanStep, root: Path) -> bool:
    """Apply one mechanical single-line step to the copy; False when the line is not the simple shape handled here."""
    loc = step.locations[0]
    path = root / loc.path
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines[loc.line - 1]
    if step.kind == "rewrite-import":
        match = _FROM_IMPORT.match(line)
        if match is None:
            return False
        lines[loc.line - 1] = match.group(1) + step.after
    elif step.kind == "remove-await" and line.count("await ") == 1:
        lines[loc.line - 1] = line.replace("await ", "", 1)
    else:
        return False
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


@pytest.fixture(scope="module")
def before() -> tuple[AuditResult, ConsolidationPlan]:
    result = api.scan(SAMPLE, jobs=1)
    return result, api.plan(result)


def test_every_checkable_verify_is_false_before_the_step(before: tuple[AuditResult, ConsolidationPlan]) -> None:
    result, plan = before
    checkable = [s for s in plan.find_steps() if s.kind in ("rewrite-import", "remove-await", "add-await", "use-factory")]
    assert len(checkable) > 30
    already_true = [(s.id, s.verify_expect) for s in checkable if _holds(s, result, plan)]
    assert already_true == []


def test_mechanical_steps_applied_make_their_verify_true(before: tuple[AuditResult, ConsolidationPlan],
                                                          tmp_path: Path) -> None:  # fmt: skip
    result, plan = before
    root = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, root)
    applied = [s for s in plan.find_steps() if s.kind in ("rewrite-import", "remove-await") and _apply(s, root)]
    assert len(applied) >= 30, [s.id for s in applied]
    assert not any(_holds(s, result, plan) for s in applied)
    after = api.scan(root, jobs=1)
    replanned = api.plan(after)
    still_false = [(s.id, s.verify_command, s.verify_expect) for s in applied if not _holds(s, after, replanned)]
    assert still_false == []
