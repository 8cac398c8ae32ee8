"""The scan after an interface edit that the answers of ``names_bound_to`` read (``trace.BOUND``): those answers are
computed again, and the rules that read them (SSOT303's and SSOT402's setups) run whole only when one changed
(``rerun._after_bound``, an early cutoff). Renaming a function some module-level alias names elsewhere is such an
edit: at 4M lines of django, renaming ``admin.utils.quote`` ran both rules whole (2.3 CPU-s) though no answer moved.
Every scan gives the cold scan's output byte for byte (``scans_after_edit``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_audit.interface_scan import Rerun
from tests.analysis.test_calls_only_scan import _record
from tests.analysis.test_interface_scan import _project, scans_after_edit
from tests.helpers import scan_output, scanned_tree

BOUND_FILES = {
    "pkg/jobs.py": "async def fetch(x):\n    return x\n\n\ndef helper(x):\n    return x\n",
    "pkg/callers.py": "from pkg.jobs import helper\n\n\ndef go():\n    helper(1)\n",
    # a name ``pkg.callers`` lacks: the import is broken, until an edit of ``pkg/callers.py`` binds it
    "pkg/other.py": "from pkg.callers import fetch_alias\n\n\ndef go():\n    fetch_alias(3)\n",
}


def _unawaited(root: Path) -> list[tuple[str, int]]:
    """The SSOT402 findings in ``pkg/other.py`` of a cold scan of ``root``: (path, line)."""
    found = json.loads(scan_output(root, None))["findings"]
    return sorted((f["location"]["path"], f["location"]["line"]) for f in found
                  if f["code"] == "SSOT402" and f["location"]["path"] == "pkg/other.py")  # fmt: skip


@pytest.mark.parametrize("edit", ["rename", "import"])
def test_the_rules_that_read_the_bound_names_run_whole_only_when_an_answer_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:  # fmt: skip
    """Renaming ``helper``, which ``pkg/callers.py`` imports, makes its import rows again, which the answers read;
    they are as they were (no async def gained or lost a name): the rules judge the edited module and those rows'.
    Importing ``fetch`` as ``fetch_alias`` in ``pkg/callers.py`` binds a coroutine function to a new name, which
    ``pkg/other.py`` imports from there and calls: SSOT402 runs whole, and finds that call, in a file the edit did
    not touch."""
    root, cache = scanned_tree(tmp_path, {**_project(), **BOUND_FILES}, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    if edit == "rename":
        jobs = root / "pkg/jobs.py"
        jobs.write_text(jobs.read_text(encoding="utf-8").replace("def helper(", "def helper_r1("), encoding="utf-8")
    else:
        callers = root / "pkg/callers.py"
        text = callers.read_text(encoding="utf-8")
        callers.write_text(text.replace("import helper", "import fetch as fetch_alias, helper"), encoding="utf-8")
    assert _unawaited(root) == ([] if edit == "rename" else [("pkg/other.py", 5)])  # line 5: ``fetch_alias(3)``
    assert scans_after_edit(root, cache, built, ran, [edit]) == [True, False]  # both took the interface path
    rerun = next(r for r in ran if isinstance(r, Rerun))  # the hook's scan's (the JSON scan's were cleared)
    assert sorted(rerun.whole & {"SSOT303", "SSOT402"}) == ([] if edit == "rename" else ["SSOT402"])
