"""File names that are not UTF-8 are analysed, and shown escaped everywhere (no crash in any format)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ssot_audit.cli import main


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that accepts arbitrary name bytes")
def test_non_utf8_file_name_is_scanned_and_reported_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    with open(os.path.join(os.fsencode(tmp_path), b"pkg", b"caf\xe9.py"), "wb") as handle:
        handle.write(b"def get_x():\n    return 1\n\n\nasync def f():\n    await get_x()\n")
    out = tmp_path / "out"
    code = main(["scan", str(tmp_path), "--no-cache", "-q", "--format", "json", "-o", str(out / "r.json"),
                 "--format", "sarif", "-o", str(out / "r.sarif"), "--format", "text"])  # fmt: skip
    assert code == 1
    assert "pkg/caf\\xe9.py:6:5: SSOT401" in capsys.readouterr().out
    findings = json.loads((out / "r.json").read_text(encoding="utf-8"))["findings"]
    assert [(f["code"], f["location"]["path"], f["location"]["line"]) for f in findings] == [
        ("SSOT401", "pkg/caf\\xe9.py", 6)
    ]
    assert "caf\\\\xe9.py" in (out / "r.sarif").read_text(encoding="utf-8")
