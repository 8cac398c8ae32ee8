"""One scan's view of the cache: which files changed since the last scan, and whether its whole result still holds.

A scan stats every discovered file; a file whose size, mtime and inode match the manifest keeps its recorded
content hash, any other file is read and hashed. When every hash is known, the key of the whole result is the
digest of the tool's code, the configuration scope and, per file, its path, module-name candidates and content
hash: equal keys mean equal inputs, so the saved result is the result (the nothing-changed path). Otherwise the
per-file payloads of unchanged files come from the packs and only new content is parsed.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from ssot_audit.analysis import cache, state, walkcache
from ssot_audit.analysis.discovery import SourceFile, Witness
from ssot_audit.analysis.listing import supplies
from ssot_audit.analysis.loader import PayloadCache
from ssot_audit.analysis.reading import SkippedFile, read_scanned

_RACY_NS = 2_000_000_000  # files modified this close to a scan are hashed again by the next one
_WALK = "directory walk"  # the name the last walk is kept under (``StateStore.save_kept``)
_ASKED = "listings asked"  # what the scans of the tree asked of the listings (``TreeCache.note_asked``)


@dataclass(slots=True)
class TreeCache:
    """The cache as one scan of one tree uses it."""

    store: state.StateStore
    previous: state.ScanState
    files: Sequence[SourceFile]
    stamps: dict[str, state.Stamp | None]
    payloads: PayloadCache
    key: str  # of the whole result; "" when some file's content is unknown before analysis
    rehashed: int  # files whose stat did not match the manifest (read and hashed again)
    started: int  # time.time_ns() before the first stat
    # The digest of the files' paths, name candidates and flags, of what the answers read of the directory listings
    # (``_listings_digest``: stubs, extensions, data beside a module can supply names, SSOT203) and of what was
    # unreadable: the result's inputs besides content
    listed: str
    walk: walkcache.Walk  # what discovery found (or the last scan's walk, when nothing it looked at changed)
    packs: tuple[str, ...] = ()  # the packs read: the previous state's, and others that held missing content
    new_pack: state.PackWriter | None = None  # where this scan's new payloads are written as they come
    before: dict[str, str] = field(default_factory=dict)  # relpath -> content hash at the last scan, of the files
    # whose content changed since (not of files added since)
    added: tuple[str, ...] = ()  # the files the last scan's manifest does not have (relpaths, in the walk's order)
    # relpath -> the file as the walk before found it, and its content hash at the last scan: of the files of its
    # manifest the walk no longer finds, those the walk was patched for (``walkcache.Walk.gone``)
    removed: dict[str, tuple[SourceFile, str]] = field(default_factory=dict)
    _key: tuple[int, str] | None = None  # ``result_key`` and the ``payloads.changes`` it was computed at
    # (directory, stem): whether anything of the stem is in the directory, asked by the scans of this tree (their
    # ``ProjectIndex.asked``, kept): each answer is part of ``listed`` (``_listings_digest``)
    asked: frozenset[tuple[str, str]] = frozenset()
    _before_walk: walkcache.Walk | None = None  # ``walk_before``, once made

    def walk_before(self) -> walkcache.Walk:
        """The walk of the tree before the files ``added`` were written and those ``removed`` went (``_without``;
        the walk itself when none did), its digest computed."""
        if not (self.added or self.removed):
            return self.walk
        if self._before_walk is None:
            self._before_walk = _without(self.walk, self.added, [f for f, _ in self.removed.values()])[1]
        return self._before_walk

    def saved_result(self) -> bytes | None:
        """The previous scan's result blob when it was computed from exactly these inputs."""
        if self.key and self.previous.result_key == self.key and self.previous.result:
            return self.previous.result
        return None

    def forget_saved_result(self) -> None:
        """Let go of the previous scan's result (12 MB at 4 million lines), which a scan that computes a new one
        never reads: it would be held through the whole scan, at its peak of memory, for nothing."""
        self.previous.result_key, self.previous.result = "", b""

    def result_key(self) -> str:
        """The key the result is (or will be) saved under; "" when it cannot be saved."""
        changes = self.payloads.changes  # a digest over every file (0.04 s at 4M lines): asked 6 times a scan
        if self._key is None or self._key[0] != changes:
            self._key = (changes, _result_key(self.store.scope + self.listed, self.files, self.payloads.hashes))
        return self._key[1]

    def note_asked(self, asked: Collection[tuple[str, str]]) -> None:
        """Add what this scan asked of the listings (``ProjectIndex.asked``) to what the earlier scans asked, kept
        before anything of this scan is saved: the key it saves under then holds those answers too (``listed``), and
        a later scan finds what it saves only when each answer is the same. Data that comes beside a package, of a name
        a module imports from it (``notes.txt``, ``from pkg import notes``: something may supply the name), changes the
        key; data of a name no judgement looked for does not. A scan that reused a result or the state of earlier ones
        reused their answers too: the asked pairs are never dropped."""
        more = set(asked).difference(self.asked)
        if not more:
            return
        self.asked = self.asked.union(more)
        self.save_kept(_ASKED, {"asked": self.asked})
        self.listed = _listed(self.walk, self.asked)
        self._key = None

    def saved_before_changes(self) -> bytes | None:
        """The previous scan's result blob when it was computed from these inputs but for the content of the files
        in ``before`` and the files ``added`` and ``removed`` (same other files, paths, configuration, rules and
        tool; only those files' bytes differ, the added ones were not there and the removed ones were: the walk
        without the first and with the others, and the listings so, give the last scan's key)."""
        if not (self.before or self.added or self.removed) or not self.previous.result \
                or not self.previous.result_key:  # fmt: skip
            return None
        hashes = {**self.payloads.hashes, **self.before, **{path: key for path, (_, key) in self.removed.items()}}
        files, listed = self.files, self.listed
        if self.added or self.removed:
            walk = self.walk_before()
            files, listed = walk.files, _listed(walk, self.asked)
        if _result_key(self.store.scope + listed, files, hashes) != self.previous.result_key:
            return None
        return self.previous.result

    def merge_small_packs(self) -> None:
        """Before the save of a scan that read no pack: when the save would leave more than ``state.MAX_PACKS``
        packs (each such scan adds one), the small ones are merged (the largest, the cold scan's, kept as it is),
        as a save that read them would."""
        if len(self.packs) + 1 > state.MAX_PACKS:
            self.packs = self.store.merge_small(self.packs, set(self.payloads.hashes.values()))

    def load_payloads(self) -> None:
        """Read the packs (only needed when something changed). Content the state's own packs lack is looked for
        in the other packs of the directory: caches of several CI jobs (shards) merged into one directory serve
        each other's files."""
        blobs = self.store.load_blobs(self.packs)
        missing = set(self.payloads.hashes.values()).difference(blobs)
        if missing:
            # After an edit the new content is in no pack, so every other pack is looked at: by its record headers
            # first, and read only when it holds missing content. Reading each whole (another configuration's
            # packs, of 170 MB at 4M lines) and keeping it among this state's packs made the save compact them.
            for pack in self.store.other_packs(self.packs):
                if missing.isdisjoint(self.store.pack_keys(pack)):
                    continue
                for key, blob in self.store.load_blobs([pack]).items():
                    blobs.setdefault(key, blob)  # the state's own packs first: an entry there may have replaced a bad one
                self.packs = (*self.packs, pack)
                missing.difference_update(blobs)
                if not missing:
                    break
        self.payloads.take(blobs)

    def save(self, result: bytes | None) -> None:
        """Record this scan: the manifest, the payloads, and ``result`` (None keeps the previous one, still under
        its own key, so it can serve only inputs it was computed for)."""
        manifest: dict[str, tuple[state.Stamp, str]] = {}
        for f in self.files:
            stamp, key = self.stamps.get(f.relpath), self.payloads.hashes.get(f.relpath)
            if stamp is not None and key is not None:
                manifest[f.relpath] = (_trusted(stamp, self.started), key)
        key = self.result_key() if result is not None else ""
        self.store.save(manifest, old_packs=self.packs, stored=self.payloads.stored, new_pack=self.new_pack,
                        result_key=key if result is not None else self.previous.result_key,
                        result=result if result is not None else self.previous.result)  # fmt: skip


    def load_kept(self, name: str) -> dict[str, object]:
        """What ``save_kept`` kept under ``name`` at the last scan of this tree, when the tool's code is the same;
        else (or when it does not load) an empty dict."""
        return _load_kept(self.store, name)

    def save_kept(self, name: str, kept: dict[str, object]) -> None:
        """Keep ``kept`` for the next scan of this tree (valid only for this version of the tool's code)."""
        self.store.save_kept(name, pickle.dumps((cache.program_digest(), kept), protocol=5))


