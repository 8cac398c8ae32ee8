"""The per-file cache: warm scans skip parsing, give identical results, and never trust a stale or broken entry."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import cache, loader, packs, state
from ssot_audit.analysis.payload import read_head
from ssot_audit.cli import main
from ssot_audit.config import Config
from ssot_audit.reporters import REPORTERS

from tests.helpers import record_parsing, write_project

PROJECT = {
    "app/__init__.py": "",
    "app/factory.py": """
        class Manager:
            def count(self) -> int:
                return 1

        def get_manager() -> Manager:
            return Manager()
    """,
    "app/routes.py": """
        from app.factory import get_manager

        async def handler():
            return await get_manager()
    """,
}


def _scan_json(root: Path, cache_dir: Path | None) -> str:
    return REPORTERS["json"](api.audit(api.load_project(root, Config(), jobs=1, cache_dir=cache_dir)))


def _codes(report: str) -> list[str]:
    return [f["code"] for f in json.loads(report)["findings"]]


def test_warm_scan_parses_nothing_and_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    cold = _scan_json(root, store)
    assert _codes(cold) == ["SSOT401"]

    def no_parsing(data: bytes, relpath: str) -> loader.FileOutcome:
        raise AssertionError(f"{relpath} was parsed again")

    monkeypatch.setattr(loader, "analyze_bytes", no_parsing)
    assert _scan_json(root, store) == cold
    with pytest.raises(AssertionError, match="was parsed again"):  # the patch is what a cold scan would call
        _scan_json(root, tmp_path / "empty-cache")


def test_an_edited_file_is_analysed_again(tmp_path: Path) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    _scan_json(root, store)
    (root / "app/routes.py").write_text("from app.factory import get_manager\n\ndef handler():\n    return get_manager()\n")
    assert _codes(_scan_json(root, store)) == []


def test_corrupt_entries_are_misses(tmp_path: Path) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    expected = _scan_json(root, store)
    entries = [p for p in store.rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    assert _scan_json(root, store) == expected


def test_a_changed_analyser_invalidates_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    expected = _scan_json(root, store)
    parsed = record_parsing(monkeypatch)
    assert _scan_json(root, store) == expected and parsed == []
    cache.analyser_digest.cache_clear()
    monkeypatch.setattr(cache, "_PER_FILE_MODULES", ("facts",))
    try:
        assert _scan_json(root, store) == expected
    finally:
        cache.analyser_digest.cache_clear()
    assert sorted(parsed) == sorted(PROJECT)


def test_the_cli_writes_its_cache_outside_the_scanned_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert main(["scan", str(root), "-q"]) == 1
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
    assert any((tmp_path / "xdg" / "ssot-audit").rglob("*"))
    assert main(["scan", str(root), "-q", "--no-cache", "--cache-dir", str(tmp_path / "unused")]) == 1
    assert not (tmp_path / "unused").exists()


def _factory_record(root: Path, store: Path) -> tuple[Path, str, int, int]:
    """The pack holding app/factory.py's payload, its content hash, and where its record starts and ends."""
    key = state.content_hash((root / "app/factory.py").read_bytes())
    for pack in store.rglob("pack-*.bin"):
        entries = packs.read_pack(pack)
        if key in entries:
            data = pack.read_bytes()
            end = bytes(data).index(bytes(entries[key][1])) + len(entries[key][1])
            return pack, key, end - len(entries[key][1]) - packs.RECORD.size, end
    raise AssertionError("no pack holds app/factory.py")


