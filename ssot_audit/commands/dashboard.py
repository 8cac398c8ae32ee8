"""``ssot-audit dashboard``: start the Streamlit dashboard on localhost and print its URL.

The dashboard's sources live in the repository's top-level ``dashboard/`` directory; the wheel ships them as the
``ssot_audit_dashboard`` package, so ``pip install "ssot-audit[dashboard]"`` is enough. The core never imports
streamlit: this command only checks its inputs and the port, then starts ``python -m streamlit run serve.py``
(``dashboard/serve.py``: the app behind a Host-header check against DNS rebinding).
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import ssot_audit
from ssot_audit.commands.common import UsageError

DEFAULT_PORT = 8501
DEFAULT_HOST = "127.0.0.1"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")  # the Host names accepted unless --host says otherwise
HOSTS_ENV = "SSOT_AUDIT_ALLOWED_HOSTS"  # read by dashboard/serve.py


def dashboard_dir() -> Path:
    """The dashboard's directory: the installed ``ssot_audit_dashboard`` package, else ``<checkout>/dashboard``.

    Located without importing it (importing would import streamlit). ``UsageError`` when neither exists.
    """
    spec = importlib.util.find_spec("ssot_audit_dashboard")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "app.py").is_file():
            return Path(location)
    checkout = Path(ssot_audit.__file__).resolve().parent.parent / "dashboard"
    if (checkout / "app.py").is_file():
        return checkout
    raise UsageError("the dashboard is not installed with this copy of ssot-audit: pip install 'ssot-audit[dashboard]'")


def dashboard_app() -> Path:
    """The Streamlit script of the dashboard's pages (``app.py``)."""
    return dashboard_dir() / "app.py"


def port_number(text: str) -> int:
    """argparse type of ``--port``: an integer from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (1 to 65535)")
    return value


def check_port_free(host: str, port: int) -> None:
    """``UsageError`` naming the port when nothing can listen on ``host:port`` (before any URL is printed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot resolve it ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":  # as servers do: a port left in TIME_WAIT by a stopped server is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is already in use: stop what runs there or pick "
                                 "another with --port N") from None  # fmt: skip
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def allowed_hosts(host: str | None) -> str:
    """The Host names the server accepts: localhost names, plus ``--host`` (any name for a wildcard address)."""
    if host in ("0.0.0.0", "::"):  # served on every interface: the names it is reached by are not known here
        return "*"
    return ",".join(LOCAL_NAMES + ((host,) if host and host not in LOCAL_NAMES else ()))


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line: bound to ``--host`` (default 127.0.0.1), no Deploy button, no telemetry."""
    host = getattr(args, "host", None) or DEFAULT_HOST
    command = [sys.executable, "-m", "streamlit", "run", str(dashboard_dir() / "serve.py"), "--server.address", host,
               "--server.port", str(args.port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "minimal", "--global.developmentMode", "false",
               "--logger.hideWelcomeMessage", "true", "--"]  # fmt: skip
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
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="N",
                        help=f"port (default: {DEFAULT_PORT})")  # fmt: skip
    parser.add_argument("--host", metavar="NAME", help=f"address to listen on and host name to accept (default: "
                        f"{DEFAULT_HOST}, reachable as localhost only; 0.0.0.0 serves every interface and name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the inputs and the port, print the URL, and run Streamlit in this process (POSIX) or a child."""
    if args.history is None and args.findings is None:
        args.history = str(Path(".ssot-audit") / "history.db")
    for name in ("history", "findings"):
        value = getattr(args, name)
        if value is not None and not Path(value).is_file():
            raise UsageError(f"--{name} {value}: no such file")
    if importlib.util.find_spec("streamlit") is None:
        raise UsageError("streamlit is not installed: pip install 'ssot-audit[dashboard]'")
    command = streamlit_command(args)
    host = args.host or DEFAULT_HOST
    check_port_free(host, args.port)
    os.environ[HOSTS_ENV] = allowed_hosts(args.host)
    shown = f"[{host}]" if ":" in host else host
    print(f"ssot-audit dashboard: http://{shown}:{args.port}/  (Ctrl-C to stop)", flush=True)
    if os.name == "posix":  # become the server: Ctrl-C and kill PID reach streamlit, no orphan left behind
        os.execv(command[0], command)
    return subprocess.call(command)
