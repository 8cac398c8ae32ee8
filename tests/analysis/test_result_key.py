"""The whole result's key (``treecache._result_key``): every input a result depends on besides the configuration and
the listings is in it, the files' paths, module-name candidates and flags through ``walkcache.files_digest``."""

from __future__ import annotations

from dataclasses import replace

from ssot_audit.analysis.discovery import SourceFile
from ssot_audit.analysis.treecache import _result_key
from ssot_audit.analysis.walkcache import files_digest as _files_digest

FILES = [SourceFile("/r/pkg/a.py", "pkg/a.py", ("pkg.a", "a"), False, False),
         SourceFile("/r/pkg/__init__.py", "pkg/__init__.py", ("pkg",), True, False)]  # fmt: skip
HASHES = {"pkg/a.py": "a" * 64, "pkg/__init__.py": "b" * 64}


def _key(files: list[SourceFile], hashes: dict[str, str]) -> str:
    return _result_key("scope" + _files_digest(files), files, hashes)


def test_every_input_changes_the_key() -> None:
    key = _key(FILES, HASHES)
    assert key == _key(list(FILES), dict(HASHES)) and len(key) == 64
    others = [
        [replace(FILES[0], candidates=("pkg.a",)), FILES[1]],
        [replace(FILES[0], is_test=True), FILES[1]],
        [FILES[0], replace(FILES[1], is_package=False)],
        [replace(FILES[0], relpath="pkg/b.py"), FILES[1]],
        [FILES[1], FILES[0]],
    ]
    keys = {_key(files, {**HASHES, "pkg/b.py": "a" * 64}) for files in others}
    assert len(keys) == len(others) and key not in keys
    assert _key(FILES, {**HASHES, "pkg/a.py": "c" * 64}) != key
    assert _result_key("other" + _files_digest(FILES), FILES, HASHES) != key


def test_a_file_of_unknown_content_has_no_key() -> None:
    assert _key(FILES, {"pkg/a.py": "a" * 64}) == ""
