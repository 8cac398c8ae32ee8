"""Start ``ssot-audit dashboard`` the way users do, for tests that talk to the running server."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(command: Sequence[str], port: int, *, cwd: Path | None = None, timeout: float = 90) -> Iterator[str]:
    """Run a dashboard command that serves on ``port``; yield its URL once healthy; stop it on exit.

    Checks the command's first line is the URL (printed before the server starts), then polls the health endpoint.
    """
    proc = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert url in first, first + proc.stdout.read()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()  # the command exec'd into streamlit: this stops the server itself
        proc.wait(timeout=20)
