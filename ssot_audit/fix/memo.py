"""Fixes kept between scans: the fixes of one file's findings are reused while everything they were built from is
unchanged.

The JSON and SARIF outputs carry each fixable finding's fix, and building one parses files with libcst (about 15
times the cost of ``ast.parse``): rebuilding every fix after a one-file edit cost more than the rest of the scan.
A file's fixes are a function of its findings and of what building them read through the ``FixEnv``: the bytes of
the files parsed, the module of a path, who imports a name from a module, a function's parameters. Each build is
recorded with those reads (a "verifying trace", as build systems with dynamic dependencies keep); the next scan
reuses it when the file's findings are equal and every recorded read gives the same answer now (files compared by
SHA-256). So an edit rebuilds only the fixes that read the edited file, or whose findings changed.

Building file by file also bounds memory: a file's parsed trees are dropped once its fixes are built (keeping every
tree of a 1M-line scan alive took 1.5 GB).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ssot_audit.fix.build import FixEnv, ImportUse, attach_fixes
from ssot_audit.fix.imports import Importer
from ssot_audit.model import Finding

Read = tuple[str, str]  # ("ok", SHA-256 of the bytes) or ("error", why the file could not be read)


@dataclass(frozen=True, slots=True)
class Trace:
    """One file's fixable findings, what building their fixes read, and the findings with their fixes."""

    findings: tuple[Finding, ...]
    reads: tuple[tuple[str, Read], ...]
    importers: tuple[tuple[str, Importer | None], ...]
    uses: tuple[tuple[tuple[str, str], tuple[ImportUse, ...]], ...]
    signatures: tuple[tuple[str, tuple[str, ...] | None], ...]
    fixed: tuple[Finding, ...]


@dataclass(slots=True)
class _Recorder:
    """A ``FixEnv`` whose every read is noted (see ``Trace``)."""

    base: FixEnv
    reads: dict[str, Read] = field(default_factory=dict)
    importers: dict[str, Importer | None] = field(default_factory=dict)
    uses: dict[tuple[str, str], tuple[ImportUse, ...]] = field(default_factory=dict)
    signatures: dict[str, tuple[str, ...] | None] = field(default_factory=dict)

    def env(self) -> FixEnv:
        """A fresh environment (nothing parsed yet) that reads through this recorder."""
        return FixEnv(self._read, _RecordingImporters(self), self._uses, self._signature, self.base.statements)

    def _read(self, path: str) -> bytes:
        try:
            data = self.base.read(path)
        except OSError as exc:
            self.reads[path] = ("error", str(exc.strerror or exc))
            raise
        self.reads[path] = ("ok", hashlib.sha256(data).hexdigest())
        return data

    def _uses(self, module: str, name: str) -> Sequence[ImportUse]:
        found = tuple(self.base.uses(module, name))
        self.uses[(module, name)] = found
        return found

    def _signature(self, fullname: str) -> tuple[str, ...] | None:
        found = self.base.signature(fullname)
        found = tuple(found) if found is not None else None
        self.signatures[fullname] = found
        return found


class _RecordingImporters(Mapping[str, Importer]):
    """``FixEnv.importers`` that notes each path asked for (a missing one too: its ``KeyError`` is an outcome)."""

    def __init__(self, recorder: _Recorder) -> None:
        self._recorder = recorder

    def __getitem__(self, path: str) -> Importer:
        found = self._recorder.base.importers.get(path)
        self._recorder.importers[path] = found
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[str]:
        raise NotImplementedError("a fix reads the importer of a path it names, never the whole table")

    def __len__(self) -> int:
        return len(self._recorder.base.importers)


def _read_now(env: FixEnv, path: str) -> Read:
    try:
        return ("ok", hashlib.sha256(env.read(path)).hexdigest())
    except OSError as exc:
        return ("error", str(exc.strerror or exc))


def _holds(trace: Trace, findings: tuple[Finding, ...], env: FixEnv) -> bool:
    """True when ``trace`` was built from these findings and every read it made answers the same now."""
    if trace.findings != findings:
        return False
    signature = env.signature
    return (all(_read_now(env, path) == read for path, read in trace.reads)
            and all(env.importers.get(path) == importer for path, importer in trace.importers)
            and all(tuple(env.uses(*key)) == found for key, found in trace.uses)
            and all((tuple(s) if (s := signature(name)) is not None else None) == found
                    for name, found in trace.signatures))  # fmt: skip


