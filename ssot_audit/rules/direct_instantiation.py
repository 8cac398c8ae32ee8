"""A concept class is constructed directly instead of through its factory.

## What it does
Finds calls that construct a member of a concept (its canonical class, a duplicate, a shim; also through an alias
or a re-export) outside the concept's factories, outside the class's own methods, and outside the modules listed
in ``allowed-creators``. Applies to concepts that have a factory (configured, or discovered: a ``get_*``/
``create_*``... function returning a member) or declared ``allowed-creators``.

## Why is this bad?
The factory is where per-user isolation, registration and clean-up happen. An instance built directly is invisible
to it: connections end up shared between users, or are never closed.

## Example
```python
manager = UnifiedWebSocketManager(user_id)
```

## Use instead
```python
manager = get_websocket_manager(user_id)
```

## Fix
Unsafe (``--unsafe``): the call becomes a call of the concept's factory (imported from its module when the file
does not import it yet), when the class's ``__init__`` and the factory take the same parameters in the same order
and the call unpacks nothing. Unsafe because the factory may cache, register or share: the point of the change.

## Options
Per concept: ``factories`` and ``allowed-creators`` (module globs such as ``app.websocket_core.*``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.values import UNKNOWN, ClassValue
from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import (
    Rule, RuleContext, call_finding, in_module_units, make_rule_info, names_bound_to, shown_name,
)

INFO = make_rule_info("SSOT301", "direct-instantiation", Severity.WARNING, __doc__, fix="unsafe")


def _inside(scope: str, qualname: str) -> bool:
    return scope == qualname or scope.startswith(qualname + ".")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every construction of a concept class outside its allowed creators.

    Units: one per module (its calls of the checked classes' names, ``in_module_units``). Setup: ``names_bound_to``."""
    concept_of = ctx.concepts.concept_of
    checked = {cls for cls, c in concept_of.items() if c.origin == "configured" and (c.factories or c.allowed_creators)}
    if not checked:
        return
    names = names_bound_to(ctx, checked)
    # each module's calls judged in its unit
    for info, call in in_module_units(ctx, ctx.index.find_calls_named(names, ctx.judged_names())):
        values = ctx.resolver.resolve_expr(info.name, call.scope, call.func)
        classes = [v for v in values if isinstance(v, ClassValue) and v in concept_of]
        if not classes:
            continue
        cls = min(classes, key=lambda v: v.fullname)
        concept = concept_of[cls]
        if concept.origin != "configured" or not (concept.factories or concept.allowed_creators):
            continue
        if concept.allows_creation_in(info.name):
            continue
        if any(f.module == info.name and _inside(call.scope, f.qualname) for f in concept.factories):
            continue
        if cls.module == info.name and _inside(call.scope, cls.qualname):
            continue
        factory = concept.factories[0] if concept.factories else None
        instead = f"call {factory.fullname}(...)" if factory else f"create it in {', '.join(concept.allowed_creators)}"
        yield call_finding(
            INFO,
            module=info,
            call=call,
            message=(
                f"{shown_name(ctx, cls)} of the concept '{concept.name}' is constructed directly, bypassing "
                + (f"its factory {factory.qualname}()" if factory else "its allowed creators")
                + (": this instance is not isolated per user" if concept.per_user else "")
            ),
            fix_hint=instead,
            key=f"new:{cls.fullname}",
            confidence=Confidence.HIGH if len(values) == 1 and UNKNOWN not in values else Confidence.MEDIUM,
            related=[Related(ctx.class_location(cls), f"{cls.qualname} is defined here")]
            + ([Related(ctx.function_location(factory), "the factory to use")] if factory else []),
            facts={"class": cls.fullname, "concept": concept.name,
                   "factory": factory.fullname if factory else None},  # fmt: skip
        )


RULE = Rule(INFO, check)
