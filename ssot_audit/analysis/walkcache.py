"""The directory walk of the last scan, reused while no directory it looked at has changed.

Walking the tree is most of what a scan with nothing to re-analyse does (1.3 of 1.5 CPU-s at 4 million lines: a
``scandir`` per directory, then per file its excludes, module names and test status). What the walk finds depends only
on the names in the directories it lists, on the ``__init__.py`` files it looks for, on the ``.gitignore`` files it
reads, and on the configuration. Adding, removing or renaming an entry changes its directory's mtime and ctime; a
permission change changes its ctime; editing a ``.gitignore`` changes that file's stamp. So the walk is kept with the
stamp (mtime, ctime, inode, size; or "missing") of every directory it listed or looked into and of every ignore file it
read, and the next scan stats those (a few thousand ``stat`` calls) instead of walking. As in git's untracked cache, a
directory or file changed within 2 s of the walk is recorded as never matching: an entry added within the file system's
timestamp granularity might keep the mtime (but an ``__init__.py`` the walk found a file without listing its directory,
read for that alone, is compared by that: a walk patched for ``tests/unit/`` looks at ``tests/__init__.py``, and one
just written made the next scan walk the whole tree). A directory's stamp changes too when a file in it is replaced by
rename, which is how most editors, ``sed -i`` and git's checkouts (pre-commit's stash of unstaged changes) write, or
when a name no answer depends on comes or goes (an editor's swap file, ``listing.is_listed``): so with the stamp of
each directory it listed, the walk keeps the digest of that listing (``listing.Listed``), and a directory whose stamp
changed, or was recorded as never matching, is listed again and compared by that digest (the whole walk was 0.45 of the
1.1 CPU-s of the hook after such an edit at 4 million lines; and the hook after pre-commit's stash, which rewrites
files just before it, found the directories it had walked recorded as never matching, and walked again). That holds
because everything the scan reads of a directory it listed is read from that one listing: its entries and their kinds,
whether it holds an ``__init__.py`` (module names), the names the rules ask about (``discovery.list_directories``). A
directory found the same by its listing keeps the stamp it had when listed in the walk's place when that stamp is more
than 2 s old (``recall``'s ``restamped``): the scans after stat it alone (after a copy of the tree, 984 directories of
4 million lines were listed by every scan). A build directory, whose ``__init__.py`` was looked for before it was
listed, keeps its stamp alone. A walk that met a ``.py`` symbolic link is not kept (its target can change without any
stamp here changing). The ignore rules read from outside the tree (``.git/info/exclude``, the ``.gitignore`` files
above it) are read again each scan and are part of the key.

When the entries of a few directories the walk listed changed (a file added or removed: a commit's new test module),
the rest still vouches for itself: only those directories are walked again, with the directories new in them, as
the walk of the whole tree walks them (``discovery.discover`` ``within`` one), and their files take the place of the
kept ones (``recall`` names them, ``patched`` makes the walk; the walk of the whole tree was a quarter of the scan
after a test module added at 4 million lines). The tree is walked again when one of them gained or lost its
``__init__.py`` or ``.gitignore`` (the names or the rules of everything below it), or is the scanned directory
(a ``src`` layout may come or go).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ssot_audit.analysis.discovery import SourceFile, Witness, list_directories
from ssot_audit.analysis.listing import Listed, listed_of

_RACY_NS = 2_000_000_000
_A_FILE = (-2,)  # the stamp of an ``__init__.py`` found a file (``Witness.init_files``) changed within 2 s of the walk
_DIGIT = ("0", "1")  # a flag in ``files_digest``
WalkStamp = tuple[int, int, int, int] | None  # mtime_ns, ctime_ns, inode, size; None: did not exist


@dataclass(frozen=True, slots=True)
class Walk:
    """A walk's findings: the files to scan, what could not be looked at, the notes, the directory listings."""

    files: list[SourceFile]
    unreadable: list[tuple[str, str]]
    notes: list[str]
    listings: dict[str, frozenset[str]]
    # ``files_digest`` of ``files``: computed when the walk is made, kept with it (the result key and the module names
    # the calls-only scan keeps, ``kept_heads``, are keyed on it); "" when not computed (a scan without a cache)
    digest: str = ""
    # the files of the walk it was patched from that are gone (``patched``): what a scan needs to tell the key of
    # the tree before they went (``TreeCache.saved_before_changes``), the scan of each scope after the patch
    gone: tuple[SourceFile, ...] = ()


def _stamp(path: str) -> WalkStamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_size


