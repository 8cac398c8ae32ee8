"""Per-file work in parallel: read bytes, parse, extract facts. A pure function of each file's bytes.

Workers return plain facts (never syntax trees), so the whole-program stage holds one compact index in memory.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ssot_audit.analysis import state
from ssot_audit.analysis.discovery import SourceFile
from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.linemap import line_digest
from ssot_audit.analysis.parsing import ParseFailure, parse_source
from ssot_audit.analysis.payload import FactsUnavailable, PayloadHead, checked_facts, imported_top_names, pack_payload
from ssot_audit.analysis.payload import FileOutcome as FileOutcome  # re-exported: most readers name it here
from ssot_audit.analysis.payload import outcome_of_blob as outcome_of_blob
from ssot_audit.analysis.payload import pickle_facts, read_head
from ssot_audit.analysis.payload import read_outcomes as read_outcomes
from ssot_audit.analysis.reading import SkippedFile, read_scanned
from ssot_audit.suppressions import SuppressionComment, scan_comments

if TYPE_CHECKING:  # a pool is started by a scan that parses many files: the imports (20 ms) wait for it
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

_PARALLEL_THRESHOLD = 64  # below this many files a process pool costs more than it saves


def analyze_bytes(data: bytes, relpath: str) -> FileOutcome:
    """Parse and extract one file's facts from its bytes."""
    parsed = parse_source(data, relpath)
    comments = scan_comments(data)
    digest = line_digest(data)  # of every file read, parsed or not: a file that fails may parse after the next edit
    if isinstance(parsed, ParseFailure):
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        return FileOutcome(relpath, None, parsed, lines, comments, digest)
    try:
        facts = extract_facts(parsed.tree, parsed.lines, len(data))
    except RecursionError:
        failure = ParseFailure("too-deep", "nesting too deep to analyse")
        return FileOutcome(relpath, None, failure, parsed.lines, comments, digest)
    return FileOutcome(relpath, facts, None, parsed.lines, comments, digest, imported_top_names(facts))


def analyze_to_blob(path: str, relpath: str, boundary: str | None = None) -> tuple[str, bytes]:
    """Analyse one file into (content hash, payload: see ``payload``); the hash is "" when the file cannot be read.

    Workers return these bytes: the facts are pickled once, for the cache and for the trip to the main process.
    ``boundary``: the resolved scanned directory; nothing that resolves outside it is read (see ``reading``).
    """
    try:
        data = read_scanned(path, boundary)
    except SkippedFile as exc:
        return "", pack_payload(PayloadHead(ParseFailure("skipped", f"{exc}"), 0, (), b"", ()), b"")
    except OSError as exc:
        failure = ParseFailure("read", f"cannot read file: {exc.strerror or exc}")
        return "", pack_payload(PayloadHead(failure, 0, (), b"", ()), b"")
    outcome = analyze_bytes(data, relpath)
    # no path in the payload: copies of a file share it
    head = PayloadHead(outcome.failure, outcome.lines, outcome.suppressions, outcome.line_digest, outcome.imported)
    return state.content_hash(data), pack_payload(head, pickle_facts(outcome.facts))


