"""The fix pipeline: scan -> build fixes -> apply them in memory -> re-scan -> keep what verifies -> repeat until
nothing changes -> (with ``write``) write atomically. Never prints; ``commands/fix.py`` shows the outcome.

Nothing is lost: a rewritten file must parse again, and a re-scan of the tree with the rewritten text must show
the findings its fixes target gone and no new finding; otherwise that file keeps its text and is reported. Files
are written only when their bytes on disk are still those the fixes were computed from.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from ssot_audit import api
from ssot_audit.analysis.facts import ImportFact, top_level_ends
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.config import Config
from ssot_audit.fix.build import FIXERS, FixEnv, ImportUse, attach_fixes
from ssot_audit.fix.cst import ParsedFile
from ssot_audit.fix.engine import Skipped, apply_all, select
from ssot_audit.fix.memo import fix_by_file
from ssot_audit.fix.imports import Importer
from ssot_audit.model import Applicability, AuditResult, Finding, Fix

MAX_ROUNDS = 12  # overlapping or deferred fixes wait for the next round; real code settles in a few


@dataclass(frozen=True, slots=True)
class FixOptions:
    """What to fix: a finding filter (selection, concept), and whether behaviour-changing fixes may apply."""

    wanted: Callable[[Finding], bool] = lambda finding: True
    unsafe: bool = False
    jobs: int | None = None
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What ``fix`` did (or would do): new bytes per file, applied fixes, skipped ones and why, the final scan."""

    before: Mapping[str, bytes]  # original bytes of every changed file
    after: Mapping[str, bytes]  # fixed bytes of every changed file
    applied: tuple[Finding, ...]  # findings whose fix is in ``after`` (each carries its ``fix``)
    skipped: tuple[Skipped, ...]  # fixable findings left as they are, with the reason
    result: AuditResult  # the scan of the fixed tree: what remains
    rounds: int
    project: api.Project  # the fixed tree as loaded for ``result``
    rejected: Mapping[str, str] = field(default_factory=dict)  # files left untouched after a failed check -> why


class FixInputs(Protocol):
    """What building fixes reads of a loaded project: where it is and its modules' facts (an ``api.Project``, or
    ``api.scan_tree``'s ``Loaded``: the resolver, concepts and graph are gone by then)."""

    @property
    def root(self) -> Path: ...  # noqa: D102

    @property
    def index(self) -> ProjectIndex: ...  # noqa: D102


def project_env(project: FixInputs, overrides: Mapping[str, bytes],
                reuse: dict[tuple[str, str], ParsedFile | str] | None = None) -> FixEnv:  # fmt: skip
    """What the fix layer reads of a loaded project: files (the rewritten text when there is one), modules,
    and who imports which name from which module (star imports included, so they are reported, not broken).

    Facts are read when a fix asks, not before: a scan after an edit whose kept fixes all hold asks nothing, and
    its project loads only the facts something reads (``project.load_walked``'s lazy mode)."""
    base = project.root.parent if project.root.is_file() else project.root
    modules = {info.relpath: info for info in project.index.iter_modules()}
    importers = {path: Importer(info.name, info.is_package) for path, info in modules.items()}
    by_name: dict[str, list[tuple[ModuleInfo, ImportFact, str]]] = {}  # each name's imports and their sources
    listed: list[bool] = []  # made true once ``by_name`` lists every module's imports (on the first question)
    uses: dict[tuple[str, str], list[ImportUse]] = {}  # (module, name) -> its imports, worked out when asked for

    def imports_of(module: str, name: str) -> list[ImportUse]:
        found = uses.get((module, name))
        if found is None:
            if not listed:
                listed.append(True)
                for info in modules.values():
                    for imp, source in zip(info.facts.imports, project.index.import_sources(info.name)):
                        if imp.name is not None:
                            by_name.setdefault(imp.name, []).append((info, imp, source))
            found = uses[(module, name)] = [
                ImportUse(info.relpath, imp.line, imp.col + 1, module, name, name == "*")
                for info, imp, source in by_name.get(name, ()) if source == module
            ]  # fmt: skip
        return found

    def uses_of(module: str, name: str) -> Sequence[ImportUse]:
        return [*imports_of(module, name), *imports_of(module, "*")]

    def read(path: str) -> bytes:
        return overrides[path] if path in overrides else (base / path).read_bytes()

    def statements(path: str, size: int) -> list[tuple[int, bool]] | None:
        info = modules.get(path) if path not in overrides else None
        found = top_level_ends(info.facts.top_level) if info is not None else None
        return found[1] if found is not None and found[0] == size else None

    return FixEnv(read, importers, uses_of, lambda fullname: _parameters(project, fullname), statements,
                  reuse=reuse if reuse is not None else {})  # fmt: skip


