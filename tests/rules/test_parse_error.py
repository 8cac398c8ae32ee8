"""SSOT900 parse-error: files that cannot be read, decoded or parsed are reported and skipped; the rest is scanned."""

from __future__ import annotations

import sys
from pathlib import Path

from ssot_audit.model import Severity

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT900"


def test_broken_file_is_reported_and_the_others_still_analysed(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/broken.py": "x = 1\ndef f(:\n    pass\n",
        "app/factory.py": "def get_manager():\n    return 1\n",
        "app/use.py": "from app.factory import get_manager\n\nasync def h():\n    await get_manager()\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/broken.py", 2)}
    assert triples(result, "SSOT401") == {("SSOT401", "app/use.py", 4)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.severity is Severity.ERROR
    assert result.stats.files == 4


def test_valid_files_are_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ok.py": "match = 1\ntype = 2\ncase = [match, type]\nprint(f'{case!r:>{10}}')\n",
        "app/empty.py": "",
        "app/notes.txt": "def f(:\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_newer_python_syntax_is_a_warning(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/new.py": "x = 1\ntype Alias = int\n"})
    result = scan_project(tmp_path)
    if sys.version_info >= (3, 12):
        assert triples(result, CODE) == set()
        return
    assert triples(result, CODE) == {(CODE, "app/new.py", 2)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.severity is Severity.WARNING
    assert "3.12" in finding.message
