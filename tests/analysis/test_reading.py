"""Hostile file systems: links out of the tree are not followed, special files are not read, nothing blocks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssot_audit.analysis import loader
from ssot_audit.analysis.payload import read_head
from ssot_audit.analysis.reading import SkippedFile, read_scanned
from ssot_audit.capture import source_excerpts
from ssot_audit.model import Confidence, Finding, Location, Severity

from tests.helpers import scan_project, triples, write_project

SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-TOKEN-0123456789\n"
OUTSIDE = "skipped: symbolic link to a file outside the scanned directory: not followed"


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssot_audit", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip


def _messages(result: object, code: str = "SSOT900") -> dict[str, str]:
    return {f.location.path: f.message for f in result.findings if f.code == code}  # type: ignore[attr-defined]


def test_links_out_of_the_tree_are_reported_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "home" / "id_ed25519"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    repo = write_project(tmp_path / "repo", {"app/__init__.py": "", "app/real.py": "x = 1\n"})
    (repo / "app" / "helpers.py").symlink_to(secret)
    (repo / "env.py").symlink_to("/proc/self/environ")
    (repo / "app" / "inside.py").symlink_to(repo / "app" / "real.py")  # a link inside the tree is followed
    out = tmp_path / "out"
    done = _cli("scan", str(repo), "--isolated", "--no-cache", "--exit-zero", "--format", "json", "-o",
                str(out / "r.json"), "--format", "html", "-o", str(out / "r.html"), "--format", "text")  # fmt: skip
    assert done.returncode == 0, done.stderr
    for text in ((out / "r.json").read_text(), (out / "r.html").read_text(), done.stdout):
        assert "SECRET-TOKEN" not in text and "PRIVATE KEY" not in text
        assert os.environ.get("PATH", "PATH-UNSET") not in text
    data = json.loads((out / "r.json").read_text())
    skipped = {f["location"]["path"]: (f["message"], f["severity"]) for f in data["findings"] if f["code"] == "SSOT900"}
    assert skipped == {"app/helpers.py": (f"{OUTSIDE}; file skipped", "warning"),
                       "env.py": (f"{OUTSIDE}; file skipped", "warning")}  # fmt: skip
    assert ["app.inside", "app/inside.py"] in data["modules"]


def test_special_files_named_py_are_reported_and_do_not_block(tmp_path: Path) -> None:
    repo = write_project(tmp_path, {"app/__init__.py": "", "app/ok.py": "x = 1\n"})
    os.mkfifo(repo / "app" / "fifo.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(repo / "app" / "sock.py"))
    try:
        done = _cli("scan", str(repo), "--isolated", "--no-cache", "--format", "json", timeout=60)
    finally:
        server.close()
    findings = {f["location"]["path"]: f["message"] for f in json.loads(done.stdout)["findings"]}
    assert findings == {"app/fifo.py": "skipped: not a regular file: a FIFO; file skipped",
                        "app/sock.py": "skipped: not a regular file: a socket; file skipped"}  # fmt: skip


def test_a_file_swapped_for_a_fifo_or_a_link_after_discovery_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.py")
    (tmp_path / "secret").write_text(SECRET)
    scanned = tmp_path / "repo"
    scanned.mkdir()
    (scanned / "l.py").symlink_to(tmp_path / "secret")
    with pytest.raises(SkippedFile, match="a FIFO"):
        read_scanned(str(tmp_path / "f.py"), str(tmp_path))
    with pytest.raises(SkippedFile, match="outside the scanned directory"):
        read_scanned(str(scanned / "l.py"), str(scanned.resolve()))
    key, blob = loader.analyze_to_blob(str(tmp_path / "f.py"), "f.py", str(tmp_path))
    read = read_head(blob)
    assert read is not None
    head, facts = read
    assert key == ""  # nothing read: nothing for the cache
    assert not facts and head.failure.kind == "skipped" and "a FIFO" in head.failure.message and head.line_digest == b""


def test_excerpts_never_read_a_fifo_or_a_link_out_of_the_tree(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text(SECRET)
    repo = tmp_path / "repo"
    repo.mkdir()
    os.mkfifo(repo / "f.py")
    (repo / "l.py").symlink_to(tmp_path / "secret")
    (repo / "ok.py").write_text("a = 1\nb = 2\n")
    findings = [Finding("SSOT900", "parse-error", "m", "h", Severity.ERROR, Confidence.HIGH, Location(p, 1, 1), "x")
                for p in ("f.py", "l.py", "ok.py")]  # fmt: skip
    excerpts = source_excerpts(repo, findings)
    assert [(e.path, e.lines) for e in excerpts] == [("ok.py", ("a = 1", "b = 2"))]


def test_a_file_named_dot_py_is_reported_not_named_empty(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/.py": "x = 1\n"})
    result = scan_project(tmp_path)
    assert _messages(result) == {"app/.py": "skipped: '.py' is not the name of a module; file skipped"}


def test_jobs_are_clamped_to_cpus_and_work_and_zero_is_refused(tmp_path: Path) -> None:
    cpus = loader.default_jobs()
    assert loader.effective_jobs(100_000, 10_000) == cpus
    assert loader.effective_jobs(100_000, 1) == 1
    assert loader.effective_jobs(None, 3) == min(cpus, 3)
    for bad in (0, -4):
        with pytest.raises(ValueError, match="at least 1"):
            loader.effective_jobs(bad, 10)
    write_project(tmp_path, {"m.py": "x = 1\n"})
    for bad in ("0", "-3"):
        done = _cli("scan", str(tmp_path), "--isolated", "--no-cache", "-j", bad)
        assert done.returncode == 2 and "-j/--jobs: must be a whole number of at least 1" in done.stderr
    assert _cli("scan", str(tmp_path), "--isolated", "--no-cache", "-j", "100000").returncode == 0


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
def test_workers_die_when_the_scan_is_killed(tmp_path: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return [y * {i} for y in range(x) if y % 3]\n" for i in range(400))
    write_project(tmp_path, {f"m{i:03d}.py": body for i in range(400)})
    proc = subprocess.Popen([sys.executable, "-m", "ssot_audit", "scan", str(tmp_path), "--isolated", "--no-cache",
                             "-j", "2", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        if proc.poll() is not None or not workers:
            pytest.skip("the scan ended before its workers could be seen")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
