"""Demo: a recorded history of sample_repo being consolidated, then the dashboard over it.

``python3 dashboard/demo.py [--dir DIR] [--port N] [--no-dashboard]``

sample_repo has no history of its own, so the demo makes one, honestly labelled: it copies sample_repo into
``DIR/sample_repo`` (a temporary directory by default; sample_repo itself is never modified), commits it, then commits
three mechanical consolidation steps driven by the ``# [SSOTxxx]`` markers on the planted problems:

1. drop the ``await`` on calls to plain ``def`` callables (lines marked SSOT401),
2. import split symbols through their canonical module (lines marked SSOT201),
3. delete the unparsable legacy Python 2 script (SSOT900).

Then ``ssot-audit history DIR/sample_repo --last 4`` backfills one scan per commit into ``DIR/history.db`` (each from a
temporary worktree), and ``ssot-audit dashboard`` opens it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_repo"
CANONICAL = {  # symbol -> the module sample_repo's canonical definition lives in
    "get_websocket_manager": "app.websocket_core.websocket_manager",
    "WebSocketManager": "app.websocket_core.websocket_manager",
    "SessionStore": "app.core.session_store",
}
IMPORT = re.compile(r"^(\s*)from \S+ import (\w+)(\s+as\s+\w+)?(\s*#.*)$")
GIT_ENV = {"GIT_AUTHOR_NAME": "ssot-audit demo", "GIT_AUTHOR_EMAIL": "demo@example.invalid",
           "GIT_COMMITTER_NAME": "ssot-audit demo", "GIT_COMMITTER_EMAIL": "demo@example.invalid"}  # fmt: skip


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def _edit_marked(repo: Path, code: str, edit: Callable[[str], str]) -> int:
    """Apply ``edit`` to every line carrying ``# [code]``; return how many lines changed."""
    changed = 0
    for path in sorted(repo.rglob("*.py")):
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
        new = [edit(line) if f"[{code}]" in line else line for line in lines]
        if new != lines:
            changed += sum(1 for a, b in zip(lines, new) if a != b)
            path.write_text("\n".join(new), encoding="utf-8", errors="surrogateescape")
    return changed


def _canonical_import(line: str) -> str:
    match = IMPORT.match(line)
    if match is None or match.group(2) not in CANONICAL:
        return line
    indent, name, alias, comment = match.groups()
    return f"{indent}from {CANONICAL[name]} import {name}{alias or ''}{comment}"


def build(target: Path) -> Path:
    """Create ``target/sample_repo`` with the four commits and backfill ``target/history.db``; return the database."""
    repo, db = target / "sample_repo", target / "history.db"
    if repo.exists() or db.exists():
        raise SystemExit(f"{target} already holds a demo: remove it or pass another --dir")
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__", ".ssot-audit"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "sample_repo as shipped")
    _edit_marked(repo, "SSOT401", lambda line: line.replace("await ", "", 1))
    _git(repo, "commit", "-q", "-am", "drop await on plain def callables")
    _edit_marked(repo, "SSOT201", _canonical_import)
    _git(repo, "commit", "-q", "-am", "import split symbols through their canonical module")
    _git(repo, "rm", "-q", "legacy/py2_tool.py")
    _git(repo, "commit", "-q", "-m", "delete the unparsable legacy script")
    subprocess.run([sys.executable, "-m", "ssot_audit", "history", str(repo), "--last", "4", "--history", str(db), "-q"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return db


def main(argv: list[str] | None = None) -> int:
    """Build the demo history and (unless ``--no-dashboard``) start the dashboard on it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", help="where to build the demo (default: a new temporary directory)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--no-dashboard", action="store_true", help="only build the history database")
    args = parser.parse_args(argv)
    target = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ssot-audit-demo-"))
    target.mkdir(parents=True, exist_ok=True)
    db = build(target)
    print(f"demo history: {db} (scanned repository: {target / 'sample_repo'})")
    if args.no_dashboard:
        return 0
    return subprocess.call([sys.executable, "-m", "ssot_audit", "dashboard", "--history", str(db),
                            "--port", str(args.port)])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
