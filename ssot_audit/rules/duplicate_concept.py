"""Two or more classes implement one concept.

## What it does
Finds clusters of classes that implement the same concept: a configured concept (classes matching its
``name-patterns``, subclassing its canonical class or ``bases``, or sharing most of the canonical class's public
methods) or, with no configuration, classes whose names share a stem (``WebSocketManager``,
``UnifiedWebSocketManager``, ``WebSocketConnectionManager``) and that share at least half of their public methods.
One finding per cluster, on the canonical class; the other members are related locations. Enums, exceptions,
Protocols/ABCs, dataclass records, test doubles and examples (classes under ``docs/`` or ``examples/``) are
classified and never counted as implementations; subclasses that add nothing are shims (SSOT103). Neither a
subclass and its base, nor methods inherited from a common project ancestor, nor ``if/else`` definitions of one
class in one module count as duplication.

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
``name-patterns``, ``bases``, ``per-user``, ``method-overlap`` (default 0.6).
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info("SSOT101", "duplicate-concept-implementation", Severity.WARNING, __doc__)


def _short(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per concept with two or more live implementations."""
    model = ctx.concepts
    for concept in model.concepts:
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
        info = ctx.index.get_module(canonical.module)
        location = ctx.class_location(canonical)
        defined = f" (defined as {canonical.qualname})" if _short(canon_public) != canonical.qualname else ""
        yield make_finding(
            INFO,
            module=info,
            line=location.line,
            column=location.column,
            symbol=canonical.fullname,
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
