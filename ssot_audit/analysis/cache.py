"""A content-addressed cache of per-file results: unchanged files are not parsed again.

Per-file work is a pure function of the file's bytes and of the code that analyses them, so the key is the
SHA-256 of both: the file's bytes and a digest of the per-file modules' source (plus the Python version, whose
grammar and ``ast`` differ). Editing the analyser invalidates every entry; a stale entry cannot be served.

Entries are pickles under ``<dir>/<key[:2]>/<key>``, written atomically (temporary file + rename), so concurrent
scans sharing a cache directory never read a half-written entry. Each entry starts with a checksum; a corrupt
or unreadable entry is a miss, deleted and rebuilt. The
default directory is the user's cache directory, never the scanned tree: ``$XDG_CACHE_HOME/ssot-audit`` or
``~/.cache/ssot-audit``. Only point it at a directory you own: entries are unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

# The modules whose code decides what a file's facts are.
_PER_FILE_MODULES = ("facts", "ast_helpers", "extract", "extract_namespace", "flow", "parsing", "syntax_hints", "loader",
                     "lines")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ssot-audit``, else ``~/.cache/ssot-audit``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ssot-audit"


@lru_cache(maxsize=1)
def analyser_digest() -> bytes:
    """A digest of everything besides a file's bytes that its facts depend on."""
    import ssot_audit
    import ssot_audit.suppressions

    digest = hashlib.sha256(f"{sys.version_info[:2]}|{ssot_audit.__version__}".encode())
    here = Path(__file__).resolve().parent
    for name in _PER_FILE_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    digest.update(Path(ssot_audit.suppressions.__file__).read_bytes())
    return digest.digest()


def cache_key(data: bytes) -> str:
    """The entry name for a file's bytes."""
    return hashlib.sha256(analyser_digest() + data).hexdigest()


_CHECKSUM = hashlib.sha256().digest_size  # each entry starts with the SHA-256 of the pickle after it


def load(directory: str, key: str) -> Any | None:
    """The cached payload for ``key``, or None: missing, unreadable and corrupt entries are misses.

    A flipped byte in a pickle can unpickle into different data, or raise almost anything (MemoryError,
    OverflowError, KeyError...), so each entry carries a checksum checked before unpickling, and whatever unpickling
    still raises is a miss too. A bad entry is deleted, so the scan that misses it writes it again.
    """
    path = os.path.join(directory, key[:2], key)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    try:
        if len(data) > _CHECKSUM and hashlib.sha256(data[_CHECKSUM:]).digest() == data[:_CHECKSUM]:
            return pickle.loads(data[_CHECKSUM:])
    except Exception:  # noqa: BLE001 - a cache entry must never break a scan, whatever is wrong with it
        pass
    with contextlib.suppress(OSError):
        os.unlink(path)
    return None


def store(directory: str, key: str, blob: bytes) -> None:
    """Write an already pickled entry (with its checksum) atomically, unless it exists; a cache that cannot be
    written is skipped silently (it is only a cache)."""
    shard = os.path.join(directory, key[:2])
    target = os.path.join(shard, key)
    try:
        if os.path.exists(target):
            return
        os.makedirs(shard, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=shard, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(blob).digest() + blob)
        os.replace(temporary, target)
    except OSError:
        return
