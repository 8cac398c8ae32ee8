"""Ctrl-C typed on a terminal into a running scan: it ends within 2 s, exit code 130, and no worker is left.

The scan runs under a pseudo-terminal (``pty.fork``), so ^C goes through the terminal's line discipline to the
whole foreground process group, parent and workers alike, exactly as when a person presses it.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(pty, "fork") or not Path("/proc").is_dir(), reason="needs a POSIX pty and /proc")

_MODULE = '''"""Generated module {i}."""
from __future__ import annotations

import json
from pkg.m{j} import Service{j}


class Service{i}:
    """A service."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: dict[str, list[int]] = {{}}

{methods}

async def handler{i}(payload: dict[str, object]) -> str:
    service = Service{j}("x")
    return json.dumps({{"name": service.name, "payload": payload}})
'''
_METHOD = '''    def method_{k}(self, value: int, *, scale: float = 1.0) -> list[int]:
        result = [value * k for k in range(10) if k % 2 == 0]
        if value > {k}:
            result.append(int(value * scale))
        return sorted(result, key=lambda x: (x % 3, x))
'''


def _big_tree(root: Path, files: int = 2500, methods: int = 40) -> Path:
    """A tree that takes a few seconds to parse on two cores (about 60 lines per 1,000 files per method)."""
    body = "\n".join(_METHOD.format(k=k) for k in range(methods))
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    for i in range(files):
        (root / "pkg" / f"m{i}.py").write_text(_MODULE.format(i=i, j=(i * 7) % files, methods=body))
    return root


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie runs no code; whether PID 1 reaps it is the container's business)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _drain(fd: int, sink: bytearray, seconds: float) -> None:
    ready, _, _ = select.select([fd], [], [], seconds)
    if ready:
        try:
            sink.extend(os.read(fd, 65536))
        except OSError:
            pass


def _interrupt_scan(root: Path, *args: str) -> tuple[float, int, set[int], str]:
    """Start the scan on a pty, wait until it is parsing, type ^C; (seconds to exit, exit code, workers, output)."""
    exe = shutil.which("ssot-audit")
    assert exe, "the ssot-audit console script must be installed (pip install -e .)"
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session leader whose controlling terminal is the pty
        # as a shell starts a command: ^C handled by default, whatever the test runner's process ignores or blocks
        # (an ignored SIGINT survives exec, and Python then keeps ignoring it)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.execv(exe, [exe, "scan", str(root), "--no-cache", *args])
    output = bytearray()
    workers: set[int] = set()
    want = 2 if "-j" in args and args[args.index("-j") + 1] == "2" else 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _drain(fd, output, 0.05)
        workers = _children(pid)
        if len(workers) >= want and (want or b"files" in output or time.monotonic() > deadline - 115):
            break
    time.sleep(0.5)  # well inside the parse phase
    assert all(_running(w) for w in workers), "the workers were already gone: the tree is too small to interrupt"
    os.write(fd, b"\x03")
    typed = time.monotonic()
    status = None
    while time.monotonic() - typed < 30:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        _drain(fd, output, 0.02)
    elapsed = time.monotonic() - typed
    if status is None or not done:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        _drain(fd, output, 0.2)
    finally:
        os.close(fd)
    return elapsed, os.waitstatus_to_exitcode(status) if status is not None else -1, workers, output.decode(errors="replace")


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big_tree(tmp_path_factory.mktemp("interrupt") / "repo")


def test_ctrl_c_stops_a_parallel_scan_within_2_seconds_and_leaves_no_worker(big_tree: Path) -> None:
    elapsed, code, workers, output = _interrupt_scan(big_tree, "-j", "2")
    assert len(workers) >= 2, output
    assert elapsed < 2.0, f"took {elapsed:.1f}s after ^C"
    assert code == 130 and "ssot-audit: interrupted" in output, output
    assert "Traceback" not in output, output
    time.sleep(0.2)
    assert [w for w in workers if _running(w)] == []


def test_ctrl_c_stops_a_single_process_scan_within_2_seconds(big_tree: Path) -> None:
    elapsed, code, workers, output = _interrupt_scan(big_tree, "-j", "1")
    assert elapsed < 2.0, f"took {elapsed:.1f}s after ^C"
    assert code == 130 and "ssot-audit: interrupted" in output and "Traceback" not in output, output
