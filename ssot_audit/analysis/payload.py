"""The bytes a file's analysis is kept as (a pack entry's payload): a small head, then the facts pickled on their own.

Layout: ``_FRAME`` (a magic naming this layout, the head's length, the head's CRC-32), the pickled head (parse
failure, line count, suppression comments, line digest, the top-level modules the file imports), then the pickled
``ModuleFacts`` (nothing when the file failed to parse). The facts are pickled once, by the worker that extracted
them; the head is read without them, so a scan that reads a few modules' facts (the calls-only scan) unpickles
only the heads of the others: their line counts, suppressions and imported names are what the whole result needs
of them. The head has its own CRC so it can be trusted without checking the whole payload; the pack's CRC of the
whole payload is checked when the facts are read (``facts_of``). A payload of any other layout (the single pickle
of earlier versions) is a miss.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_audit.analysis import state
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.suppressions import SuppressionComment

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_MAGIC = b"P2"  # this layout; the old payloads (one pickle) start with b"\x80\x05": never taken for it
_FRAME = struct.Struct("<2sII")  # magic, length of the pickled head, CRC-32 of the pickled head


@dataclass(frozen=True, slots=True)
class PayloadHead:
    """What a payload says of its file besides the facts."""

    failure: ParseFailure | None
    lines: int
    suppressions: tuple[SuppressionComment, ...]
    line_digest: bytes  # one CRC-32 a line (``linemap.line_digest``)
    imported: tuple[str, ...]  # top-level names of the modules the file imports absolutely (module names need them)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What analysing one file gave: facts, or the reason it was skipped."""

    relpath: str
    facts: ModuleFacts | None
    failure: ParseFailure | None
    lines: int
    suppressions: tuple[SuppressionComment, ...] = ()  # ``# ssot: ignore[...]`` comments, read even on parse failure
    # One CRC-32 a line (``linemap.line_digest``): what an edit scan maps the old positions of a changed file with.
    # Empty for a file that could not be read, and in what ``analyze_files`` gives unless asked (4 bytes a line: 16 MB
    # at 4 million lines the whole-program phase never reads); ``read_outcomes`` gives it.
    line_digest: bytes = b""
    imported: tuple[str, ...] = ()  # top-level names of the modules it imports absolutely (``payload.PayloadHead``)


class FactsUnavailable(Exception):
    """A payload's facts cannot be read (its checksum or its unpickling failed): the entry is a miss."""


def imported_top_names(facts: ModuleFacts | None) -> tuple[str, ...]:
    """The top-level names of the modules ``facts`` imports absolutely, sorted (what ``assign_module_names`` reads
    of every file: kept in the head so module names need no file's facts)."""
    if facts is None:
        return ()
    return tuple(sorted({i.module.split(".")[0] for i in facts.imports if i.level == 0 and i.module}))


def pack_payload(head: PayloadHead, facts: bytes) -> bytes:
    """The payload of a file: ``head`` and its facts, already pickled (``pickle_facts``; empty when none)."""
    pickled = pickle.dumps((head.failure, head.lines, head.suppressions, head.line_digest, head.imported),
                           protocol=_PROTOCOL)  # fmt: skip
    return b"".join((_FRAME.pack(_MAGIC, len(pickled), zlib.crc32(pickled)), pickled, facts))


def pickle_facts(facts: ModuleFacts | None) -> bytes:
    """The facts as a payload holds them."""
    return pickle.dumps(facts, protocol=_PROTOCOL) if facts is not None else b""


def read_head(payload: bytes | memoryview) -> tuple[PayloadHead, memoryview] | None:
    """The head of a payload, checked by its own CRC, and its facts' bytes (a slice: no copy; empty when the file
    failed to parse); None when the payload is of another layout, damaged in its head, or not of a payload's shape
    (a file that parsed has facts, one that failed has none)."""
    view = memoryview(payload)
    if len(view) < _FRAME.size:
        return None
    magic, size, crc = _FRAME.unpack_from(view)
    start = _FRAME.size + size
    if magic != _MAGIC or start > len(view) or zlib.crc32(view[_FRAME.size : start]) != crc:
        return None
    try:
        loaded = pickle.loads(view[_FRAME.size : start])
    except Exception:  # noqa: BLE001 - a head that passed its CRC yet does not unpickle (another version): a miss
        return None
    if not _is_head(loaded):
        return None
    head = PayloadHead(*loaded)
    facts = view[start:]
    return (head, facts) if (head.failure is None) == (len(facts) > 0) else None


def _is_head(loaded: object) -> bool:
    if not isinstance(loaded, tuple) or len(loaded) != 5:
        return False
    failure, lines, suppressions, digest, imported = loaded
    return (isinstance(failure, ParseFailure | None) and type(lines) is int and isinstance(suppressions, tuple)
            and type(digest) is bytes and len(digest) % 4 == 0 and isinstance(imported, tuple))  # fmt: skip


def facts_of(facts: memoryview) -> ModuleFacts:
    """The facts a payload holds (``read_head``'s second answer); raises ``FactsUnavailable`` when they do not
    unpickle into ``ModuleFacts``."""
    try:
        loaded = pickle.loads(facts)
    except Exception as exc:  # noqa: BLE001 - a flipped byte can make unpickling raise almost anything
        raise FactsUnavailable(f"facts do not unpickle: {exc!r}") from None
    if not isinstance(loaded, ModuleFacts):
        raise FactsUnavailable(f"facts of another shape: {type(loaded).__name__}")
    return loaded


def checked_facts(crc: int, payload: memoryview, facts: memoryview) -> ModuleFacts:
    """``facts_of``, after checking the whole payload against its pack entry's CRC-32 (``crc``): what a lazily
    loaded module checks on first access (the head was checked on its own when it was read)."""
    if zlib.crc32(payload) != crc:
        raise FactsUnavailable("the payload's checksum does not match")
    return facts_of(facts)


def outcome_of_blob(relpath: str, payload: bytes | memoryview, *, with_digest: bool = True) -> FileOutcome | None:
    """The outcome, line digest included unless ``with_digest`` is false, held by a pack entry's payload (checked
    by its CRC already, as ``state.StateStore.find_blobs`` does); None when it is not a payload of this version's
    layout or its facts do not load."""
    read = read_head(payload)
    if read is None:
        return None
    head, pickled = read
    try:
        facts = facts_of(pickled) if head.failure is None else None
    except FactsUnavailable:
        return None
    return FileOutcome(relpath, facts, head.failure, head.lines, head.suppressions,
                       head.line_digest if with_digest else b"", head.imported)  # fmt: skip


def read_outcomes(store: state.StateStore, packs: Sequence[str], hashes: Mapping[str, str]) -> dict[str, FileOutcome]:
    """The outcomes (line digests included) of the files ``hashes`` names (repo-relative path -> content hash), read
    from the entries of those hashes in ``packs`` alone (the packs are not read whole: see ``StateStore.find_blobs``).
    A file whose entry is missing, damaged or of another shape is left out."""
    blobs = store.find_blobs(packs, set(hashes.values()))
    found = {}
    for relpath, key in hashes.items():
        payload = blobs.get(key)
        outcome = outcome_of_blob(relpath, payload) if payload is not None else None
        if outcome is not None:
            found[relpath] = outcome
    return found
