"""SSOT203 fixes: a broken ``from M import n`` is pointed where ``n`` lives, only when that is not a guess."""

from __future__ import annotations

from pathlib import Path

from tests.fix.fixhelpers import after, fix_project

BASE = {
    "app/__init__.py": "",
    "app/ws/__init__.py": "from app.ws.manager import UnifiedWebSocketManager\n",
    "app/ws/manager.py": "class UnifiedWebSocketManager:\n    pass\n",  # moved here from unified_manager
    "app/ws/unified_manager.py": "import logging\n",
    "app/ws/types.py": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from app.ws.manager import UnifiedWebSocketManager as Manager\n"
    ),
}


def test_removed_alias_is_imported_from_its_one_live_definer(tmp_path: Path) -> None:
    use = "from app.ws.unified_manager import UnifiedWebSocketManager\n\nMANAGER = UnifiedWebSocketManager()\n"
    outcome = fix_project(tmp_path, {**BASE, "app/use.py": use}, codes=("SSOT203",))
    assert not outcome.rejected and not outcome.skipped
    assert after(outcome, "app/use.py") == "from app.ws.manager import UnifiedWebSocketManager\n\nMANAGER = UnifiedWebSocketManager()\n"
    assert [f for f in outcome.result.findings if f.code == "SSOT203"] == []


def test_type_checking_only_name_is_imported_from_where_the_type_checker_finds_it(tmp_path: Path) -> None:
    use = "from app.ws.types import Manager\n\nMANAGER = Manager()\n"
    outcome = fix_project(tmp_path, {**BASE, "app/use.py": use}, codes=("SSOT203",))
    assert not outcome.rejected
    # the fixer imports the class under its own name and renames the file's uses (see ssot_audit/fix/imports.py)
    assert after(outcome, "app/use.py") == (
        "from app.ws.manager import UnifiedWebSocketManager\n\nMANAGER = UnifiedWebSocketManager()\n"
    )


def test_no_fix_when_the_name_has_several_homes(tmp_path: Path) -> None:
    files = {
        **BASE,
        "app/other.py": "class UnifiedWebSocketManager:\n    pass\n",
        "app/main.py": "import app.other\n",
        "app/use.py": "from app.ws.unified_manager import UnifiedWebSocketManager\n",
    }
    outcome = fix_project(tmp_path, files, codes=("SSOT203",))
    assert "app/use.py" not in outcome.after
    (finding,) = [f for f in outcome.result.findings if f.code == "SSOT203"]
    assert "canonical_module" not in finding.facts
    assert finding.facts["defined_in"] == ["app.other", "app.ws.manager"]


def test_a_repaired_import_that_splits_a_symbol_s_paths_is_kept_when_the_split_is_fixed_too(tmp_path: Path) -> None:
    # app/status.py reads the class through the package; once app/use.py works it reads it from its module:
    # two paths (SSOT201), which the next round aligns; without SSOT201 selected the repair is rolled back
    files = {**BASE, "app/status.py": "from app.ws import UnifiedWebSocketManager\n",
             "app/use.py": "from app.ws.unified_manager import UnifiedWebSocketManager\n"}  # fmt: skip
    outcome = fix_project(tmp_path, files, codes=("SSOT203", "SSOT201"))
    assert after(outcome, "app/use.py") == "from app.ws.manager import UnifiedWebSocketManager\n"
    assert after(outcome, "app/status.py") == "from app.ws.manager import UnifiedWebSocketManager\n"
    assert {f.code for f in outcome.result.findings} & {"SSOT201", "SSOT203"} == set()
    alone = fix_project(tmp_path / "alone", files, codes=("SSOT203",))
    assert "app/use.py" not in alone.after
    (skipped,) = alone.skipped
    assert "new finding SSOT201 at app/status.py" in skipped.reason