def _parameters(project: FixInputs, fullname: str) -> tuple[str, ...] | None:
    """Parameter names of a project function, or of a class's own ``__init__`` without ``self``; None if unknown."""
    parts = fullname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module not in project.index.modules:
            continue
        facts = project.index.get_module(module).facts
        qualname = ".".join(parts[cut:])
        if qualname in facts.classes:
            init = facts.functions.get(f"{qualname}.__init__")
            return tuple(init.params[1:]) if init is not None else None
        func = facts.functions.get(qualname)
        return tuple(func.params) if func is not None else None
    return None


def with_fixes(project: FixInputs, result: AuditResult, kept: dict[str, object] | None = None) -> AuditResult:
    """The result with each fixable finding's fix attached (for the JSON and SARIF outputs). ``kept``: what the
    previous scan of the tree left (``api.scan_tree``); the fixes of files whose inputs did not change are taken
    from it, and this scan's are left in it. A project ``scan_tree`` loaded after a calls-only edit names the files
    changed since (``Loaded.changed``): kept fixes that read none of them hold unchecked (``fix.memo.fix_by_file``)."""
    changed = project.changed if isinstance(project, api.Loaded) else None
    imported = project.imported if isinstance(project, api.Loaded) else frozenset()
    env = project_env(project, {})
    fixable = [f for f in result.findings if f.code in FIXERS]
    memo = kept.get("fixes") if kept is not None else None
    fixed, traces = fix_by_file(fixable, env, memo if isinstance(memo, dict) else {}, changed=changed,
                                imported=imported)  # fmt: skip
    if kept is not None:
        kept["fixes"] = traces
    by_id = {id(old): new for old, new in zip(fixable, fixed)}
    return replace(result, findings=tuple(by_id.get(id(f), f) for f in result.findings))


def _findings(project: api.Project) -> tuple[Finding, ...]:
    return api.audit(project).findings


def _targeted(chosen: Sequence[tuple[Finding, Fix]]) -> dict[str, Counter[str]]:
    """Per file, the fingerprints that must be gone: findings whose own file their fix edits."""
    gone: dict[str, Counter[str]] = {}
    for finding, fix in chosen:
        if finding.location.path in fix.paths:
            gone.setdefault(finding.location.path, Counter())[finding.fingerprint] += 1
    return gone