def _load_kept(store: state.StateStore, name: str) -> dict[str, object]:
    """``TreeCache.load_kept``."""
    body = store.load_kept(name)
    try:
        digest, kept = pickle.loads(body) if body is not None else (b"", None)
    except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss, whatever unpickling raises
        return {}
    return kept if digest == cache.program_digest() and isinstance(kept, dict) else {}


Patch = Callable[[walkcache.Recalled], walkcache.Walk | None]  # ``open_tree_cache``'s ``patch``


def open_tree_cache(directory: Path, root: Path, scope: str, walk: Callable[[Witness], walkcache.Walk],
                    walk_key: str, kept_scope: str | None = None, patch: Patch | None = None) -> TreeCache:  # fmt: skip
    """Walk the tree (or recall the last walk, see ``walkcache``) and compare it with the last scan's manifest.
    ``scope`` digests what else the result depends on (configuration, selected rules); ``walk`` discovers the
    files (recording what it depends on in the witness it is given), ``walk_key`` names what steers it.
    ``kept_scope`` (default ``scope``) names the entries kept between scans (``load_kept``), the walk among them:
    each checks what it was computed from when read, so scans of the tree whose results differ only in how they
    are completed (a JSON scan's fixes) share them. ``patch`` makes the walk from a kept one some of whose
    directories' entries changed (``walkcache.patched``; it records what it looks at in the recalled witness), or
    gives None: the tree is walked."""
    boundary = str(root.resolve())
    store = state.StateStore(directory, analyser=cache.analyser_digest().hex(),
                             scope=hashlib.sha256(scope.encode()).hexdigest(),
                             tree=hashlib.sha256(boundary.encode("utf-8", "surrogateescape")).hexdigest(),
                             kept=hashlib.sha256((scope if kept_scope is None else kept_scope).encode()).hexdigest())  # fmt: skip
    recalled = walkcache.recall(store.load_kept(_WALK), boundary, walk_key)
    found = recalled.walk if recalled is not None and not recalled.changed else None
    if found is not None and recalled is not None and recalled.restamped is not None:  # the next scan lists fewer
        store.save_kept(_WALK, recalled.restamped)
    if found is None:
        walked = time.time_ns()
        witness = recalled.witness if recalled is not None else Witness()
        found = patch(recalled) if recalled is not None and patch is not None else None
        if found is None:
            witness = Witness()
            found = walk(witness)
        found = replace(found, digest=walkcache.files_digest(found.files))
        body = walkcache.record(found, witness, boundary, walk_key, walked)
        if body is not None:
            store.save_kept(_WALK, body)
    files = found.files
    started = time.time_ns()
    previous = store.load_state()
    stamps = {f.relpath: state.stamp_of(f.path) for f in files}
    hashes: dict[str, str] = {}
    before: dict[str, str] = {}
    added: list[str] = []
    rehashed = 0
    for f in files:
        known = previous.known_hash(f.relpath, stamps[f.relpath])
        if known is None and previous.manifest:  # no manifest at all: a cold scan, the workers hash as they read
            known = _hash_file(f.path, boundary)
            rehashed += 1
            last = previous.manifest.get(f.relpath)
            if last is None:
                added.append(f.relpath)
            elif known is not None and last[1] != known:
                before[f.relpath] = last[1]
        if known is not None:
            hashes[f.relpath] = known
    removed = {f.relpath: (f, previous.manifest[f.relpath][1]) for f in found.gone
               if f.relpath in previous.manifest and f.relpath not in stamps}  # fmt: skip
    previous.manifest = {}  # every hash it can give is in ``hashes`` now (8 MB at 4 million lines, held for nothing)
    asked = _asked(_load_kept(store, _ASKED).get("asked"))
    listed = _listed(found, asked)
    key = _result_key(store.scope + listed, files, hashes)
    new_pack = store.open_pack()
    payloads = PayloadCache(hashes, sink=_deduplicated(new_pack))
    return TreeCache(store, previous, files, stamps, payloads, key, rehashed, started, listed, found,
                     previous.packs, new_pack, before, tuple(added), removed, asked=asked)  # fmt: skip


