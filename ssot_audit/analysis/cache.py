"""Where the cache lives and what its entries depend on besides the scanned files' bytes.

Per-file work is a pure function of the file's bytes and of the code that analyses them: per-file entries live in
a directory named by ``analyser_digest`` (the per-file modules' source plus the Python version, whose grammar and
``ast`` differ), so editing the analyser invalidates every entry and a stale entry cannot be served. A whole
result depends on all of the tool's code: ``program_digest`` goes into its key. Storage: ``analysis.state``.

The default directory is the user's cache directory, never the scanned tree: ``$XDG_CACHE_HOME/ssot-audit`` or
``~/.cache/ssot-audit``. Only point it at a directory you own: entries are unpickled.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

# The modules whose code decides what a file's facts are.
_PER_FILE_MODULES = ("facts", "call_table", "name_table", "attr_table", "columns", "ast_helpers", "extract",
                     "extract_expressions", "extract_namespace", "flow", "parsing", "syntax_hints", "loader", "lines",
                     "reading", "linemap", "payload")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ssot-audit``, else ``~/.cache/ssot-audit``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ssot-audit"


@lru_cache(maxsize=1)
def analyser_digest() -> bytes:
    """A digest of everything besides a file's bytes that its facts depend on."""
    import ssot_audit
    import ssot_audit.model.pickling
    import ssot_audit.suppressions

    digest = hashlib.sha256(f"{sys.version_info[:2]}|{ssot_audit.__version__}".encode())
    here = Path(__file__).resolve().parent
    for name in _PER_FILE_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    digest.update(Path(ssot_audit.suppressions.__file__).read_bytes())
    digest.update(Path(ssot_audit.model.pickling.__file__).read_bytes())  # how facts are pickled
    return digest.digest()


@lru_cache(maxsize=1)
def program_digest() -> bytes:
    """A digest of all of the tool's code (and the Python version): what a whole result depends on besides the
    files and the configuration."""
    import ssot_audit

    digest = hashlib.sha256(analyser_digest())
    package = Path(ssot_audit.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()