def test_every_one_byte_corruption_is_a_miss_and_the_entry_is_rebuilt(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    expected = _scan_json(root, store)
    pack, key, start, end = _factory_record(root, store)
    good = pack.read_bytes()
    intact = loader.PayloadCache({"app/factory.py": key}, packs.read_pack(pack)).cached("app/factory.py")
    assert intact is not None
    entry = good.rindex(bytes.fromhex(key))  # its entry in the pack's index
    assert entry > end
    # the record's payload: a miss; its header (hash, CRC-32, length), which the index makes unread, and its entry in
    # the index, whose damage makes the headers read: the intact entry
    header = range(start, start + packs.RECORD.size)
    for positions, miss in ((range(header.stop, end), True), (header, False),
                            (range(entry, entry + packs.INDEX_ENTRY.size), False)):  # fmt: skip
        for position in positions:
            for flip in (0x01, 0x80, 0xFF):
                corrupt = bytearray(good)
                corrupt[position] ^= flip
                pack.write_bytes(bytes(corrupt))
                cached = loader.PayloadCache({"app/factory.py": key}, packs.read_pack(pack)).cached("app/factory.py")
                assert cached is None if miss else cached == intact, (position, flip)
    pack.write_bytes(good[: end - 1] + bytes([good[end - 1] ^ 0xFF]) + good[end:])
    parsed = record_parsing(monkeypatch)
    assert _scan_json(root, store) == expected
    assert parsed == ["app/factory.py"]  # the damaged entry only
    assert _scan_json(root, store) == expected
    assert parsed == ["app/factory.py"]  # and it was written again: the next scan parses nothing


def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    expected = _scan_json(root, store)
    pack, key, _, _ = _factory_record(root, store)
    writer = state.PackWriter(tmp_path / "forged")
    writer.add(key, pickle.dumps(("facts", None, "12", [])))  # a valid checksum over the wrong data
    forged = writer.close()
    assert forged is not None
    pack.write_bytes((tmp_path / "forged" / forged).read_bytes())  # the state still names the pack
    parsed = record_parsing(monkeypatch)
    assert _scan_json(root, store) == expected
    assert "app/factory.py" in parsed


def test_the_analyser_digest_covers_every_module_of_the_per_file_code() -> None:
    """A module the per-file analysis runs but the digest leaves out would serve stale facts after an upgrade."""
    code = ("import sys, ssot_audit.analysis.loader as loader\n"
            "print(' '.join(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('ssot_audit.analysis.'))))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # the loader imports them for the cache and its types (a file's ``SourceFile``, its directory's ``Listed``): not
    # run per file
    whole_program = {"state", "packs", "discovery", "listing"}
    assert set(imported) - whole_program <= set(cache._PER_FILE_MODULES)


def test_compacting_the_packs_keeps_live_entries_and_drops_damaged_ones(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A scan lets go of the packs' bytes once it has loaded them; when most of their entries are dead it reads them
    again to compact them, copying the live entries but not one that failed to load (that one is written anew)."""
    files = {**PROJECT, **{f"app/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(8)}}
    root = write_project(tmp_path / "src", files)
    store = tmp_path / "cache"
    _scan_json(root, store)
    [pack] = list(store.rglob("pack-*.bin"))
    key = state.content_hash((root / "app/factory.py").read_bytes())
    writer = state.PackWriter(tmp_path / "forged")
    for entry, blob in packs.read_pack(pack).items():  # the same pack, the factory's entry of the wrong shape
        writer.add(entry, pickle.dumps(("facts", None, "12", []))) if entry == key else writer.add_blob(entry, blob)
    forged = writer.close()
    assert forged is not None
    pack.write_bytes((tmp_path / "forged" / forged).read_bytes())
    for i in range(8):  # most entries of the pack are dead now: the next save compacts it
        (root / f"app/m{i}.py").write_text(f"def f{i}():\n    return {i + 100}\n", encoding="utf-8")
    parsed = record_parsing(monkeypatch)
    warm = _scan_json(root, store)
    assert sorted(parsed) == sorted(["app/factory.py", *(f"app/m{i}.py" for i in range(8))])
    [saved] = list(store.rglob("state-*.bin"))
    named = state._read_state(saved)
    assert named is not None
    kept = [saved.parent / name for name in named.packs]
    assert pack not in kept and len(kept) == 2  # compacted, and this scan's new pack
    holding = [packs.read_pack(p)[key] for p in kept if key in packs.read_pack(p)]
    assert len(holding) == 1 and read_head(holding[0][1]) is not None  # the new entry only
    assert warm == _scan_json(root, None)
    parsed.clear()
    # m0.py back as it was: only the old pack (not yet deleted: orphans are kept a while for concurrent scans)
    # holds it, and reading that pack for it must not let its damaged factory entry shadow the good one
    (root / "app/m0.py").write_text("def f0():\n    return 0\n", encoding="utf-8")
    again = _scan_json(root, store)
    assert parsed == []
    assert again == _scan_json(root, None)


def test_many_small_packs_are_compacted_without_copying_the_largest(tmp_path: Path) -> None:
    """Each scan after an edit adds a small pack; when they are many (and few entries are dead) the small ones are
    merged into one and the cold scan's pack stays as it is (the tree's other scopes share it)."""
    files = {**PROJECT, **{f"app/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(16)}}
    root = write_project(tmp_path / "src", files)
    store = tmp_path / "cache"
    _scan_json(root, store)
    [cold] = [p.name for p in store.rglob("pack-*.bin")]
    for n in range(1, state.MAX_PACKS + 1):  # the last save finds MAX_PACKS packs: one more is too many
        (root / f"app/m{n}.py").write_text(f"def f{n}():\n    return {100 + n}\n", encoding="utf-8")
        edited = _scan_json(root, store)
        [saved] = list(store.rglob("state-*.bin"))
        named = state._read_state(saved)
        assert named is not None and named.packs[0] == cold
        assert len(named.packs) == (n + 1 if n < state.MAX_PACKS else 3)  # then: cold, the merged ones, the new
    merged = packs.read_pack(saved.parent / named.packs[1])
    assert sorted(merged) == sorted(state.content_hash(f"def f{n}():\n    return {100 + n}\n".encode())
                                    for n in range(1, state.MAX_PACKS))  # the live entries of the small packs
    assert edited == _scan_json(root, None) == _scan_json(root, store)
