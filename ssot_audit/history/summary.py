"""Counts that the history stores per scan: findings per rule and per concept."""

from __future__ import annotations

from collections.abc import Iterable

from ssot_audit.model import Concept, Finding

# facts keys that hold a qualified name which may belong to a concept (a member, a method of one, a factory)
_SYMBOL_KEYS = ("class", "callee", "symbol", "canonical", "target", "base")


def _concept_index(concepts: Iterable[Concept]) -> dict[str, str]:
    index: dict[str, str] = {}
    for concept in concepts:
        for member in concept.members:
            index.setdefault(member.qualname, concept.name)
        for factory in concept.factories:
            index.setdefault(factory, concept.name)
    return index


def _lookup(name: str, index: dict[str, str]) -> str | None:
    if name in index:
        return index[name]
    owner = name.rsplit(".", 1)[0]  # a method of a member class belongs to the member's concept
    return index.get(owner)


def concept_of(finding: Finding, concepts: Iterable[Concept], *, index: dict[str, str] | None = None) -> str | None:
    """The name of the concept a finding is about, or None.

    Rules that know it say so in ``facts["concept"]``; otherwise the callee, class, symbol or factory named in
    the facts is looked up among the concepts' members and factories. Pass a prebuilt ``index`` (from
    ``concept_index``) when classifying many findings.
    """
    named = finding.facts.get("concept")
    if isinstance(named, str) and named:
        return named
    index = index if index is not None else _concept_index(concepts)
    for key in _SYMBOL_KEYS:
        value = finding.facts.get(key)
        if isinstance(value, str) and (found := _lookup(value, index)) is not None:
            return found
    return None


def concept_index(concepts: Iterable[Concept]) -> dict[str, str]:
    """Qualified name of every member class and factory -> its concept name."""
    return _concept_index(concepts)


def counts_by_rule(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per rule code, sorted by code."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    return dict(sorted(counts.items()))


def counts_by_concept(findings: Iterable[Finding], concepts: Iterable[Concept]) -> dict[str, int]:
    """Number of findings per concept (findings about no concept are not counted); every concept appears."""
    concepts = tuple(concepts)
    index = _concept_index(concepts)
    counts = {c.name: 0 for c in concepts}
    for finding in findings:
        name = concept_of(finding, concepts, index=index)
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))
