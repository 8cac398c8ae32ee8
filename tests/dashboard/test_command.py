"""``ssot-audit dashboard``: argument checks and the streamlit command line (the browser test runs it for real)."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.commands.dashboard import allowed_hosts, dashboard_app, streamlit_command


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
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "9999"
    assert command[command.index("--") + 1:] == ["--history", str(tmp_path / "h.db")]
    assert Path(command[4]).name == "serve.py" and Path(command[4]).parent == dashboard_app().parent
    assert command[command.index("--client.toolbarMode") + 1] == "minimal"  # no Deploy button


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error_not_a_traceback(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", "--port", port]) == 2
    captured = capsys.readouterr()
    assert "argument --port:" in captured.err and "Traceback" not in captured.err and captured.out == ""


def test_a_busy_port_is_a_clear_error_before_any_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    db.write_bytes(b"")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--history", str(db), "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no URL printed for a server that cannot start
    assert captured.err == (f"ssot-audit: error: port {port} on 127.0.0.1 is already in use: stop what runs there "
                            "or pick another with --port N\n")  # fmt: skip


def test_accepted_host_names() -> None:
    assert allowed_hosts(None) == "localhost,127.0.0.1,::1"
    assert allowed_hosts("127.0.0.1") == "localhost,127.0.0.1,::1"
    assert allowed_hosts("box.lan") == "localhost,127.0.0.1,::1,box.lan"
    assert allowed_hosts("0.0.0.0") == "*"