def record(walk: Walk, witness: Witness, root: str, key: str, started: int) -> bytes | None:
    """The walk (its ``digest`` included) and the stamps that vouch for it, to keep; None when it cannot be vouched
    for. ``started`` is ``time.time_ns()`` before the walk (what changed after it, or just before,
    never matches). Paths are kept relative to ``root`` (the cache holds no absolute path). With the stamp of each
    directory the walk listed, the digest of that listing (``Witness.entries``)."""
    if not witness.keepable:
        return None
    stamps: dict[str, WalkStamp | tuple[int]] = {}
    entries: dict[str, bytes] = {}
    inits: dict[str, str] = {}  # the kind of each listed directory's ``__init__.py`` (``Witness.inits``)
    prefix = os.path.join(root, "")
    dirs: list[str] = []  # the directories it listed, as the same strings as their stamps' keys (pickled once)
    for path in (*witness.dirs, *witness.files):
        stamp = _stamp(path)
        racy = stamp is not None and max(stamp[0], stamp[1]) >= started - _RACY_NS
        rel = _relative(path, prefix, root)
        if path in witness.dirs:
            dirs.append(rel)
        stamps[rel] = stamp if not racy else _A_FILE if path in witness.init_files else (-1,)
        digest = witness.entries.get(path)
        if digest is not None:
            entries[rel] = digest
            init = witness.inits.get(path)
            if init:
                inits[rel] = init
    rows, gone = ([(_relative(f.path, prefix, root), f.relpath, f.candidates, f.is_package, f.is_test) for f in files]
                  for files in (walk.files, walk.gone))  # fmt: skip
    return pickle.dumps((key, stamps, entries, rows, walk.unreadable, walk.notes, walk.listings, walk.digest, dirs,
                         inits, gone),
                        protocol=5)  # fmt: skip


def _relative(path: str, prefix: str, root: str) -> str:
    """``path`` relative to ``root`` (``prefix``: ``root`` with a separator): sliced when inside it (``relpath`` was
    half of ``record``), ``..`` above it."""
    return path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, root)


@dataclass(frozen=True, slots=True)
class Recalled:
    """A kept walk whose stamps matched but for a few directories whose entries changed (``changed``, relpaths: a file
    added or removed there); ``witness`` what it depended on (absolute paths), ``dirs`` the directories it listed
    (relpaths). With nothing changed, the walk of the tree as it is (and an empty witness: nothing to patch)."""

    walk: Walk
    changed: list[str]
    witness: Witness
    dirs: frozenset[str]
    # of each directory it listed (absolute paths), the kind of its ``__init__.py`` ("" for none; the witness's copy
    # grows as the changed directories are walked again)
    inits: Mapping[str, str]
    # with nothing changed, the kept walk again with the stamps of the directories found the same by their listing
    # (recorded as never matching, or changed by a file replaced by rename) that vouch for it now: to keep, or None
    restamped: bytes | None = None


def recall(body: bytes | None, root: str, key: str) -> Recalled | None:
    """The kept walk of ``root`` when it was made under ``key`` and everything it read is as it was: every stamp
    matches, or, for a directory whose stamp changed, its entries the walk reads do (a file in it replaced by
    rename, as editors, ``sed -i`` and git's checkouts write, or another name added: a lock or swap file); else,
    when only the entries of up to ``MAX_CHANGED`` directories it listed changed, with those (``patched`` makes the
    walk of the tree from it); else None."""
    if body is None:
        return None
    try:
        kept_key, stamps, entries, rows, unreadable, notes, listings, digest, dirs, inits, gone = pickle.loads(body)
        prefix = os.path.join(root, "")  # kept paths are relative: joined by hand (``os.path.join`` is slow)
        if kept_key != key:
            return None
        changed: list[str] = []
        fresh: dict[str, WalkStamp] = {}
        now = time.time_ns()  # before any stamp is taken: what changed within 2 s of it is not recorded
        for path, stamp in stamps.items():
            same = _same(prefix + path, stamp, entries.get(path), fresh, path, now)
            if same is None or (not same and (path not in entries or len(changed) == MAX_CHANGED)):
                return None
            if not same:
                changed.append(path)
        restamped = None
        if fresh and not changed:  # a patch records the walk anew anyway
            stamps.update(fresh)
            restamped = pickle.dumps((kept_key, stamps, entries, rows, unreadable, notes, listings, digest, dirs, inits,
                                      gone), protocol=5)  # fmt: skip
        files, gone_files = ([SourceFile(prefix + path, relpath, tuple(candidates), bool(package), bool(test))
                              for path, relpath, candidates, package, test in kept]
                             for kept in (rows, gone))  # fmt: skip
        listed = frozenset(dirs) if changed else frozenset()  # what a patch needs: nothing when nothing changed
        kept_inits = {prefix + path: inits.get(path, "") for path in listed}
        witness = Witness({prefix + path for path in listed}, {prefix + path for path in stamps if path not in listed},
                          entries={prefix + path: digest for path, digest in entries.items()},
                          inits={path: init for path, init in kept_inits.items() if init},
                          init_files={prefix + path for path, stamp in stamps.items() if stamp == _A_FILE}) \
            if changed \
            else Witness()  # fmt: skip
    except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss, whatever unpickling raises
        return None
    return Recalled(Walk(files, list(unreadable), list(notes), dict(listings), str(digest), tuple(gone_files)),
                    changed, witness, listed, kept_inits, restamped)  # fmt: skip


