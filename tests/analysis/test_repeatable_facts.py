"""A file's facts pickle to the same bytes in every process: the cache is content-addressed and shared between
machines and CI jobs (README, "Sharing the cache"), so its bytes must not depend on the process's string hashes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STDLIB = Path(ast.__file__).parent

_DIGESTS = """
import ast, hashlib, pickle, sys
from ssot_audit.analysis.extract import extract_facts
for path in sys.argv[1:]:
    source = open(path, "rb").read()
    facts = extract_facts(ast.parse(source), source.count(b"\\n"), len(source))
    print(path, hashlib.sha256(pickle.dumps(facts, protocol=5)).hexdigest())
"""


def _files() -> list[str]:
    """Files whose facts hold sets of names (``hasattr`` probes, frame-reaching functions), and more besides."""
    picked = sorted(str(p) for p in STDLIB.glob("*.py"))[:120]
    picked += sorted(str(p) for p in (ROOT / "ssot_audit").rglob("*.py"))
    picked += sorted(str(p) for p in (ROOT / "sample_repo").rglob("*.py") if "py2" not in p.name)
    return picked


def _digests(seed: str, files: list[str]) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", _DIGESTS, *files], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT)  # fmt: skip
    return done.stdout


def test_facts_pickle_to_the_same_bytes_whatever_the_hash_seed() -> None:
    files = _files()
    first, second = _digests("1", files), _digests("2", files)
    assert len(first.splitlines()) == len(files)
    assert first == second