def _without(found: walkcache.Walk, added: Collection[str],
             removed: Collection[SourceFile] = ()) -> tuple[list[SourceFile], walkcache.Walk]:  # fmt: skip
    """The files of ``found`` but ``added`` and with ``removed``, and ``found`` as a walk of the tree before the
    first were written and the others removed: without the first, nor their names in their directories' listings,
    nor the listing of a directory that holds no other file (the walk lists the directories holding a scanned file,
    ``discovery.list_directories``), and with the others where a walk meets them and their names listed. (What else
    of their stems the listing had is not known: a scan that asked it sees another key.)"""
    gone = set(added)
    files = [f for f in found.files if f.relpath not in gone]
    walkcache.put_in_walk_order(files, removed)
    holding = {f.relpath.rpartition("/")[0] for f in files}
    listings = dict(found.listings)
    for relpath in gone:
        directory, _, name = relpath.rpartition("/")
        if directory not in holding:
            listings.pop(directory, None)
        elif directory in listings:
            listings[directory] = listings[directory] - {name}
    for f in removed:
        directory, _, name = f.relpath.rpartition("/")
        listings[directory] = listings.get(directory, frozenset()) | {name}
    return files, replace(found, files=files, listings=listings, digest=walkcache.files_digest(files))


def _asked(kept: object) -> frozenset[tuple[str, str]]:
    """The pairs ``note_asked`` kept; none when the entry is not such a set (damaged: the key it gives then matches
    no saved result's, and the scan is a whole one)."""
    if isinstance(kept, frozenset) and all(type(pair) is tuple and len(pair) == 2
                                           and all(type(part) is str for part in pair) for pair in kept):  # fmt: skip
        return cast(frozenset[tuple[str, str]], kept)
    return frozenset()


