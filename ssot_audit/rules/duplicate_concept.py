"""Two or more classes implement one concept.

## What it does
Finds concepts implemented by two or more live classes, and reports each once, on its canonical class, with the
other implementations as related locations. A concept is configured (``[tool.ssot-audit.concepts]``: its
``canonical`` class, or any alias of it; classes its ``name-patterns`` match under any of their names, that
subclass it or its ``bases``, or that have ``method-overlap`` of its public methods) or discovered: live production
classes named for the same thing that play one role, which means sharing rare public methods (weighted by how rare
each name is in the project: ``get``, ``close``, ``start``, ``initialize``, ``to_dict`` weigh little) with agreeing
async-ness; each member must resemble the cluster's centre (no chain A~B~C through one member).

The canonical class is the one the concept's factory returns, else the one with most production importers
(counted through every alias and re-export), then the most complete API. Messages name it by the public name users
import (``WebSocketManager``), with the defining name when it differs (``_WebSocketManagerImplementation``).

Kept out of the implementations, and shown with their role: test doubles (Mock/Fake/Stub/Dummy names, ``unittest.mock``
subclasses, trivial classes in test code, ``test_framework/``, ``mocks/``...), factory guards (SSOT303), shims
(SSOT103), subclasses, facades and adapters (a class that holds or hands its work to a member), orphaned copies
(SSOT105), scripts and examples, enums, exceptions, Protocols/ABCs, records. Never duplicates either: a subclass and
its base, siblings of one project base, implementations of a project Protocol with names of their own
(``RedisStore``, ``MemoryStore``), sync/async twins (``Result``/``AsyncResult``), variants defined side by side in
one module, same-named classes of parallel packages (backends), ``if``/``else`` definitions of one class. A
configured name pattern only narrows: a class it matches that fails the role test is listed as *rejected* with the
reason (``ssot-audit concepts``, and this finding's ``rejected`` facts).

## Why is this bad?
Each copy drifts: a fix lands in one manager and not the others, callers pick whichever they find first, and state
that must be shared (a user's connections) is split between instances of different classes.

## Example
```python
class WebSocketManager:            # app/websocket_core/websocket_manager.py
    async def connect(self, user_id, ws): ...
    async def send_to_user(self, user_id, message): ...

class UnifiedWebSocketManager:     # app/websocket_core/unified_manager.py
    async def connect(self, user_id, ws): ...
    async def send_to_user(self, user_id, message): ...
```

## Use instead
One class, with the methods the others had that it lacks; the others become aliases, then disappear.

## Options
Concepts are declared in ``[tool.ssot-audit.concepts.NAME]``: ``canonical``, ``factories``, ``allowed-creators``,
``name-patterns``, ``bases``, ``per-user``, ``method-overlap`` (default 0.6: the weighted share of the canonical
class's public methods that makes a class of another name a member). ``ssot-audit concepts --format toml`` prints a
block to start from. A configured canonical that is a guard, a test double, an orphaned copy or a class with none of
the matched classes' methods is replaced by the class the factory returns (a warning says which to configure).
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, class_finding, in_units, make_rule_info

INFO = make_rule_info("SSOT101", "duplicate-concept-implementation", Severity.WARNING, __doc__)


def _short(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per concept with two or more live implementations.

    Units: one per concept (its name), reading the concept model and the members' modules (``class_location``).
    Setup: none."""
    model = ctx.concepts
    for concept in in_units(ctx, model.concepts, key=lambda concept: concept.name):  # a concept per unit
        if len(concept.members) < 2:
            continue
        canonical = concept.canonical
        canon_public = model.public(canonical)
        canon_methods = model.methods[canonical]
        matrix = {m.fullname: sorted(model.methods[m]) for m in concept.members}
        missing = sorted(set().union(*(model.methods[m] for m in concept.members[1:])) - canon_methods)
        related = [
            Related(
                ctx.class_location(m),
                f"duplicate implementation {model.names.describe(m)}: shares {len(canon_methods & model.methods[m])} "
                f"of its {len(model.methods[m])} public methods with {_short(canon_public)}",
            )
            for m in concept.members[1:]
        ]
        related += [Related(ctx.class_location(s), f"shim subclass {s.qualname}") for s in concept.shims]
        related += [Related(ctx.class_location(v), f"{role} {v.qualname}") for v, role in concept.lookalikes
                    if role in ("guard", "orphaned-copy", "subclass")]  # fmt: skip
        others = ", ".join(_short(model.public(m)) for m in concept.members[1:])
        defined = f" (defined as {canonical.shown})" if _short(canon_public) != canonical.shown else ""
        yield class_finding(
            INFO,
            ctx,
            canonical,
            message=(
                f"{len(concept.members)} classes implement the concept '{concept.name}': {_short(canon_public)}"
                f"{defined} (canonical: {concept.canonical_reason}) and {others}"
            ),
            fix_hint=(
                f"Keep {canon_public}; move the methods only the others have"
                f"{' (' + ', '.join(missing) + ')' if missing else ''} into it, then turn each duplicate into an "
                "alias and delete it once nothing imports it"
            ),
            key=f"concept:{concept.name}",
            confidence=Confidence.HIGH if concept.origin == "configured" else Confidence.MEDIUM,
            related=related,
            facts={
                "concept": concept.name,
                "origin": concept.origin,
                "canonical": canonical.fullname,
                "canonical_public": canon_public,
                "canonical_reason": concept.canonical_reason,
                "members": [m.fullname for m in concept.members],
                "shims": [s.fullname for s in concept.shims],
                "lookalikes": [{"class": v.fullname, "kind": role} for v, role in concept.lookalikes],
                "rejected": [{"class": v.fullname, "why": why} for v, why in concept.rejected],
                "warnings": list(concept.warnings),
                "method_matrix": matrix,
                "missing_in_canonical": missing,
            },
        )


RULE = Rule(INFO, check)