@dataclass(slots=True)
class PayloadCache:
    """Per-file payloads known before a scan (by content hash) and those the scan computes.

    ``hashes`` holds the content hash of each file known before analysis (from the manifest, or read and hashed);
    analysis adds the others, and hands each payload it computes to ``sink``. Once the cached payloads are loaded
    the packs' bytes are let go (``release``: 190 MB at 4 million lines, held through the whole-program phase
    for nothing); only their keys are kept.
    """

    hashes: dict[str, str]  # relpath -> content hash
    blobs: dict[str, state.Blob] = field(default_factory=dict)  # content hash -> payload, from the packs
    sink: Callable[[str, bytes], None] | None = None  # where payloads computed by this scan go (a new pack)
    stored: set[str] = field(default_factory=set)  # intact entries of the packs (what compacting them copies)
    early: dict[str, state.Blob] = field(default_factory=dict)  # payloads computed before the packs were read
    changes: int = 0  # how many times ``add`` set a hash: what a key computed from ``hashes`` is checked against

    def take(self, blobs: dict[str, state.Blob]) -> None:
        """The entries of the packs this scan read (and those ``add_early`` made: never parsed twice)."""
        self.blobs = blobs
        self.stored = set(blobs)
        for key, blob in self.early.items():
            blobs.setdefault(key, blob)
        self.early = {}

    def add_early(self, relpath: str, key: str, payload: bytes) -> None:
        """``add``, before the packs are read: a file analysed to judge an edit (``analysis.edits``), which the
        whole analysis then takes from here if the edit was one a reader sees."""
        self.add(relpath, key, payload)
        if key:
            self.early[key] = (zlib.crc32(payload), memoryview(payload))

    def cached(self, relpath: str) -> FileOutcome | None:
        """The outcome of ``relpath`` from the packs, when its hash is known and its entry intact. A damaged entry
        (checksum, unpickling, shape) is dropped, so the analysis writes it again and compaction never copies it."""
        key = self.hashes.get(relpath)
        blob = self.blobs.get(key) if key is not None else None
        if key is None or blob is None:
            return None
        payload = state.open_blob(blob)
        outcome = outcome_of_blob(relpath, payload, with_digest=False) if payload is not None else None
        if outcome is None:  # see FileOutcome.line_digest for the digest left out
            self.forget(key)
        return outcome

    def head(self, relpath: str, path: str,
             boundary: str | None = None) -> tuple[PayloadHead, Callable[[], ModuleFacts] | None] | None:  # fmt: skip
        """The head of ``relpath``'s payload in the packs (checked by its own CRC) and what reads its facts when
        called (None for a file that failed to parse): nothing of the facts is unpickled or checked before that
        call (see ``payload``). Facts found damaged then are a miss: the file (at ``path``, within ``boundary``) is
        analysed again, and its payload written again; when its content is no longer what was hashed, the call
        raises ``FactsUnavailable``. None when the hash is unknown or the head is missing or damaged (dropped, as
        ``cached`` drops a damaged entry)."""
        key = self.hashes.get(relpath)
        blob = self.blobs.get(key) if key is not None else None
        if key is None or blob is None:
            return None
        crc, payload = blob
        read = read_head(payload)
        if read is None:
            self.forget(key)
            return None
        head, pickled = read
        if head.failure is not None:
            return head, None
        return head, partial(self._recovered, partial(checked_facts, crc, payload, pickled), path, relpath, boundary)

    def reader(self, relpath: str, path: str, boundary: str | None = None) -> Callable[[], ModuleFacts]:
        """What reads ``relpath``'s facts from the packs when called, its head read and checked only then (for a
        file whose head is known otherwise: ``kept_heads``), as ``head``'s reader does. The entry is taken now: the
        packs' bytes are let go (``release``) before the facts are read. A missing or damaged entry is analysed
        again when read (see ``head``)."""
        key = self.hashes.get(relpath)
        return partial(self._read_later, self.blobs.get(key) if key is not None else None, path, relpath, boundary)

    def _read_later(self, blob: state.Blob | None, path: str, relpath: str, boundary: str | None) -> ModuleFacts:
        read = read_head(blob[1]) if blob is not None else None
        if blob is None or read is None or read[0].failure is not None:
            return self._recovered(_unavailable, path, relpath, boundary)
        return self._recovered(partial(checked_facts, blob[0], blob[1], read[1]), path, relpath, boundary)

    def _recovered(self, read: Callable[[], ModuleFacts], path: str, relpath: str, boundary: str | None) -> ModuleFacts:
        """``read()``; when the facts it reads are damaged, the file's facts analysed again (see ``head``)."""
        try:
            return read()
        except FactsUnavailable:
            key = self.hashes[relpath]
        self.forget(key)
        fresh, payload = analyze_to_blob(path, relpath, boundary)
        outcome = outcome_of_blob(relpath, payload)
        if fresh != key or outcome is None or outcome.facts is None:
            raise FactsUnavailable(f"{relpath} changed since it was hashed")
        self.add(relpath, fresh, payload)
        return outcome.facts

    def forget(self, key: str) -> None:
        """Drop a damaged entry: the analysis writes it again, and compaction never copies it."""
        self.blobs.pop(key, None)
        self.stored.discard(key)

    def release(self) -> None:
        """Let go of the packs' bytes (``stored`` still says which content they hold)."""
        self.blobs = {}

    def add(self, relpath: str, key: str, payload: bytes) -> None:
        """Record a payload computed by this scan (files that could not be read have no key and are not kept)."""
        if key:
            known = key in self.stored
            self.hashes[relpath] = key
            self.changes += 1
            if self.sink is not None and not known:
                self.sink(key, payload)