def fix_by_file(findings: Sequence[Finding], env: FixEnv, memo: Mapping[str, Trace], *,
                changed: Collection[str] | None = None,
                imported: Collection[str] = ()) -> tuple[tuple[Finding, ...], dict[str, Trace]]:  # fmt: skip
    """``findings`` (all fixable) with their fixes attached, in the same order, built one file at a time and reused
    from ``memo`` where its trace still holds; and the traces of this scan (the next scan's ``memo``).

    ``changed``: the files changed since ``memo`` was recorded, when the caller knows them exactly and they changed
    no module's imports, module name or function signatures (after a calls-only edit, ``analysis.edits``). A trace
    that read none of them (``trace_reads``) then holds without reading its files and import uses again: every read
    it recorded would answer as it did. That check read every module's imports (``project_env``'s ``uses``), so a
    scan that loads facts only where it looks would have loaded them all. The fixes built again ask ``uses`` what
    the traces recorded, where no recorded use is in a changed file (``_recorded_uses``).

    ``imported``: with ``changed``, the names of the ``from`` imports the changed files added or removed (an
    interface edit, ``InterfaceChange.import_names``): who imports such a name from a module is asked again, and a
    trace that asked it is checked (an import added in a changed file is in no recorded answer)."""
    if changed is not None:
        env = _recorded_uses(env, memo, changed, imported)
    by_file: dict[str, list[int]] = {}
    for number, finding in enumerate(findings):
        by_file.setdefault(finding.location.path, []).append(number)
    out: list[Finding | None] = [None] * len(findings)
    traces: dict[str, Trace] = {}
    for path, numbers in by_file.items():
        group = tuple(findings[n] for n in numbers)
        trace = memo.get(path)
        if trace is None or not (_unchanged(trace, group, env, changed, imported) if changed is not None
                                 else _holds(trace, group, env)):  # fmt: skip
            recorder = _Recorder(env)
            fixed, _ = attach_fixes(group, recorder.env())
            trace = Trace(group, tuple(recorder.reads.items()), tuple(recorder.importers.items()),
                          tuple(recorder.uses.items()), tuple(recorder.signatures.items()), fixed)  # fmt: skip
        traces[path] = trace
        for n, finding in zip(numbers, trace.fixed):
            out[n] = finding
    return tuple(f for f in out if f is not None), traces


def _recorded_uses(env: FixEnv, memo: Mapping[str, Trace], changed: Collection[str],
                   imported: Collection[str] = ()) -> FixEnv:  # fmt: skip
    """``env`` whose ``uses`` answers from the traces of ``memo`` (recorded before the calls-only edits of the files
    ``changed``): an edit that changes no import leaves every import of a name where it was, but in the edited files
    (their lines move): an answer naming none of those is the same now. Others are asked of ``env``."""
    recorded = {key: found for trace in memo.values() for key, found in trace.uses
                if key[1] not in imported and not any(use.path in changed for use in found)}  # fmt: skip
    asked = env.uses

    def uses(module: str, name: str) -> Sequence[ImportUse]:
        found = recorded.get((module, name))
        return found if found is not None else asked(module, name)

    return replace(env, uses=uses)


def _unchanged(trace: Trace, findings: tuple[Finding, ...], env: FixEnv, changed: Collection[str],
               imported: Collection[str] = ()) -> bool:  # fmt: skip
    """``_holds``, known from the files changed since ``trace`` was recorded (``fix_by_file``): the same findings, no
    read of a changed file nor of the importers of a name ``imported`` there, and every file it read one the scan
    knows (a file outside the scan may have changed)."""
    return (trace.findings == findings and not trace_reads(trace, changed)
            and not any(key[1] in imported for key, _ in trace.uses)
            and all(path in env.importers for path, _ in trace.reads))  # fmt: skip


def trace_reads(trace: Trace, paths: Collection[str]) -> bool:
    """True when building ``trace``'s fixes read one of ``paths``: its bytes, its importer, or an import use in it
    (what a change to those files can alter; a function's parameters are read from facts a caller compares)."""
    return (any(path in paths for path, _ in trace.reads) or any(path in paths for path, _ in trace.importers)
            or any(use.path in paths for _, found in trace.uses for use in found))  # fmt: skip
