"""Impact: the one definition of "what matters most" that every output ranks by.

A concept's size and impact are computed here, from the result alone, and read by the text report, the plan, the
Markdown and HTML reports and the dashboard; no reporter re-counts. The order is lexicographic, so it can be said in
one sentence: certain runtime errors in production code first, then implementations, then importers, then the other
production findings, then findings in tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ssot_audit.model.findings import Finding
from ssot_audit.model.result import AuditResult, Concept

# Roles of a concept member that are live implementations of it (one definition for every output). Shims, aliases,
# guards, test doubles, orphaned copies and classified look-alikes are not.
IMPLEMENTATION_ROLES = frozenset({"canonical", "duplicate"})
# Rules whose findings fail at run time whenever the code runs: an await on a non-awaitable (TypeError), a coroutine
# that never runs, an import of a name that does not exist (ImportError), a construction of a class that always raises.
RUNTIME_ERROR_CODES = frozenset({"SSOT401", "SSOT402", "SSOT203", "SSOT303"})
RANKING_RULE = (
    "ranked by certain runtime errors in production code, then implementations, then importers, then other "
    "production findings, then findings in tests"
)


def implementations(concept: Concept) -> int:
    """How many live classes implement ``concept`` (its canonical class and its duplicates)."""
    return sum(1 for m in concept.members if m.role in IMPLEMENTATION_ROLES)


def is_runtime_error(finding: Finding) -> bool:
    """True for a finding that fails whenever its line runs (see ``RUNTIME_ERROR_CODES``)."""
    return finding.code in RUNTIME_ERROR_CODES


@dataclass(frozen=True, slots=True)
class Impact:
    """The weight of one concept, or of one group of findings outside the concepts (a rule and its target).

    ``key`` is the concept name, or ``CODE:target`` for a group. ``fingerprints`` are the findings it covers, in
    report order.
    """

    key: str
    kind: str  # "concept" | "group" | "rule"
    title: str
    runtime_errors: int  # certain runtime errors in production code
    implementations: int
    importers: int
    production_findings: int
    test_findings: int
    fingerprints: tuple[str, ...] = ()

    @property
    def findings(self) -> int:
        """All findings of the concept or group."""
        return self.production_findings + self.test_findings

    @property
    def sort_key(self) -> tuple[int, int, int, int, int, str]:
        """Most important first (see ``RANKING_RULE``); the key breaks ties, so the order is deterministic."""
        return (-self.runtime_errors, -self.implementations, -self.importers, -self.production_findings,
                -self.test_findings, self.key)  # fmt: skip

    def describe(self) -> str:
        """One line of evidence: ``3 runtime errors in production, 5 implementations, 12 importers, 40 findings``."""
        parts = []
        if self.runtime_errors:
            parts.append(f"{self.runtime_errors} runtime error{'s' * (self.runtime_errors != 1)} in production")
        if self.kind == "concept":
            parts.append(f"{self.implementations} implementation{'s' * (self.implementations != 1)}")
            parts.append(f"{self.importers} importer{'s' * (self.importers != 1)}")
        parts.append(f"{self.findings} finding{'s' * (self.findings != 1)} ({self.test_findings} in tests)")
        return ", ".join(parts)


def concept_of_finding(finding: Finding, owners: Mapping[str, str]) -> str | None:
    """The concept a finding belongs to: named in its facts, or owning the symbol it is about.

    ``owners`` maps qualified names of concept members and factories to their concept (see ``concept_owners``).
    """
    named = finding.facts.get("concept")
    if isinstance(named, str) and named:
        return named
    for key in ("callee", "class", "target", "symbol", "canonical"):
        value = finding.facts.get(key)
        if isinstance(value, str) and value in owners:
            return owners[value]
    return None


def concept_owners(concepts: Iterable[Concept]) -> dict[str, str]:
    """Qualified name of every member and factory -> its concept's name (the first concept wins a name)."""
    owners: dict[str, str] = {}
    for concept in concepts:
        for member in concept.members:
            owners.setdefault(member.qualname, concept.name)
        for factory in concept.factories:
            owners.setdefault(factory, concept.name)
    return owners


def _group_target(finding: Finding) -> str:
    """What a finding outside the concepts is about, so that findings of one cause group together."""
    for key in ("callee", "symbol", "target", "class", "factory", "missing", "name"):  # SSOT203: module.name
        value = finding.facts.get(key)
        if isinstance(value, str) and value:
            return value
    return finding.location.path


@dataclass(frozen=True, slots=True)
class Ranking:
    """Concepts and finding groups of one result, each list most important first."""

    concepts: tuple[Impact, ...]
    groups: tuple[Impact, ...]
    concept_of: Mapping[str, str]  # finding fingerprint -> concept name

    def top(self, n: int = 10) -> tuple[Impact, ...]:
        """The ``n`` most important concepts and groups together."""
        return tuple(sorted((*self.concepts, *self.groups), key=lambda i: i.sort_key)[:n])

    def find_concept(self, name: str) -> Impact | None:
        """The impact of the concept of that name, if any."""
        return next((i for i in self.concepts if i.key == name), None)


def _impact(key: str, kind: str, title: str, findings: list[Finding], *, implementations: int = 0,
            importers: int = 0) -> Impact:  # fmt: skip
    prod = [f for f in findings if not f.in_tests]
    return Impact(
        key=key,
        kind=kind,
        title=title,
        runtime_errors=sum(1 for f in prod if is_runtime_error(f)),
        implementations=implementations,
        importers=importers,
        production_findings=len(prod),
        test_findings=len(findings) - len(prod),
        fingerprints=tuple(f.fingerprint for f in findings),
    )


def rank(result: AuditResult) -> Ranking:
    """Every concept and every group of findings outside the concepts, with its impact, most important first."""
    owners = concept_owners(result.concepts)
    by_concept: dict[str, list[Finding]] = defaultdict(list)
    by_group: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    concept_of: dict[str, str] = {}
    known = {c.name for c in result.concepts}
    for finding in result.findings:
        name = concept_of_finding(finding, owners)
        if name in known:
            assert name is not None
            by_concept[name].append(finding)
            concept_of[finding.fingerprint] = name
        else:
            by_group[(finding.code, _group_target(finding))].append(finding)
    concepts = [
        _impact(c.name, "concept", c.canonical, by_concept.get(c.name, []), implementations=implementations(c),
                importers=c.importers)  # fmt: skip
        for c in result.concepts
    ]
    groups = [_impact(f"{code}:{target}", "group", target, found) for (code, target), found in by_group.items()]
    return Ranking(tuple(sorted(concepts, key=lambda i: i.sort_key)), tuple(sorted(groups, key=lambda i: i.sort_key)),
                   concept_of)  # fmt: skip


def rank_rules(result: AuditResult) -> tuple[Impact, ...]:
    """One ``Impact`` per rule (key: the code, title: the rule's name), most important first, by the same order."""
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_code[finding.code].append(finding)
    rules = [_impact(code, "rule", found[0].name, found) for code, found in by_code.items()]
    return tuple(sorted(rules, key=lambda i: i.sort_key))


def missing_in_canonical(concept: Concept) -> tuple[str, ...]:
    """Public methods some implementation has and the canonical class lacks (what consolidating must move)."""
    live = [m for m in concept.members if m.role in IMPLEMENTATION_ROLES]
    canonical = next((m for m in live if m.qualname == concept.canonical), None)
    have = set(canonical.public_methods) if canonical else set()
    return tuple(sorted({name for m in live for name in m.public_methods} - have))