def _unavailable() -> ModuleFacts:
    """The read of an entry the packs do not hold (any more), or whose head is damaged: ``_recovered`` analyses."""
    raise FactsUnavailable("no intact entry in the packs")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a scan.

    Syntax trees and facts hold no reference cycles, so reference counting frees them; what the cyclic collector
    does during a scan is walk millions of live objects again and again (measured: 3x the parse time on django).
    On exit the survivors are frozen (moved out of the collector's sight; reference counting still frees them),
    so the first collection after a scan does not walk the whole index either (2 s on 2 million lines).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what the scan built stays alive (the index): later collections need not walk it again
        if was_enabled:
            gc.enable()


def release_frozen() -> None:
    """Give what earlier scans froze back to the collector, and collect it: call before a new scan.

    Frozen objects that later become cyclic garbage are never collected, so a long-lived process calling
    ``api.scan`` again and again would grow (measured: 37 -> 62 MB over 200 scans). Nothing is frozen before the
    first scan of a process, so a one-shot command pays nothing.
    """
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()


def trim_heap() -> None:
    """Hand the C heap's free memory back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Freeing a whole program's facts leaves the heap full of holes the next large buffers do not fit (the saved
    result, the rendered report: tens of MB each at 4 million lines); without this, their pages came on top of
    memory the process no longer used, at the scan's peak."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):  # pragma: no cover - not glibc
            pass


def _die_with_parent() -> None:
    """Pool worker initializer: a worker ends when its parent does (a ``kill -9`` of the scan included), instead
    of waiting forever on a queue nobody writes to. Linux tells the kernel (``PR_SET_PDEATHSIG``); everywhere, a
    daemon thread also watches the parent's pid."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no usable libc
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="ssot-audit-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # the parent is gone: nobody will read what this worker computes


def _analyze_chunk(chunk: list[tuple[str, str]], boundary: str | None = None) -> list[tuple[str, bytes]]:
    with gc_paused():
        return [analyze_to_blob(path, relpath, boundary) for path, relpath in chunk]


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """Fork is cheapest, but forking a process that runs other threads (a web app or a test runner calling
    ``api.scan``) can deadlock the child: then start workers from a fork server instead."""
    import multiprocessing  # noqa: PLC0415 - see the imports

    if _thread_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return None


def _thread_count() -> int:
    """Threads of this process, including those C extensions start (Linux /proc), else Python's own count."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return threading.active_count()


def default_jobs() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def effective_jobs(requested: int | None, work: int) -> int:
    """Worker processes for ``work`` chunks: at most the CPUs available and the chunks to do (``-j 100000`` once
    forked thousands of processes); ``None`` means the CPUs. Zero or negative is a ``ValueError``."""
    if requested is not None and requested < 1:
        raise ValueError(f"jobs must be at least 1, got {requested}")
    cpus = default_jobs()
    return max(1, min(requested or cpus, cpus, work))


def analyze_files(
    files: Sequence[SourceFile],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: PayloadCache | None = None,
    boundary: Path | None = None,
    overrides: Mapping[str, bytes] | None = None,
    line_digests: bool = False,
    release: bool = True,
) -> list[FileOutcome]:
    """Analyse every file, in parallel when it pays; the result keeps the input order.

    With ``cache``, files whose payload it holds are loaded in this process, and only the others go to the
    workers; what they compute is added to the cache. With ``boundary`` (the resolved scanned directory), a file
    that resolves outside it is not read (SSOT900). ``overrides`` (repo-relative path -> bytes) are analysed in
    place of what is on disk (``fix`` checks a rewrite this way before writing anything); they never enter the
    cache, which describes the files on disk. ``line_digests``: keep each analysed file's line digest in its outcome
    (an edit scan maps the changed files' positions with them); else it is dropped, as it is from the outcomes loaded
    from the cache: 4 bytes a line held through the whole-program phase for nothing (+5 MB, 1.6% of the peak, at 1M
    lines). ``release``: let go of the cache's packs once read (``PayloadCache.release``); a lazy load keeps them, for
    the whole scan that follows when the path is turned down after it (which analysed every file again without).
    """
    work = [(f.path, f.relpath) for f in files]
    fence = str(boundary) if boundary is not None else None
    effective_jobs(jobs, 1)  # validate before any work
    done: dict[int, FileOutcome] = {}
    for i, (_, relpath) in enumerate(work):
        if overrides and relpath in overrides:
            outcome = analyze_bytes(overrides[relpath], relpath)
            done[i] = outcome if line_digests else replace(outcome, line_digest=b"")
    if cache is not None:
        with gc_paused():
            for i, (_, relpath) in enumerate(work):
                hit = cache.cached(relpath) if i not in done else None
                if hit is not None:
                    done[i] = hit
        if release:
            cache.release()
    todo = [i for i in range(len(work)) if i not in done]
    total = len(work)

    def report() -> None:
        if progress:
            progress(len(done), total)

    def keep(i: int, key: str, blob: bytes) -> None:
        relpath = work[i][1]
        if cache is not None:
            cache.add(relpath, key, blob)
        outcome = outcome_of_blob(relpath, blob, with_digest=line_digests)
        assert outcome is not None, relpath  # made by ``analyze_to_blob`` in this version of the code
        done[i] = outcome

    report()
    if effective_jobs(jobs, len(todo)) <= 1 or len(todo) < _PARALLEL_THRESHOLD:
        with gc_paused():
            for i in todo:
                keep(i, *analyze_to_blob(*work[i], fence))
                report()
        return [done[i] for i in range(total)]
    size = max(8, min(128, len(todo) // (effective_jobs(jobs, len(todo)) * 8) or 1))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    workers = effective_jobs(jobs, len(chunks))
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 - see the imports

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_init_worker)
    try:
        # futures, not ``pool.map``: a Ctrl-C in its iterator cancels the futures not yet running from this thread,
        # while the executor's manager thread may still hold them: seeing the workers ended, it sets an exception on
        # each, and a cancelled one raises (Python 3.11: a traceback after the ^C, one run in about 15). Cancelled by
        # ``shutdown(cancel_futures=True)`` alone, they are cancelled and let go in that thread. Each is let go once
        # read, as ``map`` does (the results held to the end would be the size of the packs: 170 MB at 4M lines).
        futures = [pool.submit(_analyze_chunk, [work[i] for i in chunk], fence) for chunk in chunks]
        futures.reverse()  # popped in the order submitted
        for chunk in chunks:
            for i, (key, blob) in zip(chunk, futures.pop().result()):
                keep(i, key, blob)
            report()
    except BaseException:  # Ctrl-C (or any failure): stop now, not after every queued chunk has run
        _stop_workers(pool)
        raise
    pool.shutdown()
    return [done[i] for i in range(total)]


def _init_worker() -> None:
    """Pool worker initializer: Ctrl-C is the parent's to handle, and the worker ends with the parent."""
    _leave_ctrl_c_to_the_parent()
    _die_with_parent()


def _leave_ctrl_c_to_the_parent() -> None:
    """Worker initializer: a terminal's Ctrl-C reaches the whole process group; the parent decides and stops the
    workers itself, so no worker prints a traceback or keeps running queued work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel queued chunks and end the worker processes at once (``shutdown(wait=True)`` would first run every
    chunk already submitted: 38 s after Ctrl-C on a loaded machine)."""
    # Python 3.14 has terminate_workers(); before it, the executor's process table is the only handle on them
    # (taken before shutdown(), which drops it).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=1.0)
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)
    writer = getattr(results, "_writer", None)
    if writer is not None:  # a worker ended while it wrote a result leaves the manager thread reading the rest of it
        writer.close()  # forever, and the interpreter's exit joins that thread (1 Ctrl-C in 6 hung so): with this
        # process's write end closed too, no writer is left and the read ends
    if manager is not None:  # let it see the dead workers and close its pipes now, not race the exit handler
        manager.join(timeout=1.0)
