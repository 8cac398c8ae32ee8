"""The result of a scan: findings plus the whole-program facts later stages (plan, report, dashboard) need."""

from __future__ import annotations

from dataclasses import dataclass, field

from ssot_audit.model.baseline import BaselineComparison, SuppressedFinding
from ssot_audit.model.findings import Finding, Location, RuleInfo
from ssot_audit.model.sources import ImportRef, SourceExcerpt


@dataclass(frozen=True, slots=True)
class ConceptMember:
    """A class taking part in a concept: an implementation, alias, shim or classified look-alike."""

    qualname: str
    location: Location
    role: str  # "canonical" | "duplicate" | "shim" | "subclass" | "guard" | "test-double" | "orphaned-copy" | ...
    public_methods: tuple[str, ...] = ()
    async_methods: tuple[str, ...] = ()
    importers: int = 0  # number of project modules that import it
    public_name: str = ""  # the dotted name users import it by, when it is not ``qualname`` (an alias, a re-export)
    names: tuple[str, ...] = ()  # every other module-level name it is bound to (``module.Alias``), sorted


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept ("the WebSocket manager") and what implements it.

    ``origin`` is "configured" (from ``[tool.ssot-audit.concepts]``) or "discovered" (zero-config cluster).
    ``canonical_reason`` says why the canonical member was chosen.
    """

    name: str
    origin: str
    canonical: str
    canonical_reason: str
    members: tuple[ConceptMember, ...]
    factories: tuple[str, ...] = ()
    per_user: bool = False
    importers: int = 0  # distinct project modules importing any member or factory, through any of their names
    rejected: tuple[tuple[str, str], ...] = ()  # (class, why): matched a name pattern but failed the role test
    warnings: tuple[str, ...] = ()  # about its configuration (a configured canonical that is a guard...)


@dataclass(frozen=True, slots=True)
class ScanStats:
    """What was scanned."""

    files: int
    lines: int
    modules: int
    parse_failures: int


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Everything a scan found, deterministic for a given input (no timestamps, no absolute paths)."""

    tool_version: str
    root: str
    stats: ScanStats
    findings: tuple[Finding, ...]
    concepts: tuple[Concept, ...] = ()
    rules: tuple[str, ...] = ()  # codes of the rules that ran
    import_edges: tuple[tuple[str, str], ...] = field(default=())  # runtime module import edges, sorted
    # For the plan and the HTML report, which must work from a findings file alone (see model/sources.py):
    modules: tuple[tuple[str, str], ...] = ()  # (module name, repo-relative path) of every analysed module, sorted
    symbol_imports: tuple[ImportRef, ...] = ()  # imports of concept classes and factories (and factory copies)
    excerpts: tuple[SourceExcerpt, ...] = ()  # source lines near findings, capped, sorted by path and line
    suppressed: tuple[SuppressedFinding, ...] = ()  # silenced by ``# ssot: ignore[...]`` comments, sorted
    baseline: BaselineComparison | None = None  # set when a baseline was applied: ``findings`` are then the new ones
    rule_info: tuple[RuleInfo, ...] = ()  # catalog entries of the rules that ran, in code order (SARIF rules table)
