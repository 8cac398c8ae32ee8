"""Configured concepts: ``[tool.ssot-audit.concepts.NAME]`` resolved against the code, with the config's mistakes
said plainly.

``canonical``, ``factories`` and ``bases`` may name any alias or re-export; the concept uses what they resolve to.
A configured canonical class that cannot be one (a factory guard whose constructor always raises, a test double,
an orphaned copy, or a class that has none of the other members' public methods) is reported as a warning that
names what to configure instead, and the concept uses that instead, so a plan never aliases production code onto a
guard. ``name-patterns`` match any of a class's names and only narrow: a matched production class joins when it
plays the canonical class's role, else it is recorded as rejected, with why.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from ssot_audit.analysis.roles import CLASS, FACADE, SHIM, SUBCLASS
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.config import ConceptConfig, ConfigError

if TYPE_CHECKING:
    from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel


CONFIGURED = "configured in [tool.ssot-audit.concepts]"  # the reason of a canonical class the configuration names


def _matches(model: ConceptModel, value: ClassValue, patterns: tuple[str, ...]) -> str:
    """The first of ``value``'s names that a pattern matches ("" for none)."""
    for name in sorted(model.names.name_strings(value)):
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return name
    return ""


def _lookups(model: ConceptModel, config: ConceptConfig) -> tuple[list[ClassValue], list[FunctionValue], ClassValue | None]:
    where = f"concepts.{config.name}"
    bases = [model._lookup(b, f"{where}.bases", ClassValue) for b in config.bases]
    factories = [model._lookup(f, f"{where}.factories", FunctionValue) for f in config.factories]
    canonical = model._lookup(config.canonical, f"{where}.canonical", ClassValue) if config.canonical else None
    return bases, factories, canonical  # type: ignore[return-value]


def _matched(model: ConceptModel, config: ConceptConfig, anchors: set[ClassValue]) -> dict[ClassValue, str]:
    """Classes a pattern names or that subclass an anchor, with how they matched."""
    found: dict[ClassValue, str] = {}
    for value in model.roles.role:
        fact = model.index.find_class(value.module, value.qualname)
        if fact is None or fact.scope:
            continue
        name = _matches(model, value, config.name_patterns) if config.name_patterns else ""
        if name:
            found[value] = f"its name {name} matches {', '.join(config.name_patterns)}"
        elif any(a in model.resolver.mro(value)[1:] for a in anchors):
            found[value] = "subclass"
    return found


def _choose_canonical(model: ConceptModel, config: ConceptConfig, configured: ClassValue | None,
                      factories: list[FunctionValue], matched: dict[ClassValue, str]) -> tuple[ClassValue, str, list[str]]:  # fmt: skip
    """The canonical class, why, and warnings about the configured one."""
    warnings: list[str] = []
    problem = model.canonical_problem(configured) if configured is not None else ""
    if configured is not None and not problem:
        matched_api = set().union(*(model.methods[v] for v in matched
                                    if model.roles.role.get(v) == "class" and v != configured))  # fmt: skip
        if matched_api and not model.methods[configured] & matched_api:
            problem = "a class with none of the public methods of the classes its name patterns match"
    if configured is not None and not problem:
        via = model.names.lookup(config.canonical).via_alias
        reason = CONFIGURED
        if via:
            reason += f" as {config.canonical}, an alias of {configured.fullname}"
        return configured, reason, warnings
    returned = [c for f in factories for c in model.returned_classes(f) if model.roles.role.get(c) == CLASS]
    pool = returned or [v for v in matched if model.roles.role.get(v) == CLASS]
    if not pool:
        if configured is not None:
            return configured, CONFIGURED, [
                f"canonical '{config.canonical}' is {problem} and no other class qualifies"]
        raise ConfigError(f"'concepts.{config.name}': no class matches; set 'canonical' or 'name-patterns'")
    canonical, reason = model.rank(sorted(set(pool), key=lambda v: v.fullname), factories)
    if configured is not None:
        resolved = f" (it resolves to {configured.fullname})" if configured.fullname != config.canonical else ""
        warnings.append(f"canonical '{config.canonical}'{resolved} is {problem}: using {model.public(canonical)} "
                        f"instead ({reason}); set canonical = \"{model.public(canonical)}\"")  # fmt: skip
        reason = f"{reason}; the configured {config.canonical} is {problem}"
    return canonical, reason, warnings


def build_configured(model: ConceptModel, config: ConceptConfig) -> ConceptInfo:
    """The concept ``config`` declares, resolved against the scanned code."""
    bases, factories, configured = _lookups(model, config)
    anchors = set(bases) | ({configured} if configured is not None else set())
    matched = _matched(model, config, anchors)
    canonical, reason, warnings = _choose_canonical(model, config, configured, factories, matched)
    members = [canonical]
    attached: dict[ClassValue, str] = {}
    rejected: list[tuple[ClassValue, str]] = []
    for value, how in sorted(matched.items(), key=lambda p: p[0].fullname):
        role = model.roles.role[value]
        if value == canonical:
            continue
        if role != CLASS:
            attached[value] = role
        elif canonical in model.resolver.mro(value)[1:]:
            attached[value] = SUBCLASS
        elif any(b in model.resolver.mro(value)[1:] for b in bases):
            members.append(value)  # a declared family: every implementation of the configured base
        else:
            comparison = model.similarity.compare(value, canonical, declared=True)
            if comparison.same_role:
                members.append(value)
            elif comparison.facade:
                attached[value] = FACADE
            else:
                rejected.append((value, f"{how}, but {comparison.reason} with {canonical.qualname}"))
    members += _by_methods(model, config, canonical, set(matched) | set(members))
    for value, role in model.attach(members).items():
        attached.setdefault(value, role)
    concept = model.assemble(config.name, "configured", canonical, reason, members, attached, factories,
                             config.allowed_creators, config.per_user)  # fmt: skip
    concept.rejected = rejected
    concept.warnings = warnings
    return concept


def _by_methods(model: ConceptModel, config: ConceptConfig, canonical: ClassValue, seen: set[ClassValue]) -> list[ClassValue]:
    """Production classes, whatever their name, that have ``method-overlap`` of the canonical class's (weighted)
    public methods and play its role (``RealtimeHub`` implementing the manager under another name)."""
    canon = model.methods[canonical]
    needed = config.method_overlap * model.similarity.weigh(canon)
    if len(canon) < 3:
        return []
    found = []
    for value, role in model.roles.role.items():
        if role != CLASS or value in seen or value == canonical:
            continue
        shared = canon & model.methods[value]
        if len(shared) >= 3 and model.similarity.weigh(shared) >= needed and model.similarity.compare(value, canonical, declared=True).same_role:
            found.append(value)
    return sorted(found, key=lambda v: v.fullname)
