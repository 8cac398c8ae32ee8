"""Bad JSON inputs (findings files for ``report``, baselines) are clear errors with exit 2, never tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_audit.cli import main

from tests.helpers import write_project

FINDING = {"code": "SSOT401", "name": "await-on-sync-callable", "message": "m", "fix_hint": "h", "severity": "error",
           "confidence": "high", "location": {"path": "a.py", "line": 7, "column": 1}, "fingerprint": "f"}  # fmt: skip
RESULT = {"schema_version": 1, "tool": {"name": "ssot-audit", "version": "0"}, "root": "r",
          "stats": {"files": 1, "lines": 1, "modules": 1, "parse_failures": 0}, "findings": [FINDING]}  # fmt: skip


def _report(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], fmt: str = "text") -> tuple[int, str]:
    path = tmp_path / "findings.json"
    path.write_text(text)
    code = main(["report", str(path), "--format", fmt, "-o", str(tmp_path / "out")])
    return code, capsys.readouterr().err


def test_deeply_nested_json_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _report(tmp_path, "[" * 100_000, capsys)
    assert code == 2 and "nested too deeply" in err and "findings.json" in err
    write_project(tmp_path / "repo", {"m.py": "x = 1\n"})
    (tmp_path / "base.json").write_text("{\"a\": " + "[" * 100_000)
    assert main(["scan", str(tmp_path / "repo"), "--isolated", "--no-cache", "--baseline", str(tmp_path / "base.json")]) == 2
    assert "nested too deeply" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        (("location", "line"), "7", "'line' must be int, got '7'"),
        (("location", "line"), True, "'line' must be int, got True"),
        (("location", "column"), -3, "'column' must not be negative"),
        (("location", "path"), 3, "'path' must be str"),
        (("message",), ["x"], "'message' must be str"),
        (("related",), {"a": 1}, "'related' must be list"),
        (("facts",), [], "'facts' must be dict"),
        (("location",), "a.py:7", "expected an object holding 'path'"),
    ],
)
def test_wrong_types_in_a_findings_file_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   where: tuple[str, ...], value: object, says: str) -> None:  # fmt: skip
    data = json.loads(json.dumps(RESULT))
    target = data["findings"][0]
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    for fmt in ("text", "html", "sarif"):
        code, err = _report(tmp_path, json.dumps(data), capsys, fmt)
        assert code == 2 and says in err and "findings.json" in err, err


def test_a_valid_findings_file_still_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _report(tmp_path, json.dumps(RESULT), capsys)
    assert (code, err) == (0, "")
    assert "a.py:7:1" in (tmp_path / "out").read_text()
