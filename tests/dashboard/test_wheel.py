"""The built wheel carries the dashboard: ``pip install "ssot-audit[dashboard]"`` then ``ssot-audit dashboard`` serves.

Builds the wheel from this checkout, installs it into a fresh virtual environment, and starts the dashboard from a
directory outside the checkout (so nothing can come from it). The environment sees the current environment's
third-party packages (streamlit and the rest, through a ``.pth`` file over a folder of links that leaves out every
``ssot_audit`` entry), so pip resolves the ``[dashboard]`` extra offline and the test does not download Streamlit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

from ssot_audit.serialization import result_to_dict
from tests.dashboard.serving import free_port, running
from tests.helpers import scan_project, write_project

REPO = Path(__file__).resolve().parents[2]


def _fresh_venv(root: Path) -> Path:
    """A new venv whose only outside view is this environment's packages minus ssot-audit; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())  # fmt: skip
    links = root / "outer" / "site-packages"  # streamlit turns on its development mode outside a "site-packages"
    links.mkdir(parents=True)
    outer = Path(sysconfig.get_paths()["purelib"])
    for entry in outer.iterdir():
        if "ssot_audit" in entry.name or entry.suffix == ".pth" or entry.name in ("pip", "setuptools", "_distutils_hack"):
            continue
        (links / entry.name).symlink_to(entry)
    (site / "outer_deps.pth").write_text(f"{links}\n", encoding="utf-8")
    return python


@pytest.mark.skipif(os.name != "posix", reason="the venv layout (bin/) and symlinks are POSIX")
def test_wheel_with_dashboard_extra_serves_the_dashboard(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(REPO)], capture_output=True, text=True)  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("ssot_audit-*.whl")
    python = _fresh_venv(tmp_path)
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", f"{wheel}[dashboard]"],
                               capture_output=True, text=True)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run([str(python), "-c", "import ssot_audit, importlib.util as u; print(ssot_audit.__file__); "
                            "print(u.find_spec('ssot_audit_dashboard').submodule_search_locations[0])"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()  # fmt: skip
    assert all(p.startswith(str(tmp_path / "venv")) for p in where), where

    project = write_project(tmp_path / "proj", {"svc.py": "def f():\n    return 1\n",
                                                "a.py": "from svc import f\n\nasync def a():\n    await f()\n"})  # fmt: skip
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps(result_to_dict(scan_project(project))), encoding="utf-8")
    port = free_port()
    with running([str(python.parent / "ssot-audit"), "dashboard", "--findings", str(findings), "--port", str(port)],
                 port, cwd=tmp_path) as url:  # fmt: skip
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert b"<noscript>" in reply.read()  # streamlit's page shell
