"""What every file's payload head says, and the module names chosen for the files, kept so that a scan after an edit
reads the heads of the changed files alone and chooses no name again (``project.load_lazy``).

A scan on the edit path needs, of every file, its line count, suppression comments, parse failure and imported
names (``payload.PayloadHead``), and every module's name. Reading them from the packs meant unpickling 22,584 heads
at 4M lines, then choosing every module's name again. A head is a function of the file's bytes alone (for one
version of the tool's code, which ``TreeCache.load_kept`` checks), so the kept rows (``NAME``, kept by a full scan)
are keyed by content hash: a row is right for any file of that content, whichever scan wrote the entry and whatever
happened in between; a file whose content hash has no row (edited since the entry was kept) has its head read from
the packs. Module names are a function of the files' paths, name candidates and package flags, and of the set of
top-level names the files import (``discovery.assign_module_names``): the kept names (``NAMES``) serve only when
both are equal, checked every time: the files by the digest of their paths, name candidates and flags in order
(``walkcache.Walk.digest``, made with the walk), the imported names by their set. They are kept by a full scan and
again by a scan that had to choose them (a file added or removed on the edit path: choosing 22,590 names took
0.1 CPU-s of every hook after it until the next full scan). A damaged or unreadable entry is a miss: the heads are
read from the packs, the names chosen, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_audit.analysis.walkcache import Walk
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.suppressions import SuppressionComment

NAME = "file heads"  # what the entries are kept under (``TreeCache.save_kept``): shared by the scopes of a tree
NAMES = "module names"
HeadRow = tuple[ParseFailure | None, int, tuple[SuppressionComment, ...], tuple[str, ...]]  # failure, lines,
# suppressions, imported: a ``PayloadHead`` less its line digest (4 bytes a line, which no lazy load reads)


@dataclass(frozen=True, slots=True)
class KeptHeads:
    """The heads of the files of a full scan, by content hash."""

    rows: Mapping[str, HeadRow]  # content hash -> head

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
        return {"rows": rows}


@dataclass(frozen=True, slots=True)
class KeptNames:
    """The module names chosen for the files of a walk, with their inputs."""

    walk: str  # the digest of the files the names were chosen for (``Walk.digest``; "": none, never equal)
    imported: frozenset[str]  # the top-level names they import (``assign_module_names``' second argument)
    names: Sequence[str]  # the module name of each of the walk's files, in its order

    def names_for(self, found: Walk, imported: frozenset[str]) -> dict[str, str] | None:
        """The kept module names (repo-relative path -> name) when ``found`` holds the files they were chosen for and
        its files import the names ``imported``; else None (the caller chooses them again)."""
        if not self.walk or found.digest != self.walk or len(found.files) != len(self.names):
            return None
        if imported != self.imported:
            return None
        return dict(zip([f.relpath for f in found.files], self.names))

    def body(self) -> dict[str, object]:
        """What is kept (``read_names`` reads it back)."""
        return {"walk": self.walk, "imported": self.imported, "names": list(self.names)}


def read(kept: Mapping[str, object]) -> KeptHeads | None:
    """The rows a full scan kept (``KeptHeads.body``), None when they are missing or not of this shape."""
    rows = kept.get("rows")
    return KeptHeads(rows) if isinstance(rows, dict) else None


def read_names(kept: Mapping[str, object]) -> KeptNames | None:
    """The names a scan kept (``KeptNames.body``), None when they are missing or not of this shape."""
    walk, imported, names = (kept.get(k) for k in ("walk", "imported", "names"))
    if not (isinstance(walk, str) and isinstance(imported, frozenset) and isinstance(names, list)):
        return None
    return KeptNames(walk, imported, names)
