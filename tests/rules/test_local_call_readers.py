"""The call readers of ``rules.LOCAL_CALL_READERS`` judge each module's calls alone: asked about some modules
(``RuleContext.calls_in``), they give exactly their findings in those modules (what the scan after a calls-only
edit relies on to run them on the edited files only)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.rules import LOCAL_CALL_READERS

from tests.helpers import incremental_project, write_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


@pytest.mark.parametrize("which", ["sample_repo", "generated"])
def test_asked_about_some_modules_they_give_their_findings_there(tmp_path: Path, which: str) -> None:
    root = SAMPLE if which == "sample_repo" else write_project(tmp_path / "proj", incremental_project())
    project = api.load_project(root, load_config(root))
    full = api.run_rules(project, only=LOCAL_CALL_READERS)
    expected_codes = LOCAL_CALL_READERS if which == "sample_repo" else {"SSOT402"}
    assert {f.code for f in full} == expected_codes  # each rule has findings to lose
    rng = random.Random(7)
    names = sorted(project.index.modules)
    for size in (1, 1, 2, 3, len(names) // 2, len(names)):
        chosen = frozenset(rng.sample(names, size))
        paths = {project.index.modules[n].relpath for n in chosen}
        assert api.run_rules(project, only=LOCAL_CALL_READERS, calls_in=chosen) == tuple(
            f for f in full if f.location.path in paths), sorted(chosen)  # fmt: skip
    assert api.run_rules(project, only=LOCAL_CALL_READERS, calls_in=frozenset()) == ()
