"""Every payload carries its file's line digest; an edit scan reads the payloads of a few files back from the packs
by content hash (``loader.read_outcomes``), digest included, while the outcomes the whole-program phase gets hold
none."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import cache, loader, state
from ssot_audit.analysis.discovery import SourceFile
from ssot_audit.analysis.linemap import line_digest
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.payload import PayloadHead, pack_payload, pickle_facts, read_head
from ssot_audit.config import Config

from tests.helpers import write_project

FILES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "def f():\n    return 1\n",
    "pkg/b.py": "from pkg.a import f\n\n\nclass B:\n    x = f()\n",
    "pkg/broken.py": "def g(:\n    pass\n",
    "pkg/copy.py": "def f():\n    return 1\n",  # the same content as a.py: one entry
}


@pytest.mark.parametrize("data", [b"", b"x = 1", b"x = 1\r\ny = 2\r\n", b"\xef\xbb\xbfx = 1\n", b"def g(:\n  pass\n",
                                  b"# -*- coding: latin-1 -*-\nname = '\xe9'\n", b"x = '\xff'\n"])  # fmt: skip
def test_every_analysed_file_has_its_line_digest(data: bytes, tmp_path: Path) -> None:
    """Parsed or not (a syntax error, bytes that do not decode), the outcome holds the digest of the bytes read."""
    outcome = loader.analyze_bytes(data, "m.py")
    assert outcome.line_digest == line_digest(data)
    (tmp_path / "m.py").write_bytes(data)
    key, blob = loader.analyze_to_blob(str(tmp_path / "m.py"), "m.py")
    assert key == state.content_hash(data) and read_head(blob)[0].line_digest == line_digest(data)  # type: ignore[index]
    assert loader.outcome_of_blob("m.py", blob) == outcome


def test_a_file_that_cannot_be_read_has_an_empty_digest(tmp_path: Path) -> None:
    key, blob = loader.analyze_to_blob(str(tmp_path / "missing.py"), "missing.py")
    outcome = loader.outcome_of_blob("missing.py", blob)
    assert key == "" and outcome is not None and outcome.failure is not None and outcome.line_digest == b""


def _scanned(tmp_path: Path) -> tuple[Path, state.StateStore, state.ScanState]:
    root = write_project(tmp_path / "src", FILES)
    api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    store = state.StateStore(tmp_path / "cache", analyser=cache.analyser_digest().hex(), scope="-", tree="-")
    saved = store.load_state()  # the scan's own state, the only one in the directory
    assert saved.packs and len(saved.manifest) == len(FILES)
    return root, store, saved


def test_outcomes_read_back_by_hash_are_those_of_the_analysis(tmp_path: Path) -> None:
    root, store, saved = _scanned(tmp_path)
    hashes = {relpath: key for relpath, (_, key) in saved.manifest.items()}
    read = loader.read_outcomes(store, saved.packs, hashes)
    assert read == {relpath: loader.analyze_bytes((root / relpath).read_bytes(), relpath) for relpath in FILES}
    assert read["pkg/broken.py"].failure is not None and read["pkg/b.py"].line_digest == line_digest(
        FILES["pkg/b.py"].encode())
    missing = {"pkg/a.py": hashes["pkg/a.py"], "pkg/new.py": "0" * 64}
    assert set(loader.read_outcomes(store, saved.packs, missing)) == {"pkg/a.py"}
    assert loader.read_outcomes(store, [], hashes) == {}


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path) -> None:
    root, store, saved = _scanned(tmp_path)
    hashes = {relpath: key for relpath, (_, key) in saved.manifest.items()}
    [pack] = saved.packs
    path = store.directory / pack
    data = bytearray(path.read_bytes())
    b_entry = store.find_blobs([pack], [hashes["pkg/b.py"]])[hashes["pkg/b.py"]]
    at = bytes(data).find(b_entry[-40:])
    assert at > 0
    data[at + 10] ^= 0x01  # b.py's payload damaged: its CRC no longer matches
    path.write_bytes(bytes(data))
    assert set(loader.read_outcomes(store, saved.packs, hashes)) == set(FILES) - {"pkg/b.py"}
    forged = store.open_pack()
    forged.add(hashes["pkg/b.py"], pickle.dumps(("facts", None, 1, (), b"")))  # intact, but not a payload
    failure = ParseFailure("syntax", "bad")
    forged.add(hashes["pkg/a.py"], pickle.dumps((None, failure, 1, (), b"xyz")))  # a digest of 3 bytes
    forged.add(hashes["pkg/broken.py"], pickle.dumps((None, failure, 1, ())))  # the shape before digests
    # this version's layout, of the wrong shape: a digest of 3 bytes; a failure with facts; no failure and no facts
    forged.add(hashes["pkg/__init__.py"], pack_payload(PayloadHead(failure, 1, (), b"", ()), pickle_facts(ModuleFacts(1))))
    name = forged.close()
    assert name is not None
    assert loader.read_outcomes(store, [name], hashes) == {}
    forged = store.open_pack()
    forged.add(hashes["pkg/a.py"], pack_payload(PayloadHead(failure, 1, (), b"xyz", ()), b""))
    forged.add(hashes["pkg/b.py"], pack_payload(PayloadHead(None, 1, (), b"", ()), b""))
    forged.add(hashes["pkg/__init__.py"], pack_payload(PayloadHead(None, 1, (), b"", ()), b"not a pickle"))
    name = forged.close()
    assert name is not None
    assert loader.read_outcomes(store, [name], hashes) == {}
    assert loader.outcome_of_blob("x.py", b"not a pickle") is None


def test_outcomes_keep_the_digest_only_when_asked(tmp_path: Path) -> None:
    root, store, saved = _scanned(tmp_path)
    files = [SourceFile(str(root / relpath), relpath, (relpath.removesuffix(".py").replace("/", "."),),
                        relpath.endswith("__init__.py"), False) for relpath in FILES]  # fmt: skip
    hashes = {relpath: key for relpath, (_, key) in saved.manifest.items()}
    payloads = loader.PayloadCache(dict(hashes))
    payloads.take(store.load_blobs(saved.packs))
    cached = [payloads.cached(relpath) for relpath in FILES]
    assert all(o is not None and o.line_digest == b"" for o in cached)  # what the index gets from the packs
    plain = loader.analyze_files(files, jobs=1)
    asked = loader.analyze_files(files, jobs=1, line_digests=True)
    assert [o.line_digest for o in plain] == [b""] * len(FILES)
    assert [o.line_digest for o in asked] == [line_digest(FILES[relpath].encode()) for relpath in FILES]
    assert [o.facts for o in plain] == [o.facts for o in asked] == [o.facts for o in cached if o is not None]
    overridden = loader.analyze_files(files, jobs=1, overrides={"pkg/a.py": b"x = 1\n"}, line_digests=True)
    assert overridden[1].line_digest == line_digest(b"x = 1\n")
    assert loader.analyze_files(files, jobs=1, overrides={"pkg/a.py": b"x = 1\n"})[1].line_digest == b""
