"""``ssot-audit dashboard``: argument checks and the streamlit command line (the browser test runs it for real)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.commands.dashboard import dashboard_app, streamlit_command


def test_missing_inputs_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", "--history", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert "--history" in err and "no such file" in err
    assert main(["dashboard", "--findings", str(tmp_path / "none.json")]) == 2
    assert "--findings" in capsys.readouterr().err


def test_command_binds_localhost_and_passes_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(history="h.db", findings=None, port=9999)
    command = streamlit_command(args)
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == dashboard_app()
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "9999"
    assert command[command.index("--") + 1:] == ["--history", str(tmp_path / "h.db")]
