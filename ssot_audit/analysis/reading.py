"""Reading scanned files safely: regular files inside the scanned directory only, and never blocking.

A name ending in ``.py`` can be a FIFO (opening it waits for a writer forever), a socket, a device, or a symbolic
link to a secret outside the tree (``~/.ssh/id_ed25519``, ``/proc/self/environ``) whose first lines would otherwise
land in the JSON and HTML excerpts and the history database. Every read of a scanned file goes through
``read_scanned``: the target must resolve inside the boundary and be a regular file; the open is non-blocking and
the type is checked again on the open descriptor, so a file swapped for a FIFO or a link mid-scan is refused too.
"""

from __future__ import annotations

import os
import stat

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a directory",
}
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


class SkippedFile(Exception):
    """A scanned name that is deliberately not read; the message says why."""


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read ("not a regular file: a FIFO"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file: {_KINDS.get(stat.S_IFMT(mode), 'a special file')}"


def is_inside(path: str, boundary: str) -> bool:
    """Whether the resolved ``path`` is ``boundary`` or below it (both already resolved)."""
    return path == boundary or path.startswith(boundary.rstrip(os.sep) + os.sep)


def skip_reason(path: str, boundary: str | None) -> str | None:
    """Why ``path`` must not be read, looking only at metadata (nothing is opened); None when it may be.

    Only a link is resolved (discovery never enters linked directories); ``read_scanned`` checks where the open
    descriptor really points in any case.
    """
    mode = os.lstat(path).st_mode
    if not stat.S_ISLNK(mode):
        return not_regular(mode)
    if boundary is not None and not is_inside(os.path.realpath(path), boundary):
        return "symbolic link to a file outside the scanned directory: not followed"
    return not_regular(os.stat(path).st_mode)


def _opened_path(fd: int, fallback: str) -> str:
    """Where an open descriptor really points (Linux ``/proc``), else the resolved name it was opened by."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(fallback)


def read_scanned(path: str, boundary: str | None) -> bytes:
    """The bytes of a scanned file; ``SkippedFile`` when it is outside ``boundary`` (a resolved directory, or the
    scanned file itself) or not a regular file, ``OSError`` when it cannot be read."""
    reason = skip_reason(path, boundary)  # refuse before opening: opening a device can have effects
    if reason is not None:
        raise SkippedFile(reason)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        reason = not_regular(os.fstat(fd).st_mode)
        if reason is None and boundary is not None and not is_inside(_opened_path(fd, path), boundary):
            reason = "symbolic link to a file outside the scanned directory: not followed"
        if reason is not None:  # swapped between the check and the open
            raise SkippedFile(reason)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
