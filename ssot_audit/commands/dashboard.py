"""``ssot-audit dashboard``: start the Streamlit dashboard (``dashboard/app.py``) on localhost and print its URL.

The dashboard lives in the repository's top-level ``dashboard/`` directory, next to the package; Streamlit is
an optional dependency (``pip install -e ".[dashboard]"``). The core never imports streamlit: this command only
starts ``python -m streamlit run`` in a subprocess.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import ssot_audit
from ssot_audit.commands.common import UsageError

DEFAULT_PORT = 8501


def dashboard_app() -> Path:
    """``<repo>/dashboard/app.py``; ``UsageError`` when the package was installed without the dashboard."""
    app = Path(ssot_audit.__file__).resolve().parent.parent / "dashboard" / "app.py"
    if not app.is_file():
        raise UsageError(f"the dashboard is not available: {app} is missing (it ships with the source checkout; "
                         "install ssot-audit editable from the repository: pip install -e '.[dashboard]')")  # fmt: skip
    return app


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line, bound to 127.0.0.1."""
    command = [sys.executable, "-m", "streamlit", "run", str(dashboard_app()), "--server.address", "127.0.0.1",
               "--server.port", str(args.port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--"]  # fmt: skip
    if args.history:
        command += ["--history", str(Path(args.history).resolve())]
    if args.findings:
        command += ["--findings", str(Path(args.findings).resolve())]
    return command


def register(sub: Any) -> None:
    """Add the ``dashboard`` sub-command."""
    parser = sub.add_parser("dashboard", help="browse scans and their history in a Streamlit dashboard",
                            description="Start the Streamlit dashboard on localhost over a history database "
                            "and/or a findings file (ssot-audit scan --format json).")  # fmt: skip
    parser.add_argument("--history", metavar="FILE", help="history database (default: ./.ssot-audit/history.db)")
    parser.add_argument("--findings", metavar="FILE", help="a findings file written by --format json")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N", help=f"port (default: {DEFAULT_PORT})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the inputs, print the URL, and run Streamlit in this process (POSIX) or a child (elsewhere)."""
    if args.history is None and args.findings is None:
        args.history = str(Path(".ssot-audit") / "history.db")
    for name in ("history", "findings"):
        value = getattr(args, name)
        if value is not None and not Path(value).is_file():
            raise UsageError(f"--{name} {value}: no such file")
    if importlib.util.find_spec("streamlit") is None:
        raise UsageError("streamlit is not installed: pip install -e '.[dashboard]'")
    command = streamlit_command(args)
    print(f"ssot-audit dashboard: http://127.0.0.1:{args.port}/  (Ctrl-C to stop)", flush=True)
    if os.name == "posix":  # become the server: Ctrl-C and kill PID reach streamlit, no orphan left behind
        os.execv(command[0], command)
    return subprocess.call(command)