def _listed(found: walkcache.Walk, asked: frozenset[tuple[str, str]]) -> str:
    """``TreeCache.listed``: the files' digest, what the answers read of the listings, what could not be looked at
    (part of the result, and so of its key)."""
    return ((found.digest or walkcache.files_digest(found.files)) + _listings_digest(found.listings, asked)
            + hashlib.sha256(repr(sorted(found.unreadable)).encode()).hexdigest())  # fmt: skip


def _deduplicated(pack: state.PackWriter) -> Callable[[str, bytes], None]:
    """``pack.add`` that writes each content once (copies of one file share an entry)."""
    written: set[str] = set()

    def add(key: str, payload: bytes) -> None:
        if key not in written:
            written.add(key)
            pack.add(key, payload)

    return add


def _trusted(stamp: state.Stamp, started: int) -> state.Stamp:
    """The stamp to record: one modified within ``_RACY_NS`` of the scan is recorded as never matching (git's
    "racy" files): a same-size rewrite within the file system's timestamp granularity would keep its mtime."""
    size, mtime, inode = stamp
    return (size, -1, inode) if mtime >= started - _RACY_NS else stamp


def _hash_file(path: str, boundary: str) -> str | None:
    """The content hash of a file that changed since the manifest; None when it must not or cannot be read (the
    analysis then reports why, see ``loader``)."""
    try:
        return state.content_hash(read_scanned(path, boundary))
    except (OSError, SkippedFile):
        return None


def _listings_digest(listings: dict[str, frozenset[str]], asked: Collection[tuple[str, str]]) -> str:
    """A digest of what the answers of a scan read of the listings beside the scanned files (``namespace``, for
    SSOT203): the ``.py`` files, stubs, extensions and their sources (``listing.supplies``: whether one beside a
    module may supply its names, or replace it), and, of each stem ``asked``, whether anything of it is there (data,
    an excluded or unparsable file, a directory may supply a name imported from a package). Nothing else the
    listings hold is read: it may come and go and keep the key."""
    lines = [f"{d}\0{chr(0).join(sorted(filter(supplies, listings[d])))}" for d in sorted(listings)]
    stems: dict[str, set[str]] = {}
    for directory, stem in sorted(asked):
        if directory not in stems:
            stems[directory] = {name.partition(".")[0] for name in listings.get(directory, ())}
        lines.append(f"\1{directory}\0{stem}\0{int(stem in stems[directory])}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _result_key(scope: str, files: Sequence[SourceFile], hashes: dict[str, str]) -> str:
    """The digest of everything a whole result is computed from (``scope`` holds all but the files' content, the
    ``walkcache.files_digest`` of ``files`` among it), "" while a file's content is unknown."""
    known = [hashes.get(f.relpath) for f in files]
    if None in known:
        return ""
    digest = hashlib.sha256(cache.program_digest() + scope.encode())
    digest.update("\n".join(cast(list[str], known)).encode("ascii"))  # hex digests, one a file in the files' order
    return digest.hexdigest()