def _by_file(findings: Sequence[Finding]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for finding in findings:
        out.setdefault(finding.location.path, Counter())[finding.fingerprint] += 1
    return out


def _new(before: Sequence[Finding], after: Sequence[Finding]) -> list[Finding]:
    """Findings of ``after`` beyond those of ``before`` (by line-free fingerprint, counted per file).

    An import cycle whose modules all were in one cycle before is the rest of that cycle, not a new one: pointing
    imports at defining modules changes the edges of a cycle (and its fingerprint) without closing a new one. Nor
    is the re-export line of a module others no longer import a symbol through: SSOT201 exempted it only while
    it served as a re-export.
    """
    old, seen = _by_file(before), Counter[tuple[str, str]]()
    cycles = [frozenset(f.facts.get("modules", ())) for f in before if f.code == "SSOT202"]
    hops = {(f.facts.get("symbol"), f.facts.get("used_path")) for f in before if f.code == "SSOT201"}
    extra = []
    for finding in after:
        key = (finding.location.path, finding.fingerprint)
        seen[key] += 1
        if seen[key] <= old.get(key[0], Counter())[key[1]]:
            continue
        if finding.code == "SSOT202" and any(set(finding.facts.get("modules", ())) <= c for c in cycles):
            continue
        if finding.code == "SSOT201" and (finding.facts.get("symbol"), finding.location.symbol) in hops:
            continue  # a re-export line (once exempt: others imported through it) that nobody imports through now
        extra.append(finding)
    return extra


def _unexplained(before: Sequence[Finding], after: Sequence[Finding], changed: Collection[str],
                 tolerated: Collection[str]) -> list[Finding]:  # fmt: skip
    """New findings that neither lie in a changed file nor name one as related: which fix caused them is unknown."""
    return [f for f in _new(before, after) if f.code not in tolerated and f.location.path not in changed
            and not any(r.location.path in changed for r in f.related)]  # fmt: skip


# Fixes of these rewrite imports; each may make the other report new sites (a repaired import is one more path
# of its symbol), which the next round fixes: verifying a round tolerates them together.
IMPORT_PATH_CODES = frozenset({"SSOT201", "SSOT203"})


def verify(before: Sequence[Finding], after: Sequence[Finding], chosen: Sequence[tuple[Finding, Fix]],
           changed: Collection[str], *, tolerated: Collection[str] = ()) -> dict[str, str]:  # fmt: skip
    """Files whose rewrite does not verify (path -> why): a targeted finding still there, or a new finding in
    it; a new finding elsewhere that names a changed file as related blames that file, else every changed file.

    New findings of a ``tolerated`` code are let through: fixing imports shifts which path most imports use, so
    an import path rule may point at new sites that the next round fixes (``fix_tree`` rolls back the rounds if
    any new finding is left at the end).
    """
    old, new, gone = _by_file(before), _by_file(after), _targeted(chosen)
    bad: dict[str, str] = {}
    for path, targets in sorted(gone.items()):
        for fingerprint, count in sorted(targets.items()):
            if new.get(path, Counter())[fingerprint] > old[path][fingerprint] - count:
                code = next(f.code for f, _ in chosen if f.fingerprint == fingerprint)
                bad.setdefault(path, f"{code} {fingerprint} is still reported in {path} after the fix")
    for finding in _new(before, after):
        if finding.code in tolerated:
            continue
        path = finding.location.path
        where = f"{finding.code} at {path}:{finding.location.line}"
        blamed = [path] if path in changed else [r.location.path for r in finding.related if r.location.path in changed]
        for culprit in blamed or sorted(changed):
            bad.setdefault(culprit, f"the fixed tree has a new finding {where}: {finding.message}")
    return bad


@dataclass
class _Session:
    """The state of one ``fix_tree`` run across rounds."""

    root: Path
    config: Config
    options: FixOptions
    original: tuple[Finding, ...]
    overrides: dict[str, bytes] = field(default_factory=dict)  # path -> fixed bytes so far
    originals: dict[str, bytes] = field(default_factory=dict)  # path -> bytes before the first fix
    skipped: dict[str, Skipped] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    applied: list[Finding] = field(default_factory=list)
    parsed: dict[tuple[str, str], ParsedFile | str] = field(default_factory=dict)  # files parsed by earlier rounds

    def skip(self, finding: Finding, reason: str) -> None:
        """Record why a fixable finding stays (the latest reason wins)."""
        self.skipped[finding.fingerprint + finding.location.path] = Skipped(finding, reason)

    def candidates(self, env: FixEnv, findings: Sequence[Finding]) -> list[tuple[Finding, Fix]]:
        """The fixes to try this round, in report order."""
        built, missing = attach_fixes([f for f in findings if f.code in FIXERS and self.options.wanted(f)], env)
        for item in missing:
            self.skip(item.finding, item.reason)
        found = []
        for finding in built:
            if finding.fix is None:
                continue
            if finding.fix.applicability is Applicability.UNSAFE and not self.options.unsafe:
                self.skip(finding, "unsafe fix (changes behaviour): pass --unsafe")
            elif not set(finding.fix.paths) & set(self.rejected):
                found.append((finding, finding.fix))
        chosen, overlapping = select(found)
        for item in overlapping:
            self.skip(item.finding, item.reason)
        return chosen

    def halve(self, chosen: list[tuple[Finding, Fix]], files: list[str]) -> list[tuple[Finding, Fix]]:
        """The fixes that touch only the first half of ``files``; the others wait for a later round."""
        first = set(files[: len(files) // 2])
        kept = [(f, fix) for f, fix in chosen if set(fix.paths) <= first]
        for finding, fix in chosen:
            if not set(fix.paths) <= first:
                self.skip(finding, "waits for a later round: a new finding appeared and is being traced to a file")
        return kept

    def round(self, project: api.Project, findings: tuple[Finding, ...]
              ) -> tuple[api.Project, tuple[Finding, ...]] | None:  # fmt: skip
        """Build, apply and verify this round's fixes; the re-scanned tree, or None when nothing changed."""
        env = project_env(project, self.overrides, self.parsed)
        chosen = self.candidates(env, findings)
        attempted = bool(chosen)
        while chosen:
            changed, failed = apply_all(env.sources, [fix for _, fix in chosen])
            if not failed:
                trial = {**self.overrides, **changed}
                rescanned = api.load_project(self.root, self.config, jobs=self.options.jobs,
                                             cache_dir=self.options.cache_dir, overrides=trial)  # fmt: skip
                after = _findings(rescanned)
                tolerated = {f.code for f, _ in chosen}
                if tolerated & IMPORT_PATH_CODES:  # a rewritten or repaired import shifts which paths are used
                    tolerated |= IMPORT_PATH_CODES
                failed = verify(findings, after, chosen, changed, tolerated=tolerated)
                unknown = set(failed) == set(changed) and _unexplained(findings, after, changed, tolerated)
                if failed and len(changed) > 1 and unknown:
                    chosen = self.halve(chosen, sorted(changed))  # cannot tell which file: try half of them
                    continue
                if not failed:
                    for path in changed:
                        self.originals.setdefault(path, env.raw[path])
                    self.overrides.update(changed)
                    self.applied += [f for f, _ in chosen]
                    for finding, _ in chosen:
                        self.skipped.pop(finding.fingerprint + finding.location.path, None)
                    return rescanned, after
            self.rejected.update(failed)
            for finding, fix in chosen:
                if set(fix.paths) & set(failed):
                    why = "; ".join(f"{p}: {failed[p]}" for p in fix.paths if p in failed)
                    self.skip(finding, f"file left untouched: {why}")
            chosen = [(f, fix) for f, fix in chosen if not set(fix.paths) & set(failed)]
        return (project, findings) if attempted else None  # fixes deferred or refused: the next round tries the rest


def fix_tree(root: Path, config: Config, options: FixOptions) -> FixOutcome:
    """Fix ``root`` in memory until a fixed point (or ``MAX_ROUNDS``); write nothing (see ``write_fixed``).

    The outcome is the last round after which the tree has no finding the original did not have: rounds whose
    tolerated new findings were not fixed later are rolled back.
    """
    project = api.load_project(root, config, jobs=options.jobs, cache_dir=options.cache_dir)
    findings = _findings(project)
    session = _Session(root, config, options, findings)
    good: tuple[dict[str, bytes], int, api.Project, tuple[Finding, ...]] = ({}, 0, project, findings)  # no new finding
    rounds = 0
    while rounds < MAX_ROUNDS:
        outcome = session.round(project, findings)
        rounds += 1
        if outcome is None:
            break
        project, findings = outcome
        if not _new(session.original, findings):
            good = (dict(session.overrides), len(session.applied), project, findings)
    if _new(session.original, findings):
        extra = _new(session.original, findings)
        for finding in session.applied[good[1]:]:
            session.skip(finding, f"rolled back: later rounds left a new finding {extra[0].code} at "
                                  f"{extra[0].location.path}:{extra[0].location.line}")  # fmt: skip
        session.overrides, session.applied[good[1]:] = dict(good[0]), []
        project, findings = good[2], good[3]
    changed = {p: b for p, b in sorted(session.overrides.items()) if b != session.originals[p]}
    remaining = {f.fingerprint + f.location.path for f in findings}
    skipped = tuple(sorted((s for k, s in session.skipped.items() if k in remaining), key=lambda s: s.finding.sort_key))
    applied = tuple(sorted(session.applied, key=lambda f: f.sort_key))
    return FixOutcome({p: session.originals[p] for p in changed}, changed, applied, skipped, api.audit(project), rounds,
                      project, dict(sorted(session.rejected.items())))  # fmt: skip


def git_dirty(root: Path) -> str | None:
    """None when ``root`` is inside a git work tree with no uncommitted change under it; else what is wrong."""
    where = root if root.is_dir() else root.parent
    try:
        run = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--", "."], capture_output=True,
                             text=True, check=False, timeout=120)  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot run git: {exc}"
    if run.returncode != 0:
        return "not inside a git work tree (nothing to undo the changes with)"
    dirty = [line[3:] for line in run.stdout.splitlines() if line.strip()]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        return f"the git work tree has uncommitted changes ({shown})"
    return None


def write_fixed(root: Path, outcome: FixOutcome) -> dict[str, str]:
    """Write every changed file atomically (temp file + rename, permissions kept), unless its bytes on disk are no
    longer those the fixes were computed from; the files not written -> why."""
    base = root.parent if root.is_file() else root
    refused: dict[str, str] = {}
    for path, data in sorted(outcome.after.items()):
        target = base / path
        try:
            if target.read_bytes() != outcome.before[path]:
                refused[path] = "changed on disk since the scan: not touched"
                continue
            atomic_write(target, data)
        except OSError as exc:
            refused[path] = f"cannot write: {exc.strerror or exc}"
    return refused


def atomic_write(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one rename; the new file keeps the old one's permission bits."""
    mode = target.stat().st_mode
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".ssot-fix")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
