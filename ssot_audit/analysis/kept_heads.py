"""What every file's payload head says, kept by a full scan so that the calls-only scan after it reads the heads of
the changed files alone (``project.load_lazy``).

A calls-only scan needs, of every file, its line count, suppression comments, parse failure and imported names
(``payload.PayloadHead``), and every module's name. Reading them from the packs meant unpickling 22,584 heads at 4M
lines, then choosing every module's name again. A head is a function of the file's bytes alone (for one version of
the tool's code, which ``TreeCache.load_kept`` checks), so the kept rows are keyed by content hash: a row is right
for any file of that content, whichever scan wrote the entry and whatever happened in between; a file whose content
hash has no row (edited since the entry was kept) has its head read from the packs. Module names are a function of
the files' paths, name candidates and package flags, and of the set of top-level names the files import
(``discovery.assign_module_names``): the kept names serve only when both are equal, checked every time: the files
by the digest of their paths, name candidates and flags in order (``walkcache.Walk.digest``, made with the walk),
the imported names by their set (a calls-only edit changes no import, ``unseen.calls_only_change``, but nothing
here relies on it). A damaged or
unreadable entry is a miss: the heads are read from the packs, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ssot_audit.analysis.walkcache import Walk
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.suppressions import SuppressionComment

NAME = "file heads"  # what the entry is kept under (``TreeCache.save_kept``): shared by the scopes of a tree
HeadRow = tuple[ParseFailure | None, int, tuple[SuppressionComment, ...], tuple[str, ...]]  # failure, lines,
# suppressions, imported: a ``PayloadHead`` less its line digest (4 bytes a line, which no lazy load reads)


@dataclass(frozen=True, slots=True)
class KeptHeads:
    """The heads of the files of a full scan, by content hash, and the module names it chose with their inputs."""

    rows: Mapping[str, HeadRow]  # content hash -> head
    walk: str  # the digest of the files the names were chosen for (``Walk.digest``; "": none, never equal)
    imported: frozenset[str]  # the top-level names they import (``assign_module_names``' second argument)
    names: Sequence[str]  # the module name of each of the walk's files, in its order

    def names_for(self, found: Walk, imported: Iterable[tuple[str, ...]]) -> dict[str, str] | None:
        """The kept module names (repo-relative path -> name) when ``found`` holds the files they were chosen for and
        its files import the same names (one tuple a file); else None (the caller chooses them again)."""
        if not self.walk or found.digest != self.walk or len(found.files) != len(self.names):
            return None
        if frozenset().union(*imported) != self.imported:
            return None
        return dict(zip([f.relpath for f in found.files], self.names))

    def body(self) -> dict[str, object]:
        """What is kept (``read`` reads it back). Equal tuples of imported names are kept as one object, their names
        interned: pickled once each, so the entry unpickles faster (most files of a tree import the same few)."""
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        rows = {}
        for key, (failure, lines, suppressions, imported) in self.rows.items():
            one = shared.get(imported)
            if one is None:
                one = shared[imported] = tuple(sys.intern(name) for name in imported)
            rows[key] = (failure, lines, suppressions, one)
        return {"rows": rows, "walk": self.walk, "imported": self.imported, "names": list(self.names)}


def read(kept: Mapping[str, object]) -> KeptHeads | None:
    """The entry a full scan kept (``KeptHeads.body``), None when it is missing or not of this shape."""
    rows, walk, imported, names = (kept.get(k) for k in ("rows", "walk", "imported", "names"))
    if not (isinstance(rows, dict) and isinstance(walk, str) and isinstance(imported, frozenset)
            and isinstance(names, list)):  # fmt: skip
        return None
    return KeptHeads(rows, walk, imported, names)

