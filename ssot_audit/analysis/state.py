"""What a scan leaves for the next one: a manifest of the files seen, their per-file results in a few packs, and
the last whole result, all in the cache directory (never in the scanned tree).

- The **manifest** maps each repo-relative path to its size, mtime and inode and the SHA-256 of its bytes. A
  file whose stat matches is not read again (as ruff and mypy do); any other file is read and hashed.
- **Packs** hold per-file payloads keyed by content hash, many files to one pack file, so a warm scan opens a few
  files instead of one per source file. A pack is written once and named by the digest of its bytes; a scan that
  analyses new files adds one small pack, and the packs are compacted into one when they hold mostly dead entries.
  Their file format: ``packs``.
- The **result** is an opaque blob stored with the key it was computed for (content hashes, configuration, tool
  code); the caller recomputes the key and uses the blob only when the keys are equal.

Nothing stored holds an absolute path: keys are content hashes and repo-relative paths, so a cache restored into
another checkout directory (CI's cache step) serves it after one pass of hashing. Every read is verified: a blob
carries a CRC-32, and so does a state file's body; anything unreadable, truncated or not matching is a miss
(recomputed), never an error and never served. Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
import time
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ssot_audit.analysis.packs import Blob as Blob  # re-exported: the loader and the tree cache name them here
from ssot_audit.analysis.packs import PackWriter as PackWriter
from ssot_audit.analysis.packs import find_in_pack, read_keys, read_pack
from ssot_audit.analysis.packs import open_blob as open_blob

_STATE_MAGIC = b"ssot-audit state 2\n"  # 2: a CRC-32 in place of a SHA-256 (``_checksummed``)
_OUTPUT_MAGIC = b"ssot-audit output 2\n"
_KEPT_MAGIC = b"ssot-audit kept 2\n"
_CRC = struct.Struct("<I")
MAX_PACKS = 8  # past this many packs, or half of their entries dead, the next save compacts them into one
_MAX_STATES = 16  # trees (and configurations) remembered per cache directory, the most recently scanned
_ORPHAN_AGE = 600.0  # seconds: a pack no state names is deleted only when older (a concurrent scan may be saving)

Stamp = tuple[int, int, int]  # size, mtime_ns, inode: what a file's stat must match for its hash to be trusted


def content_hash(data: bytes) -> str:
    """The key of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def stamp_of(path: str) -> Stamp | None:
    """Size, mtime and inode of a file, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


@dataclass(slots=True)
class ScanState:
    """The state of one scanned tree, as saved by the previous scan (empty when there is none)."""

    manifest: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # relpath -> (stamp, content hash)
    packs: tuple[str, ...] = ()  # names of the packs holding this tree's per-file payloads
    result_key: str = ""
    result: bytes = b""

    def known_hash(self, relpath: str, stamp: Stamp | None) -> str | None:
        """The content hash recorded for ``relpath`` if its stat still matches, else None (read it again)."""
        entry = self.manifest.get(relpath)
        if entry is None or stamp is None or entry[0] != stamp:
            return None
        return entry[1]


class StateStore:
    """The state files and packs of one cache directory, for one version of the per-file analyser.

    ``scope`` names the configuration and ``tree`` the scanned directory; a scan first looks for the state of its
    own tree and scope, then for the newest one of its scope (a cache restored into another checkout), then of its
    tree: every hash it holds is checked again, so the choice changes how much is reused, never the result.
    """

    def __init__(self, directory: Path, *, analyser: str, scope: str, tree: str, kept: str = "") -> None:
        self.directory = directory / f"v2-{analyser[:16]}"  # v2: payloads of ``payload``'s layout
        self.scope = scope[:16]
        self.tree = tree[:16]
        self.kept = (kept or scope)[:16]  # names what ``save_kept`` keeps: scans of other scopes may share it

    def _state_path(self) -> Path:
        return self.directory / f"state-{self.scope}-{self.tree}.bin"

    def _candidates(self) -> list[Path]:
        own = self._state_path()
        try:
            others = [p for p in self.directory.glob("state-*.bin") if p != own]
        except OSError:
            return [own]

        def rank(path: Path) -> tuple[bool, bool, float]:
            _, scope, tree = path.stem.split("-", 2) if path.stem.count("-") >= 2 else ("", "", "")
            return scope == self.scope, tree == self.tree, _mtime(path)

        return [own, *sorted(others, key=rank, reverse=True)]

    def load_state(self) -> ScanState:
        """The best saved state for this tree and scope; an empty one when none can be read."""
        for path in self._candidates():
            state = _read_state(path)
            if state is not None:  # another tree's result serves too: its key covers every input but the path
                return state
        return ScanState()

    def load_blobs(self, packs: Iterable[str]) -> dict[str, Blob]:
        """Every entry of the named packs (unreadable packs contribute nothing)."""
        blobs: dict[str, Blob] = {}
        for name in packs:
            blobs.update(read_pack(self.directory / name))
        return blobs

    def find_blobs(self, packs: Iterable[str], keys: Collection[str]) -> dict[str, bytes]:
        """The payloads of the entries of ``keys`` (content hashes) in the named packs, each checked by its CRC-32,
        found by the packs' indexes (``packs.find_in_pack``): a few entries of 170 MB of packs cost a read of their
        indexes, not of the packs. A key no pack holds intact (missing, damaged, in a pack cut short) is not in the
        answer; the packs are searched in order until every key is found."""
        wanted = {bytes.fromhex(key): key for key in keys}
        found: dict[str, bytes] = {}
        for name in packs:
            if len(found) == len(wanted):
                break
            found.update(find_in_pack(self.directory / name, {raw: k for raw, k in wanted.items() if k not in found}))
        return found

    def pack_keys(self, name: str) -> frozenset[str]:
        """The content hashes a pack holds (the keys ``load_blobs`` gives for it), without reading its payloads."""
        return read_keys(self.directory / name)

    def other_packs(self, known: Sequence[str]) -> list[str]:
        """Names of the directory's packs not in ``known``, newest first."""
        try:
            packs = [(p.stat().st_mtime, p.name) for p in self.directory.glob("pack-*.bin") if p.name not in known]
        except OSError:
            return []
        return [name for _, name in sorted(packs, reverse=True)]

    def open_pack(self) -> PackWriter:
        """A new pack to stream this scan's payloads into (see ``save``)."""
        return PackWriter(self.directory)

    def save(self, manifest: Mapping[str, tuple[Stamp, str]], *, old_packs: Sequence[str], stored: Collection[str],
             new_pack: PackWriter | None, result_key: str, result: bytes) -> None:  # fmt: skip
        """Write the new state: the packs that cover ``manifest`` (the old ones, compacted into one when they hold
        mostly dead entries or are many, plus ``new_pack``), and the result. ``stored``: the intact entries of the old
        packs (empty when this scan did not read them; an entry that failed to load is not among them).
        Best effort: a cache that cannot be written is skipped silently (it is only a cache)."""
        needed = {entry[1] for entry in manifest.values()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            packs = list(old_packs)
            live = sum(1 for h in stored if h in needed)
            if stored and live * 2 < len(stored):  # packs were read, and they hold mostly dead entries
                packs = self._compacted(old_packs, needed, stored)
            elif stored and len(old_packs) + 1 > MAX_PACKS:
                # Many packs: the small ones (a scan after an edit adds one) merged, the largest kept as it is: the
                # cold scan's (170 MB at 4M lines, shared by the tree's scopes), copied every 8 scans for 0.7 CPU-s.
                packs = self._small_merged(old_packs, needed, stored)
            fresh = new_pack.close() if new_pack is not None else None
            if fresh:
                packs.append(fresh)
            state = ScanState(dict(manifest), tuple(packs), result_key, result)
            _atomic_write(self._state_path(), _checksummed(_STATE_MAGIC, pickle.dumps(state_tuple(state), protocol=5)))
            self._delete_orphans(state.packs)
        except OSError:
            return

    def merge_small(self, packs: Sequence[str], needed: Collection[str]) -> tuple[str, ...]:
        """``packs`` with all but the largest merged into one, as ``save`` does when they are many, for a scan that
        read none of them (each such scan adds one): their intact entries that ``needed`` names are kept. Best
        effort: ``packs`` as they are when the merged pack cannot be written."""
        if len(packs) < 2:
            return tuple(packs)
        try:
            return tuple(self._small_merged(packs, needed, None))
        except OSError:
            return tuple(packs)

    def _small_merged(self, packs: Sequence[str], needed: Collection[str], stored: Collection[str] | None) -> list[str]:
        """The largest of ``packs`` (the cold scan's: 170 MB at 4M lines, shared by the tree's scopes) kept as it is,
        the others merged by ``_compacted``."""
        largest = max(packs, key=lambda name: _size(self.directory / name))
        return [largest, *self._compacted([p for p in packs if p != largest], needed, stored)]

    def _compacted(self, packs: Sequence[str], needed: Collection[str], stored: Collection[str] | None) -> list[str]:
        """The live, intact entries of ``packs`` copied into one new pack (read again: the scan let go of them);
        ``stored``: the entries the scan found intact, None when it read none (each is checked here anyway)."""
        merged = PackWriter(self.directory)
        for key, blob in self.load_blobs(packs).items():
            if key in needed and (stored is None or key in stored) and open_blob(blob) is not None:
                merged.add_blob(key, blob)
        return [name for name in (merged.close(),) if name]

    def load_output(self, result_key: str, name: str) -> bytes | None:
        """A rendered output of the result saved under ``result_key`` (see ``save_output``), if intact: its UTF-8
        bytes, as they are written out (decoding 22 MB of JSON to encode it again cost 0.11 s of a 0.9 s scan)."""
        return _read_checksummed(self._output_path(result_key, name), _OUTPUT_MAGIC)

    def save_output(self, result_key: str, name: str, text: str) -> None:
        """Keep a rendered output next to the result it renders; outputs of other results of this tree and scope
        are deleted (best effort)."""
        try:
            prefix = f"out-{self.scope}-{self.tree}-"
            for old in self.directory.glob(prefix + "*.txt"):
                if not old.name.startswith(f"{prefix}{result_key[:16]}-"):
                    old.unlink(missing_ok=True)
            body = text.encode("utf-8")
            _atomic_write(self._output_path(result_key, name), _checksummed(_OUTPUT_MAGIC, body))
        except OSError:
            return

    def load_kept(self, name: str) -> bytes | None:
        """What a step that completes results kept for the next scan of this tree and scope (see ``save_kept``)."""
        return _read_checksummed(self._kept_path(name), _KEPT_MAGIC)

    def save_kept(self, name: str, body: bytes) -> None:
        """Keep ``body`` for the next scan of this tree and scope, under ``name`` (best effort, atomic)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)  # the first scan keeps its walk before anything else
            _atomic_write(self._kept_path(name), _checksummed(_KEPT_MAGIC, body))
        except OSError:
            return

    def _kept_path(self, name: str) -> Path:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return self.directory / f"kept-{self.kept}-{self.tree}-{digest}.bin"

    def _output_path(self, result_key: str, name: str) -> Path:
        digest = hashlib.sha256(f"{result_key}|{name}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return self.directory / f"out-{self.scope}-{self.tree}-{result_key[:16]}-{digest}.txt"

    def _delete_orphans(self, own: Collection[str]) -> None:
        """Drop the oldest states past ``_MAX_STATES`` (scans of temporary checkouts, as ``history`` makes, never
        come back) with their reports, then the packs no state names and the kept entries of trees no state is of.
        ``own``: the packs the state just written names. The other states are read (each its whole manifest: 25 ms
        at 4M lines per scope and tree remembered, which every save paid) only when a pack outside ``own`` is old
        enough to go, once per ``_ORPHAN_AGE`` at most."""
        states = sorted(self.directory.glob("state-*.bin"), key=_mtime, reverse=True)
        for old in states[_MAX_STATES:]:
            old.unlink(missing_ok=True)
            for output in self.directory.glob(f"out-{old.stem.removeprefix('state-')}-*.txt"):
                output.unlink(missing_ok=True)
        cutoff = time.time() - _ORPHAN_AGE
        trees = {tuple(path.stem.split("-")[2:3]) for path in states[:_MAX_STATES]}  # state-SCOPE-TREE
        for kept in self.directory.glob("kept-*.bin"):  # shared by the scopes of a tree: kept while one is
            if tuple(kept.stem.split("-")[2:3]) not in trees and _mtime(kept) < cutoff:  # a first scan: walk first
                kept.unlink(missing_ok=True)
        candidates = []
        for pack in self.directory.glob("pack-*.bin"):
            try:
                if pack.name not in own and pack.stat().st_mtime < cutoff:
                    candidates.append(pack)
            except OSError:
                continue
        swept = self.directory / "packs-swept"  # touched at each sweep that read the states
        if not candidates or _mtime(swept) >= cutoff:  # none, or swept less than ``_ORPHAN_AGE`` ago: an orphan
            return  # waits one more period at most (a cache shared by CI's JSON scans and the hook's text scans
            # always has old packs that one scope's state names and the other's does not)
        named: set[str] = set()
        for path in states[:_MAX_STATES]:
            state = _read_state(path)
            if state is not None:
                named.update(state.packs)
        for pack in candidates:
            try:
                if pack.name not in named:
                    pack.unlink()
            except OSError:
                continue
        swept.touch()


def state_tuple(state: ScanState) -> tuple[object, ...]:
    """The state as plain data (what is pickled: no class of this module, so a renamed class reads as a miss)."""
    return state.manifest, state.packs, state.result_key, state.result


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _checksummed(magic: bytes, body: bytes) -> tuple[bytes, ...]:
    """The parts of a file written as magic + CRC-32 + body, written one after the other: joined, they were two
    more copies of the body (a saved JSON report of 4 million lines is 22 MB) at the scan's peak of memory. A CRC
    finds a torn or damaged file as a digest does (the payloads in the packs carry one too); SHA-256 of the 40 MB
    a hook reads and writes after an interface edit at 4M lines was 0.05 CPU-s, CRC-32 a third of it."""
    return magic, _CRC.pack(zlib.crc32(body)), body


def _read_checksummed(path: Path, magic: bytes) -> bytes | None:
    """The body of a file written as magic + CRC-32 + body, or None when unreadable or not matching (the body is
    read on its own, not sliced out of a copy of the whole file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(magic) + _CRC.size)
            if not head.startswith(magic) or len(head) < len(magic) + _CRC.size:
                return None
            body = handle.read()
    except OSError:
        return None
    return body if _CRC.pack(zlib.crc32(body)) == head[len(magic) :] else None


def _read_state(path: Path) -> ScanState | None:
    body = _read_checksummed(path, _STATE_MAGIC)
    if body is None:
        return None
    try:
        manifest, packs, result_key, result = pickle.loads(body)
    except Exception:  # noqa: BLE001 - the checksum matched, but a state from another version may not unpickle
        return None
    if not isinstance(manifest, dict) or not isinstance(packs, tuple) or not isinstance(result, bytes):
        return None
    return ScanState(manifest, packs, str(result_key), result)


def _atomic_write(target: Path, parts: Iterable[bytes]) -> None:
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
