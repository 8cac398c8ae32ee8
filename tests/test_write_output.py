"""Saved reports are written as the UTF-8 bytes they were saved as wherever the text would be written as UTF-8,
and decoded where standard output encodes otherwise."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ssot_audit.commands.common import write_output

REPORT = '{\n  "message": "caf\u00e9 \u2192 ok"\n}\n'


def test_bytes_go_to_a_file_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    write_output(REPORT.encode("utf-8"), str(target), inert=True)
    assert target.read_bytes() == REPORT.encode("utf-8")


def test_bytes_and_text_give_the_same_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    write_output(REPORT.encode("utf-8"), None, inert=True)
    write_output(REPORT, "-", inert=True)
    out = capsys.readouterr().out
    assert out == REPORT + REPORT


def test_a_standard_output_in_another_encoding_gets_text(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-16", newline="")
    monkeypatch.setattr(sys, "stdout", stream)
    write_output(REPORT.encode("utf-8"), None, inert=True)
    stream.flush()
    assert raw.getvalue().decode("utf-16") == REPORT


def test_bytes_not_yet_inert_are_made_inert(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_output("bell \x07 here\n".encode("utf-8"), str(target))
    assert target.read_text(encoding="utf-8") == "bell \\u0007 here\n"
