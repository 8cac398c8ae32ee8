"""What a scan reads of a directory's listing, taken from one listing (``Listed``): the names the rules ask about
(whether a stub, an extension, data or a ``.py`` file of a stem is beside a module), whether it holds an
``__init__.py``, and a digest of both the kept walk compares a directory by (``walkcache``); and file names as text
that can be written anywhere (``printable``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ssot_audit.model.escape import visible


def is_listed(name: str) -> bool:
    """Whether a directory entry's name can change an answer of the scan (``discovery.list_directories``): not a dot
    name (an editor's swap or lock file, ``.DS_Store``, a tool's cache: what comes before the first dot, which the
    rules look names up by, is empty), not an emacs auto-save file (``#models.py#``: what comes before the first dot is
    no identifier, nor the name of a ``.py`` file), not ``__pycache__`` (bytecode, never a module of the project)
    and not an editor's backup (``models.py~``: no import system loads one). Each such name that came or went made
    the next scan a whole one (the listings are part of the result's key)."""
    return not name.startswith((".", "#")) and name != "__pycache__" and not name.endswith("~")


# What follows a module's stem in the name of a file that may be imported instead of the module's source, or supply
# its names: a stub, a compiled extension, an extension's source (``namespace`` asks a listing for one)
_IMPLEMENTATION_SUFFIXES = frozenset({"pyi", "pyx", "pxd", "so", "pyd", "c", "cpp"})


def is_implementation(suffix: str) -> bool:
    """What follows a module's stem in a stub, compiled extension or extension source (``pyi``, ``abi3.so``);
    ``egg-info`` and the like are not."""
    return suffix in _IMPLEMENTATION_SUFFIXES or suffix.endswith((".so", ".pyd"))


def supplies(name: str) -> bool:
    """A directory entry that may be imported as a module of its stem or supply its names: a ``.py`` file, a stub,
    an extension or its source (``__init__.py`` among them)."""
    suffix = name.partition(".")[2]
    return suffix == "py" or is_implementation(suffix)


def answering(names: Iterable[str]) -> frozenset[str]:
    """Of a directory's listed names, those that answer what the rules ask the listing (``namespace``: by a name's
    stem, what precedes its first dot): whether a stub, an extension or its source, or a ``.py`` file of a stem is
    there (each such name kept), and whether anything of a stem that is an identifier is (a submodule or data of an
    imported name: one name kept for all, the stem itself, which answers as a directory of that name does). The
    rest is the same answer again: ``models.py.orig`` beside ``models.py``, ``notes.txt`` beside ``notes/``, or
    ``release-notes.md``, whose stem no import can name. The result's key reads the listings so too
    (``treecache._listings_digest``: supplying names, and the stems a scan asked about); this keeps the listings
    held with the walk and by the index to what is read."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        by_stem.setdefault(name.partition(".")[0], []).append(name)
    kept: list[str] = []
    for stem, group in by_stem.items():
        supplying = [name for name in group if supplies(name)]
        if supplying:
            kept.extend(supplying)
        elif stem.isidentifier():
            kept.append(stem)
    return frozenset(kept)


@dataclass(frozen=True, slots=True)
class Listed:
    """One directory as the walk listed it: what a scan reads of it, all taken from that one listing."""

    names: frozenset[str]  # the names ``discovery.list_directories`` keeps (``is_listed``, ``answering``), printable
    init: str  # the kind (``_kind``) of its ``__init__.py`` entry; "" when it has none
    digest: bytes  # of the names it keeps and the ``.gitignore``, each with its kind


def _kind(entry: os.DirEntry[str]) -> str:
    """A directory entry's kind as the walk reads it: a link, a directory, a file, or another kind (its type)."""
    if entry.is_symlink():
        return "l"
    if entry.is_dir(follow_symlinks=False):
        return "d"
    return "f" if entry.is_file(follow_symlinks=False) else f"o{stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode)}"


def listed_of(entries: Sequence[os.DirEntry[str]]) -> Listed:
    """What a scan reads of one directory listing (sorted by name): the names the rules ask about, whether it holds
    an ``__init__.py``, and the digest of both with the ``.gitignore`` (``walkcache`` compares a directory whose
    stamp changed by it)."""
    parts, names, init = [], [], ""
    for entry in entries:
        name = entry.name
        if is_listed(name):
            names.append(printable(name))
        elif name != ".gitignore":
            continue
        kind = _kind(entry)
        parts.append(f"{kind}{name}")
        if name == "__init__.py":
            init = kind
    digest = hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).digest()
    return Listed(answering(names), init, digest)


def printable(name: str) -> str:
    """A file name as text that can be written anywhere: bytes that are not UTF-8 (kept by the OS as surrogate
    escapes) become ``\\xNN``, and control, bidi and line-separator characters (a newline in a file name injects
    lines into CI logs) become escapes too (see ``model.escape``). Reading still goes through the real ``Path``;
    this is for paths shown and compared (findings, fingerprints, JSON, SARIF)."""
    return visible(name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
