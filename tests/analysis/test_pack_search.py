"""A scan that misses content looks at the directory's other packs by their record headers (``packs.read_keys``)
and reads only those that hold it: the headers give exactly the keys a full read gives, whole or damaged, and an
edit scan neither reads nor adopts a pack of another configuration that lacks what it misses."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import packs, state
from ssot_audit.config import Config
from ssot_audit.reporters import REPORTERS
from ssot_audit.rules import ALL_RULES, Rule

from tests.helpers import write_project


def _random_pack(rng: random.Random, directory: Path) -> Path:
    writer = state.PackWriter(directory)
    for _ in range(rng.randint(1, 30)):
        writer.add(rng.randbytes(32).hex(), rng.randbytes(rng.choice([0, 1, 40, 5000])))
    name = writer.close()
    assert name
    return directory / name


@pytest.mark.parametrize("seed", range(30))
def test_the_headers_give_the_keys_of_a_full_read(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = _random_pack(rng, tmp_path)
    data = path.read_bytes()
    assert packs.read_keys(path) == set(packs.read_pack(path)) and len(packs.read_pack(path)) > 0
    for cut in sorted(rng.sample(range(len(data)), min(20, len(data)))):  # truncated anywhere, as a crash leaves it
        path.write_bytes(data[:cut])
        assert packs.read_keys(path) == set(packs.read_pack(path))
    path.write_bytes(b"")
    assert packs.read_keys(path) == frozenset() == set(packs.read_pack(path))
    path.write_bytes(b"not a pack" + data)
    assert packs.read_keys(path) == frozenset() == set(packs.read_pack(path))
    assert packs.read_keys(tmp_path / "missing.bin") == frozenset()


def _scan(root: Path, cache_dir: Path, rules: Sequence[Rule] = ALL_RULES) -> str:
    return REPORTERS["json"](api.scan_tree(root, Config(), jobs=1, cache_dir=cache_dir, rules=rules).result)


def test_an_edit_scan_reads_no_other_pack_that_lacks_what_it_misses(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    files = {"pkg/__init__.py": "", **{f"pkg/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(6)}}
    root = write_project(tmp_path / "proj", files)
    cache_dir, some = tmp_path / "cache", ALL_RULES[:4]
    _scan(root, cache_dir)
    _scan(root, cache_dir, some)  # another configuration of the same tree shares the packs
    (root / "pkg/m1.py").write_text("def f1():\n    return 10\n", encoding="utf-8")
    _scan(root, cache_dir, some)  # its edit scan adds a pack of its own, with the new content
    before = set(cache_dir.rglob("pack-*.bin"))
    (root / "pkg/m1.py").write_text("def f1():\n    return 11\n", encoding="utf-8")
    read: list[str] = []
    load_blobs = state.StateStore.load_blobs

    def recorded(self: state.StateStore, packs: Iterable[str]) -> dict[str, state.Blob]:
        packs = list(packs)
        read.extend(packs)
        return load_blobs(self, packs)

    monkeypatch.setattr(state.StateStore, "load_blobs", recorded)
    warm = _scan(root, cache_dir)
    others = {p.name for p in before} - set(read)
    assert len(before) == 2 and len(others) == 1  # the other configuration's pack was looked at, never read
    monkeypatch.undo()
    assert warm == REPORTERS["json"](api.scan_tree(root, Config(), jobs=1).result)
    assert warm == _scan(root, cache_dir)  # and nothing it skipped is missed by the next scan


def _store(directory: Path) -> state.StateStore:
    return state.StateStore(directory, analyser="a" * 16, scope="s" * 16, tree="t" * 16)


def _written(directory: Path, entries: dict[str, bytes]) -> str:
    writer = packs.PackWriter(directory)
    for key, payload in entries.items():
        writer.add(key, payload)
    name = writer.close()
    assert name
    return name


@pytest.mark.parametrize("seed", range(20))
def test_a_few_entries_are_found_as_a_full_read_gives_them(tmp_path: Path, seed: int) -> None:
    """``find_blobs`` against the plain definition: read every pack whole, keep the intact entries asked for."""
    rng = random.Random(seed)
    store = _store(tmp_path)
    names = [_random_pack(rng, store.directory).name for _ in range(rng.randint(1, 3))]
    everything = {key: blob for name in names for key, blob in packs.read_pack(store.directory / name).items()}
    keys = rng.sample(sorted(everything), rng.randint(0, len(everything))) + [rng.randbytes(32).hex()]  # one missing
    found = store.find_blobs(names, keys)
    assert found == {key: bytes(everything[key][1]) for key in keys if key in everything}
    assert all(type(payload) is bytes for payload in found.values())


def test_damaged_missing_and_cut_short_entries_are_misses(tmp_path: Path) -> None:
    store = _store(tmp_path)
    first = {f"{i:064x}": bytes([i]) * (100 + i) for i in range(1, 5)}
    second = {f"{9:064x}": b"only in the second pack", f"{2:064x}": bytes([2]) * 102}  # 2 again: intact here
    one, two = _written(store.directory, first), _written(store.directory, second)
    data = bytearray((store.directory / one).read_bytes())
    data[data.index(bytes([2]) * 102) + 50] ^= 0xFF  # entry 2's payload damaged in the first pack
    (store.directory / one).write_bytes(bytes(data))
    keys = [*first, *second, f"{7:064x}"]
    assert store.find_blobs([one, two], keys) == {**first, **second}  # 2 from the second pack; 7 held by none
    assert store.find_blobs([one], keys) == {k: v for k, v in first.items() if k != f"{2:064x}"}
    cut = data[: data.index(bytes([4]) * 104) + 10]  # a crash while writing entry 4
    (store.directory / one).write_bytes(bytes(cut))
    assert store.find_blobs([one], keys) == {f"{1:064x}": first[f"{1:064x}"], f"{3:064x}": first[f"{3:064x}"]}
    (store.directory / one).write_bytes(b"")
    assert store.find_blobs([one, "pack-missing.bin", two], keys) == second
    assert store.find_blobs([two], []) == {}


def _read_whole(path: Path) -> dict[str, tuple[int, bytes]]:
    """A pack's entries as the plain definition reads them: the file's bytes, by the index when it is intact, else
    record after record (the index's own record left out)."""
    data = path.read_bytes()
    if not data.startswith(packs.PACK_MAGIC):
        return {}
    indexed = _read_index(data)
    if indexed is not None:
        return indexed
    entries, at = {}, len(packs.PACK_MAGIC)
    while at + packs.RECORD.size <= len(data):
        key, crc, length = packs.RECORD.unpack_from(data, at)
        at += packs.RECORD.size
        if at + length > len(data):
            break
        if key != bytes(32):
            entries[key.hex()] = (crc, data[at : at + length])
        at += length
    return entries


def _read_index(data: bytes) -> dict[str, tuple[int, bytes]] | None:
    """The entries the index at the end of a pack's bytes lists: the trailer (8 bytes: where the index's record
    starts, then ``ssotidx1``), that record (key of 32 zero bytes, CRC-32 of the list, length to the end of the file),
    the list (48 bytes an entry: key, CRC-32, start, length); None when any of it does not hold."""
    magic, header = len(packs.PACK_MAGIC), 40
    if len(data) < magic + header + 16 or data[-8:] != b"ssotidx1":
        return None
    at = int.from_bytes(data[-16:-8], "little")
    if at < magic or at + header + 16 > len(data):
        return None
    key, crc, length = data[at : at + 32], data[at + 32 : at + 36], data[at + 36 : at + 40]
    listed = data[at + header : -16]
    if key != bytes(32) or at + header + int.from_bytes(length, "little") != len(data) or len(listed) % 48 \
            or zlib.crc32(listed) != int.from_bytes(crc, "little"):  # fmt: skip
        return None
    entries = {}
    for i in range(0, len(listed), 48):
        start = int.from_bytes(listed[i + 36 : i + 44], "little")
        size = int.from_bytes(listed[i + 44 : i + 48], "little")
        if start < magic + header or start + size > at:
            return None
        crc_of = int.from_bytes(listed[i + 32 : i + 36], "little")
        entries[listed[i : i + 32].hex()] = (crc_of, data[start : start + size])
    return entries


def test_the_index_gives_the_entries_without_the_headers(tmp_path: Path) -> None:
    """With every record header's key wiped, the index still gives every entry (the headers are not read); with the
    index damaged too, the walk over the headers gives what they say: nothing."""
    path = _random_pack(random.Random(7), tmp_path)
    whole = packs.read_pack(path)
    expected = {key: (crc, bytes(payload)) for key, (crc, payload) in whole.items()}
    del whole
    data = bytearray(path.read_bytes())
    at = len(packs.PACK_MAGIC)
    for _ in expected:  # the records, in order: each header's key wiped
        length = packs.RECORD.unpack_from(data, at)[2]
        data[at : at + 32] = bytes(32)
        at += packs.RECORD.size + length
    path.write_bytes(bytes(data))
    assert {key: (crc, bytes(payload)) for key, (crc, payload) in packs.read_pack(path).items()} == expected
    assert packs.read_keys(path) == set(expected)
    wanted = {bytes.fromhex(key): key for key in expected}
    assert packs.find_in_pack(path, wanted) == {key: payload for key, (_, payload) in expected.items()}
    data[-20] ^= 0x01  # in the index's list: its CRC-32 fails
    path.write_bytes(bytes(data))
    assert packs.read_pack(path) == {} and packs.read_keys(path) == frozenset()
    assert packs.find_in_pack(path, wanted) == {}


@pytest.mark.parametrize("seed", range(20))
def test_a_mapped_pack_gives_the_entries_of_its_bytes(tmp_path: Path, seed: int) -> None:
    """``read_pack`` maps the file: its entries are those of the file's bytes, whole, cut short or damaged."""
    rng = random.Random(seed)
    path = _random_pack(rng, tmp_path)
    data = bytearray(path.read_bytes())
    if seed % 3 == 1:
        del data[rng.randrange(len(packs.PACK_MAGIC), len(data)) :]  # cut short
    elif seed % 3 == 2:
        data[rng.randrange(len(data))] ^= 0x10  # a flipped bit, in a header or a payload (or the magic)
    path.write_bytes(bytes(data))
    mapped = {key: (crc, bytes(payload)) for key, (crc, payload) in packs.read_pack(path).items()}
    assert mapped == _read_whole(path)
    path.write_bytes(b"")
    assert packs.read_pack(path) == {}
