"""The file format of a pack: many per-file payloads, each under the content hash of its file, in one file.

A pack is a magic line, then records: a header (the raw SHA-256 content hash, the payload's CRC-32, its length)
followed by the payload (a pickle). After the last one, an index: a record under the reserved key of 32 zero bytes
whose payload lists every record (hash, CRC-32, where its payload starts, its length; the record's CRC-32 is the
list's), then the trailer (where that record starts, a magic word). Packs are written once (``PackWriter``,
streamed, named by the digest of their bytes) and read whole (``read_pack``), by their keys alone (``read_keys``), or
for a few entries (``find_in_pack``): all from the index, one read at the end of the file. Walking the record headers
instead touched a page of the file per record: 22,584 pages of a 170 MB pack, 0.03 CPU-s when the pack is in the page
cache, 1.4 s of a hook's wall time when it is not (a commit minutes after the last scan). A pack whose index is
missing or damaged (cut short, a flipped bit) is read by walking its headers, the index's record skipped: a damaged
payload fails its CRC and is a miss; a record cut short ends the pack. Which packs a tree's scan uses, and when they
are compacted: ``state``.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

PACK_MAGIC = b"ssot-audit pack 2\n"
Blob = tuple[int, memoryview]  # CRC-32 of the payload, pickled payload (a slice of the pack's bytes: no copy)
RECORD = struct.Struct("<32sII")  # content hash (raw), CRC-32, payload length; the payload follows
INDEX_KEY = bytes(32)  # the key of the index's record (no content hashes to it)
INDEX_ENTRY = struct.Struct("<32sIQI")  # an entry of the index: content hash (raw), CRC-32, payload start, length
TRAILER = struct.Struct("<Q8s")  # where the index's record starts, the magic word
TRAILER_MAGIC = b"ssotidx1"
Entry = tuple[bytes, int, int, int]  # content hash (raw), CRC-32, where the payload starts, its length


def open_blob(blob: Blob) -> memoryview | None:
    """The pickled payload of a pack entry, or None when its checksum does not match."""
    crc, payload = blob
    return payload if zlib.crc32(payload) == crc else None


def read_keys(path: Path) -> frozenset[str]:
    """The content hashes ``read_pack`` would give for the pack, read from its index (the file is mapped, so only
    its last pages are read; a 170 MB pack of 22,584 entries is not), else from its record headers."""
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(PACK_MAGIC)] != PACK_MAGIC:
                return frozenset()
            return frozenset(key.hex() for key, _, _, _ in _entries(data))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return frozenset()


def find_in_pack(path: Path, wanted: Mapping[bytes, str]) -> dict[str, bytes]:
    """The intact payloads of the ``wanted`` entries (raw content hash -> hex) of a pack, copied out of the mapped
    file: only the pages of the index (else of the record headers, up to the last entry wanted) and those of the
    entries found are touched. A damaged entry is left out (as ``open_blob`` would refuse it)."""
    found: dict[str, bytes] = {}
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(PACK_MAGIC)] != PACK_MAGIC:
                return found
            for key, crc, start, length in _entries(data):
                name = wanted.get(key)
                if name is None or name in found:
                    continue
                payload = data[start : start + length]  # a copy: the map is closed on return
                if zlib.crc32(payload) == crc:
                    found[name] = payload
                    if len(found) == len(wanted):
                        break
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        pass
    return found


def read_pack(path: Path) -> dict[str, Blob]:
    """A pack's entries. Blobs are verified when used (``open_blob``): a damaged blob costs one file, not the pack;
    a damaged record header ends the reading (what follows it is a miss).

    The file is mapped, not read: its pages are read as the payloads are (a calls-only scan reads a few of 22,584:
    reading 177 MB of packs cost it 0.13 CPU-s, mapping them and walking the headers 0.03, reading the index less
    than 0.01). The map lives as long as
    a blob does. Packs are written once under a new name and renamed into place, and deleted by unlinking: a mapped
    pack never changes under the scan (a pack cut short in place by something else would stop the process)."""
    try:
        with path.open("rb") as handle:
            data = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return {}
    if bytes(data[: len(PACK_MAGIC)]) != PACK_MAGIC:
        return {}
    return {key.hex(): (crc, data[start : start + length]) for key, crc, start, length in _entries(data)}


def _entries(data: memoryview | mmap.mmap) -> Iterator[Entry]:
    """Each record of a pack's bytes after its magic: the raw content hash, the CRC-32, where the payload starts and
    its length; from the index when it is intact, else by walking the records (``_records``)."""
    indexed = _index(data)
    return _records(data) if indexed is None else indexed


def _index(data: memoryview | mmap.mmap) -> Iterator[Entry] | None:
    """The entries the pack's index lists, None when it has no intact index: a trailer naming the index's record,
    that record ending the file, its CRC-32 holding, every entry within the records before it."""
    end = len(data)
    if end < len(PACK_MAGIC) + RECORD.size + TRAILER.size:
        return None
    at, magic = TRAILER.unpack_from(data, end - TRAILER.size)
    if magic != TRAILER_MAGIC or not len(PACK_MAGIC) <= at <= end - RECORD.size - TRAILER.size:
        return None
    key, crc, length = RECORD.unpack_from(data, at)
    listed = data[at + RECORD.size : end - TRAILER.size]
    if key != INDEX_KEY or at + RECORD.size + length != end or len(listed) % INDEX_ENTRY.size \
            or zlib.crc32(listed) != crc:  # fmt: skip
        return None
    entries = list(INDEX_ENTRY.iter_unpack(listed))
    if any(start < len(PACK_MAGIC) + RECORD.size or start + size > at for _, _, start, size in entries):
        return None
    return iter(entries)


def _records(data: memoryview | mmap.mmap) -> Iterator[Entry]:
    """Each whole record of a pack's bytes after its magic, the index's left out: the raw content hash, the CRC-32,
    where the payload starts and its length. A record cut short (a crash while writing) ends them."""
    offset, end = len(PACK_MAGIC), len(data)
    while offset + RECORD.size <= end:
        key, crc, length = RECORD.unpack_from(data, offset)
        offset += RECORD.size
        if offset + length > end:
            return
        if key != INDEX_KEY:
            yield key, crc, offset, length
        offset += length


class PackWriter:
    """A pack being written: records are streamed to a temporary file as workers return them (the main process
    does not hold every payload of a cold scan), and ``close`` writes the index and names the file by the digest of
    its bytes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._digest = hashlib.sha256(PACK_MAGIC)
        self._handle: Any = None
        self._temporary = ""
        self._listed = bytearray()
        self._end = len(PACK_MAGIC)  # where the next record starts
        self.count = 0

    def add(self, key: str, payload: bytes) -> None:
        """Append a payload under its content hash (hex)."""
        self.add_blob(key, (zlib.crc32(payload), memoryview(payload)))

    def add_blob(self, key: str, blob: Blob) -> None:
        """Append an entry read from another pack."""
        crc, payload = blob
        try:
            if self._handle is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                fd, self._temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
                self._handle = os.fdopen(fd, "wb")
                self._handle.write(PACK_MAGIC)
            header = RECORD.pack(bytes.fromhex(key), crc, len(payload))
            self._handle.write(header)
            self._handle.write(payload)
        except (OSError, ValueError):
            self._abandon()
            return
        self._digest.update(header)
        self._digest.update(payload)
        self._listed += INDEX_ENTRY.pack(header[:32], crc, self._end + RECORD.size, len(payload))
        self._end += RECORD.size + len(payload)
        self.count += 1

    def close(self) -> str | None:
        """Finish the pack; its file name, or None when it holds nothing or could not be written."""
        if self._handle is None:
            return None
        listed = bytes(self._listed)
        tail = RECORD.pack(INDEX_KEY, zlib.crc32(listed), len(listed) + TRAILER.size) + listed \
            + TRAILER.pack(self._end, TRAILER_MAGIC)  # fmt: skip
        try:
            self._handle.write(tail)
            self._handle.close()
            self._digest.update(tail)
            name = f"pack-{self._digest.hexdigest()[:24]}.bin"
            os.replace(self._temporary, self.directory / name)
        except OSError:
            self._abandon()
            return None
        self._handle = None
        return name

    def _abandon(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError:
                pass
            Path(self._temporary).unlink(missing_ok=True)
        self._handle = None
