"""Scanning part of a configured project (a sub-directory, a file) works: concepts outside it are skipped, noted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit.cli import main

from tests.helpers import write_project

CONFIG = """
[tool.ssot-audit.concepts.manager]
canonical = "app.core.manager.Manager"
factories = ["app.core.manager.get_manager"]
"""

FILES = {
    "pyproject.toml": CONFIG,
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/manager.py": """
        class Manager:
            def count(self) -> int:
                return 0

        def get_manager() -> Manager:
            return Manager()
    """,
    "app/api/__init__.py": "",
    "app/api/views.py": """
        async def view():
            return 1
    """,
}


def test_a_sub_directory_without_the_canonical_class_is_scanned_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, FILES)
    assert main(["scan", str(root / "app" / "api"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "note: concept 'manager' not checked (partial scan)" in err and "error" not in err


def test_the_whole_project_with_a_missing_canonical_class_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {**FILES, "pyproject.toml": CONFIG.replace("Manager\"", "Typo\"", 1)}
    root = write_project(tmp_path, files)
    assert main(["scan", str(root), "--no-cache"]) == 2
    assert "'concepts.manager.canonical': class 'app.core.manager.Typo' is not defined" in capsys.readouterr().err
