"""Which rules have a fix, and the fix of each finding: ``FIXERS`` maps a rule code to the function that builds
it from the finding and the parsed files. Every import rewrite takes "the module and name to import instead" from
``import_target`` (one place), so the facts a rule gives are read the same way by every fix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import libcst as cst

from ssot_audit.fix.awaits import add_await, drop_await
from ssot_audit.fix.construct import Signature, use_factory
from ssot_audit.fix.cst import NeedsWholeFile, ParsedFile, parse_file
from ssot_audit.fix.engine import Skipped
from ssot_audit.fix.imports import Importer, rewrite_import, rewrite_imports
from ssot_audit.fix.text import SourceError, SourceText
from ssot_audit.model import Applicability, Edit, Finding, Fix

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ImportUse:
    """One ``from SOURCE import NAME [as BOUND]`` of a project symbol (for the usage fixes of aliases and shims)."""

    path: str
    line: int
    column: int  # 1-based, UTF-8 bytes (as the scan reports it)
    source: str
    name: str
    star: bool = False


@dataclass
class FixEnv:
    """What fixes read besides the finding: the files (read once, parsed once), who is which module, who imports
    what. Built by the API from a loaded project."""

    read: Callable[[str], bytes]  # repo-relative path -> bytes (OSError when unreadable)
    importers: Mapping[str, Importer]  # repo-relative path -> module
    uses: Callable[[str, str], Sequence[ImportUse]]  # (module, name) -> imports of that name from that module
    signature: Signature = lambda fullname: None  # parameter names of a function, or of a class's __init__
    # (path, size in bytes) -> the last line of each top-level statement and whether it is a ``from ... import``,
    # from the scan's facts when they were made from a file of that size (None: ``ast`` finds them)
    statements: Callable[[str, int], Sequence[tuple[int, bool]] | None] = lambda path, size: None
    sources: dict[str, SourceText] = field(default_factory=dict)  # what each fix was computed from
    raw: dict[str, bytes] = field(default_factory=dict)  # the bytes behind ``sources``
    reuse: dict[tuple[str, str], ParsedFile | str] = field(default_factory=dict)  # (path, sha256) -> parsed, shared
    wanted: dict[str, set[int]] = field(default_factory=dict)  # path -> lines fixes point at (its head is parsed)
    whole: set[str] = field(default_factory=set)  # paths a fix needed whole
    _keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> its key in ``reuse``

    def parsed(self, path: str) -> ParsedFile | str:
        """The parsed file (its head, unless a fix needed it whole), or why it cannot be fixed. Read once, parsed
        once per content (twice when a fix needs more than its head): rounds share ``reuse``."""
        if path not in self.raw:
            try:
                self.raw[path] = self.read(path)
            except OSError as exc:
                return f"cannot read: {exc.strerror or exc}"
            self._keys[path] = (path, hashlib.sha256(self.raw[path]).hexdigest())  # hashed once, not per fix
        data, key = self.raw[path], self._keys[path]
        found = self.reuse.get(key)
        if found is None or (path in self.whole and not isinstance(found, str) and found.covered is not None):
            lines = None if path in self.whole else self.wanted.get(path, ())
            statements = self.statements(path, len(data)) if lines is not None else None
            try:
                source = SourceText.decode(data)
                try:
                    found = parse_file(path, source, lines, statements)
                except SourceError:
                    if statements is None:
                        raise
                    found = parse_file(path, source, lines)  # the facts may be of other bytes of that size
            except SourceError as exc:
                found = str(exc)
            self.reuse[key] = found
        if not isinstance(found, str):
            self.sources[path] = found.source
        return found


def import_target(finding: Finding) -> tuple[str, str] | None:
    """(module, name) an import should read instead, from the finding's facts; None when they do not say.

    Prefers explicit ``canonical_module``/``canonical_name`` facts (the canonical public name), else the
    canonical path (SSOT201), the alias target (SSOT102) or the shim's base (SSOT103) with the definition's name.
    """
    facts = finding.facts
    if facts.get("canonical_module") and facts.get("canonical_name"):
        return str(facts["canonical_module"]), str(facts["canonical_name"])
    if facts.get("canonical_path") and facts.get("canonical_name"):  # SSOT201: the path and the public name
        return str(facts["canonical_path"]), str(facts["canonical_name"])
    if facts.get("canonical_path") and facts.get("symbol"):
        return str(facts["canonical_path"]), str(facts["symbol"]).rsplit(".", 1)[-1]
    definition = facts.get("target") or facts.get("base")
    if definition and "." in str(definition):
        module, _, name = str(definition).rpartition(".")
        return module, name
    return None


def _fix_import(finding: Finding, env: FixEnv) -> Fix | str:
    """SSOT201: the import at the finding reads the canonical module instead."""
    loc = finding.location
    target = import_target(finding)
    if target is None:  # asked before parsing: an attribute read past line 30,000 of a test file cost a whole parse
        return "the finding does not name the module to import from"
    parsed = env.parsed(loc.path)
    if isinstance(parsed, str):
        return parsed
    alias = parsed.find(cst.ImportAlias, loc.line, loc.column)
    if alias is None:
        return "no 'from ... import name' at the finding's position"
    edits = rewrite_import(parsed, alias, env.importers[loc.path], module=target[0], name=target[1])
    if isinstance(edits, str):
        return edits
    return Fix(f"import {target[1]} from {target[0]}", Applicability.SAFE, tuple(edits))


def _fix_usages(finding: Finding, env: FixEnv) -> Fix | str:
    """SSOT102 / SSOT103: every ``from M import Alias`` of the alias or shim imports what it stands for instead."""
    target = import_target(finding)
    if target is None or not finding.location.symbol:
        return "the finding does not name the class it stands for"
    module, _, alias_name = finding.location.symbol.rpartition(".")
    edits: list[Edit] = []
    for use in env.uses(module, alias_name):
        if use.star:
            return f"{use.path}:{use.line} star-imports {module}: left alone"
        parsed = env.parsed(use.path)
        if isinstance(parsed, str):
            return f"{use.path}: {parsed}"
        alias = parsed.find(cst.ImportAlias, use.line, use.column)
        if alias is None:
            return f"{use.path}:{use.line}: no 'from ... import {alias_name}' there"
        found = rewrite_import(parsed, alias, env.importers[use.path], module=target[0], name=target[1], own_name=True)
        if isinstance(found, str):
            return f"{use.path}:{use.line}: {found}"
        edits += found
    if not edits:
        return f"nothing imports {alias_name} from {module}"
    return Fix(f"import {target[1]} from {target[0]} where {alias_name} was imported", Applicability.SAFE, tuple(edits))


def _fix_construction(finding: Finding, env: FixEnv) -> Fix | str:
    """SSOT301: the factory instead of the constructor."""
    parsed = env.parsed(finding.location.path)
    if isinstance(parsed, str):
        return parsed
    return use_factory(finding, parsed, env.importers[finding.location.path], env.signature)


def _in_file(build: Callable[[Finding, ParsedFile], Fix | str]) -> Callable[[Finding, FixEnv], Fix | str]:
    def run(finding: Finding, env: FixEnv) -> Fix | str:
        parsed = env.parsed(finding.location.path)
        return parsed if isinstance(parsed, str) else build(finding, parsed)

    return run


FIXERS: dict[str, Callable[[Finding, FixEnv], Fix | str]] = {
    "SSOT102": _fix_usages,
    "SSOT103": _fix_usages,
    "SSOT201": _fix_import,
    "SSOT301": _fix_construction,
    "SSOT203": _fix_import,
    "SSOT401": _in_file(drop_await),
    "SSOT402": _in_file(add_await),
}


def _grouped_imports(findings: Sequence[Finding], env: FixEnv) -> dict[int, Fix | str]:
    """One fix for the path findings on names of one import statement that move to one module (by position in
    ``findings``): applied together, they need not wait for one another round after round."""
    groups: dict[tuple[str, int, str], list[tuple[int, cst.ImportAlias, str]]] = {}
    for number, finding in enumerate(findings):
        target = import_target(finding) if finding.code in ("SSOT201", "SSOT203") else None
        if target is None:
            continue  # nothing to group (SSOT102/103 fixes never read their own file): the file is not parsed for it
        parsed = env.parsed(finding.location.path)
        if isinstance(parsed, str):
            continue
        alias = parsed.find(cst.ImportAlias, finding.location.line, finding.location.column)
        stmt = parsed.parent(alias) if alias is not None else None
        if alias is not None and stmt is not None:
            groups.setdefault((finding.location.path, id(stmt), target[0]), []).append((number, alias, target[1]))
    fixes: dict[int, Fix | str] = {}
    for (path, _, module), members in groups.items():
        if len(members) < 2:
            continue
        parsed = env.parsed(path)
        assert not isinstance(parsed, str)
        moves = list({id(alias): (alias, name) for _, alias, name in members}.values())
        edits = rewrite_imports(parsed, moves, env.importers[path], module=module)
        names = ", ".join(name for _, name in moves)
        fix = edits if isinstance(edits, str) else Fix(f"import {names} from {module}", Applicability.SAFE, tuple(edits))
        fixes.update((number, fix) for number, _, _ in members)
    return fixes


def attach_fixes(findings: Sequence[Finding], env: FixEnv) -> tuple[tuple[Finding, ...], tuple[Skipped, ...]]:
    """The findings with their fix attached where one can be built, and the fixable ones left without (and why)."""
    out: list[Finding] = []
    missing: list[Skipped] = []
    for finding in findings:
        if finding.code in FIXERS:
            env.wanted.setdefault(finding.location.path, set()).add(finding.location.line)
    try:
        grouped = _whole_on_demand(lambda: _grouped_imports(findings, env), env)
    except (SourceError, ValueError, IndexError, KeyError):
        grouped = {}  # each finding gets its own fix below
    for number, finding in enumerate(findings):
        build = FIXERS.get(finding.code)
        if build is None:
            out.append(finding)
            continue
        try:
            fix = grouped[number] if number in grouped else _whole_on_demand(lambda: build(finding, env), env)
        except (SourceError, ValueError, IndexError, KeyError) as exc:  # a fix that cannot be built loses nothing
            fix = f"no fix could be built: {exc}"
        if isinstance(fix, str):
            missing.append(Skipped(finding, fix))
            out.append(finding)
        else:
            out.append(replace(finding, fix=fix))
    return tuple(out), tuple(missing)


def _whole_on_demand(build: Callable[[], T], env: FixEnv) -> T:
    """``build()``, again with the file parsed whole each time it needed more than the head parsed (it starts over:
    nodes of a file's head and of the whole file are different objects)."""
    while True:
        try:
            return build()
        except NeedsWholeFile as request:
            if request.path in env.whole:  # pragma: no cover - a whole file covers every line
                raise SourceError(f"{request.path}: parsed whole and still short") from request
            env.whole.add(request.path)
