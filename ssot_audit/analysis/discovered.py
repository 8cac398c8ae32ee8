"""Zero-config concepts: live production classes that play one role, clustered around a centre.

Every pair of candidate classes that plays one role (``analysis.similarity``) is an edge. Centres are taken in
order of how likely each is to be the canonical class (returned by a factory, most production importers through
every name, most similar partners, most methods); a centre's cluster is itself and its still-unassigned partners.
So every member resembles the centre itself: a chain A~B~C through one generic member never makes a cluster.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ssot_audit.analysis.names import name_words
from ssot_audit.analysis.roles import CLASS, ORPHAN, TEST_DOUBLE
from ssot_audit.analysis.similarity import MIN_SHARED
from ssot_audit.analysis.values import ClassValue

if TYPE_CHECKING:
    from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel


def discover_concepts(model: ConceptModel) -> list[ConceptInfo]:
    """The discovered concepts of a project (classes already in a configured concept are left out)."""
    taken = {c for concept in model.concepts for c in concept.all_classes()}
    taken.update(v for concept in model.concepts for v, _ in concept.lookalikes)
    roles = model.roles
    # one pass over every class, the cheapest tests first; ``is_candidate`` is ``role == CLASS``
    live_found: list[ClassValue] = []
    satellite_found: list[ClassValue] = []
    methods = model.methods
    for v, role in roles.role.items():
        if (role == CLASS or role == TEST_DOUBLE or role == ORPHAN) and len(methods[v]) >= MIN_SHARED \
                and v not in taken and _top_level(model, v):  # fmt: skip
            (live_found if role == CLASS else satellite_found).append(v)
    candidates = sorted(live_found, key=lambda v: v.fullname)
    satellites = sorted(satellite_found, key=lambda v: v.fullname)
    partners: dict[ClassValue, set[ClassValue]] = defaultdict(set)
    weight: dict[frozenset[ClassValue], float] = {}
    for a, b, comparison in model.similarity.similar_pairs([*candidates, *satellites]):
        partners[a].add(b)
        partners[b].add(a)
        weight[frozenset((a, b))] = comparison.weight
    live = set(candidates)
    returned = {c for c, factories in model._factories.items() if factories}

    def centre_key(v: ClassValue) -> tuple[bool, int, int, int, str]:
        degree = sum(1 for p in partners[v] if p in live)
        return (v not in returned, -model.production_importers(v), -degree, -len(model.methods[v]), v.fullname)

    assigned: set[ClassValue] = set()
    found = []
    for centre in sorted((v for v in live if any(p in live for p in partners[v])), key=centre_key):
        if centre in assigned:
            continue
        members = [centre]
        closest_first = sorted((p for p in partners[centre] if p in live and p not in assigned),
                               key=lambda v: (-weight[frozenset((centre, v))], not model.similarity.same_name(centre, v),
                                              len(model.resolver.mro(v)), v.fullname))  # a base before its subclass
        for partner in closest_first:
            if not any(_related_by_inheritance(model, partner, m) for m in members):
                members.append(partner)  # a base and its subclass are one family, never two duplicates
        if len(members) < 2:
            continue
        assigned.update(members)
        factories = sorted({f for m in members for f in model._factories.get(m, ())}, key=lambda f: f.fullname)
        canonical, reason = model.rank(members, factories)
        attached = model.attach(members)
        for satellite in partners[centre]:
            if satellite not in live and satellite not in attached:
                attached[satellite] = roles.role[satellite]
        public = model.names.public_name(canonical).name
        stem = "-".join(name_words(public.lstrip("_")))
        allowed = tuple(sorted({f.module for f in factories}))
        found.append(model.assemble(stem, "discovered", canonical, reason, members, attached, factories, allowed, False))
    return sorted(found, key=lambda c: c.canonical.fullname)


def _related_by_inheritance(model: ConceptModel, a: ClassValue, b: ClassValue) -> bool:
    return a in model.resolver.mro(b) or b in model.resolver.mro(a)


def _top_level(model: ConceptModel, value: ClassValue) -> bool:
    fact = model.index.find_class(value.module, value.qualname)
    return fact is not None and not fact.scope

