"""The file format of a pack: many per-file payloads, each under the content hash of its file, in one file.

A pack is a magic line, then records: a header (the raw SHA-256 content hash, the payload's CRC-32, its length)
followed by the payload (a pickle). Packs are written once (``PackWriter``, streamed, named by the digest of their
bytes) and read whole (``read_pack``), by their headers alone (``read_keys``), or for a few entries
(``find_in_pack``). A damaged payload fails its CRC and is a miss; a record cut short (a crash while writing) ends
the pack. Which packs a tree's scan uses, and when they are compacted: ``state``.
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


def open_blob(blob: Blob) -> memoryview | None:
    """The pickled payload of a pack entry, or None when its checksum does not match."""
    crc, payload = blob
    return payload if zlib.crc32(payload) == crc else None


def read_keys(path: Path) -> frozenset[str]:
    """The content hashes ``read_pack`` would give for the pack, read from its record headers alone (the file is
    mapped, so only the pages holding a header are touched; a 170 MB pack of 22,584 entries is not read)."""
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(PACK_MAGIC)] != PACK_MAGIC:
                return frozenset()
            return frozenset(key.hex() for key, _, _, _ in _records(data))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return frozenset()


def find_in_pack(path: Path, wanted: Mapping[bytes, str]) -> dict[str, bytes]:
    """The intact payloads of the ``wanted`` entries (raw content hash -> hex) of a pack, copied out of the mapped
    file: only the pages holding a record header, and those of the entries found, are touched; the walk stops once
    every wanted entry is found. A damaged entry is left out (as ``open_blob`` would refuse it)."""
    found: dict[str, bytes] = {}
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(PACK_MAGIC)] != PACK_MAGIC:
                return found
            for key, crc, start, length in _records(data):
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
    reading 177 MB of packs cost it 0.13 CPU-s, mapping them and walking the headers 0.03). The map lives as long as
    a blob does. Packs are written once under a new name and renamed into place, and deleted by unlinking: a mapped
    pack never changes under the scan (a pack cut short in place by something else would stop the process)."""
    try:
        with path.open("rb") as handle:
            data = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return {}
    if bytes(data[: len(PACK_MAGIC)]) != PACK_MAGIC:
        return {}
    return {key.hex(): (crc, data[start : start + length]) for key, crc, start, length in _records(data)}


def _records(data: memoryview | mmap.mmap) -> Iterator[tuple[bytes, int, int, int]]:
    """Each whole record of a pack's bytes after its magic: the raw content hash, the CRC-32, where the payload
    starts and its length. A record cut short (a crash while writing) ends them."""
    offset, end = len(PACK_MAGIC), len(data)
    while offset + RECORD.size <= end:
        key, crc, length = RECORD.unpack_from(data, offset)
        offset += RECORD.size
        if offset + length > end:
            return
        yield key, crc, offset, length
        offset += length


class PackWriter:
    """A pack being written: records are streamed to a temporary file as workers return them (the main process
    does not hold every payload of a cold scan), and ``close`` names the file by the digest of its bytes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._digest = hashlib.sha256(PACK_MAGIC)
        self._handle: Any = None
        self._temporary = ""
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
        self.count += 1

    def close(self) -> str | None:
        """Finish the pack; its file name, or None when it holds nothing or could not be written."""
        if self._handle is None:
            return None
        try:
            self._handle.close()
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