MAX_CHANGED = 4  # directories whose entries changed that a kept walk is patched for (more: the tree is walked)


def patched(recalled: Recalled, found: Mapping[str, list[SourceFile]], listed: Mapping[str, Listed]) -> Walk | None:
    """The walk of the tree made from ``recalled`` and the files ``found`` now in each of its changed directories
    and in the directories new in them (``discovery.discover`` of each, ``within`` it, the directories the kept walk
    listed ``known``; ``listed`` what that listed): the files the kept walk had in a changed directory are replaced by
    those, put where a walk meets them (a directory's files before its subdirectories, each in name order), and
    the listings of the directories holding them are made again; the kept files no longer there are its ``gone``.
    None when the kept walk's own findings there would differ: an ``__init__.py`` came or went (the names of every
    module below, read from the listing: an excluded or ignored one names them too), or the kept walk could not look
    at something there; or a name is not printable as it is (its order is the raw name's)."""
    kept = recalled.walk
    changed = set(found)
    if any(rel.rpartition("/")[0] in changed for rel, _ in kept.unreadable):
        return None
    if any(recalled.inits[path] != now.init for path, now in listed.items() if path in recalled.inits):
        return None
    files = [f for f in kept.files if f.relpath.rpartition("/")[0] not in changed]
    had = {f.relpath for f in kept.files} - {f.relpath for f in files}
    new = [f for directory in sorted(changed) for f in found[directory]]
    if any("\\" in f.relpath for f in new) or any("\\" in rel for rel in had):
        return None
    put_in_walk_order(files, new)
    listings = {d: names for d, names in kept.listings.items() if d not in changed}
    listings.update(list_directories(new, listed))
    now = {f.relpath for f in new}
    return Walk(files, kept.unreadable, kept.notes, listings,
                gone=tuple(f for f in kept.files if f.relpath in had and f.relpath not in now))  # fmt: skip


def put_in_walk_order(files: list[SourceFile], more: Iterable[SourceFile]) -> None:
    """Insert each of ``more`` into ``files`` (in walk order) where a walk meets it."""
    for f in more:
        files.insert(bisect.bisect_left(files, _walk_order(f.relpath), key=lambda g: _walk_order(g.relpath)), f)


def _walk_order(relpath: str) -> tuple[tuple[int, str], ...]:
    """Where a walk meets the file ``relpath``: each directory's files first, in name order, then its
    subdirectories, each in name order (``discovery.iter_python_files``)."""
    *directories, name = relpath.split("/")
    return (*((1, d) for d in directories), (0, name))


def _same(path: str, stamp: WalkStamp | tuple[int], entries: bytes | None, fresh: dict[str, WalkStamp], rel: str,
          now: int) -> bool | None:  # fmt: skip
    """Whether what the walk read at ``path`` is as it was: its stamp, or the ``entries`` it read of the directory
    (listed again now), or that it is a file (``_A_FILE``); None when that cannot be told (it cannot be listed now).
    A directory found the same by its listing (an ``__init__.py`` found a file) puts its stamp in ``fresh`` under
    ``rel`` when that stamp can vouch for it from now on: taken before it was listed (an entry added after changes
    the stamp again), of a change more than 2 s before ``now``."""
    current = _stamp(path)
    if current == stamp:
        return True
    if stamp == _A_FILE:
        same = os.path.isfile(path)
    elif entries is None:
        return False
    else:
        try:
            same = listed_of(sorted(os.scandir(path), key=lambda e: e.name)).digest == entries
        except OSError:
            return None
    if same and current is not None and max(current[0], current[1]) < now - _RACY_NS:
        fresh[rel] = current
    return same


def files_digest(files: Sequence[SourceFile]) -> str:
    """A digest of every file's path, module-name candidates and flags, in order: what a whole result and the module
    names depend on of the walk besides the listings (a fresh walk that finds the same files has the same one)."""
    # candidates joined, not ``repr``'d, flags as digits: a third of the time
    lines = [f"{f.relpath}\0{chr(1).join(f.candidates)}\0{_DIGIT[f.is_package]}{_DIGIT[f.is_test]}\n" for f in files]
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def walk_key(program: bytes, root: str, settings: str, ignore_rules: Sequence[str]) -> str:
    """What a walk depends on besides the stamps: the tool's code, the scanned directory, the settings that steer
    the walk, and the ignore rules read from outside the tree."""
    digest = hashlib.sha256(program)
    for part in (root, settings, *ignore_rules):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()
