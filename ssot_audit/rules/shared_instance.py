"""A per-user concept is instantiated once and shared.

## What it does
For concepts declared ``per-user = true``: finds a module-level variable (or class attribute) bound to an instance
of a member class (by constructor or by factory call), the ``_instance`` singleton pattern (``cls._instance =
cls()``), ``global`` singletons assigned inside a function, and factories without parameters cached with
``@lru_cache``/``@cache`` (every call returns the same instance; with a ``user_id`` parameter the cache is per
user and fine).

## Why is this bad?
One instance serves every user: messages, connections and state leak from one user's session to another's.

## Example
```python
manager = WebSocketManager()      # module level: every request shares it
```

## Use instead
Create one per user through the factory, at request time, and pass it along.

## Options
Per concept: ``per-user = true``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.concepts import ConceptInfo
from ssot_audit.analysis.facts import B_CLS, CallSite
from ssot_audit.analysis.index import ModuleInfo
from ssot_audit.analysis.resolve import decorator_name
from ssot_audit.analysis.values import ClassValue, FunctionValue, InstanceValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info, shown_name, symbol_of

_CACHES = frozenset({"lru_cache", "cache"})

INFO = make_rule_info("SSOT302", "shared-instance", Severity.ERROR, __doc__)


def _shared_target(ctx: RuleContext, info: ModuleInfo, call: CallSite) -> str | None:
    """How the result is shared: "module-level", "class attribute", "global", or None."""
    target = call.target
    if call.context != "assign" or target is None:
        return None
    if target[0] == "n":
        if not call.scope:
            return "class attribute" if call.in_class else "module-level"
        func = info.facts.functions.get(call.scope)
        return "global" if func is not None and target[1] in func.globals else None
    if target[0] == "a" and target[1] is not None and target[1][0] == "n":
        func = info.facts.functions.get(call.scope)
        owner = func.locals.get(target[1][1], ()) if func is not None else ()
        if any(b.kind == B_CLS for b in owner):
            return "class attribute"
        if any(isinstance(v, ClassValue) for v in ctx.resolver.resolve_name(info.name, call.scope, target[1][1])):
            return "class attribute"
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every shared instance of a per-user concept.

    Units: one per module (its assigned calls and its cached factories). Setup: none."""
    per_user = {cls: c for cls, c in ctx.concepts.concept_of.items() if c.per_user}
    if not per_user:
        return
    # both parts judge a module by its own facts (the resolver and the concepts read no call): asked about
    # ``calls_in``, they read those modules alone
    for info in ctx.judged_modules():
        with ctx.unit(info.name):
            yield from _cached_singletons(ctx, [info], per_user)
            yield from _shared_assignments(ctx, info, per_user)


def _shared_assignments(ctx: RuleContext, info: ModuleInfo, per_user: dict[ClassValue, ConceptInfo]) -> Iterator[Finding]:
    """The calls of ``info`` whose result, a member of a per-user concept, is assigned where every user shares it."""
    for call in info.facts.calls.with_context("assign"):
        how = _shared_target(ctx, info, call)
        if how is None or call.func is None:
            continue
        produced = ctx.resolver.resolve_expr(info.name, call.scope, ("c", call.func))
        instances = sorted((v.cls for v in produced if isinstance(v, InstanceValue) and v.cls in per_user),
                           key=lambda c: c.fullname)  # fmt: skip
        if not instances:
            continue
        cls = instances[0]
        concept = per_user[cls]
        target = call.target
        name = target[1] if target[0] == "n" else target[2]  # type: ignore[index]
        yield make_finding(
            INFO,
            module=info,
            line=call.line,
            column=call.col + 1,
            symbol=symbol_of(info.name, call.scope or call.in_class),
            message=(
                f"{how} instance '{name}' of {shown_name(ctx, cls)} (per-user concept '{concept.name}') is shared by "
                "every user: user isolation risk"
            ),
            fix_hint="create the instance per user at request time through the factory and pass it along",
            key=f"shared:{name}:{cls.fullname}",
            related=[Related(ctx.class_location(cls), f"{cls.qualname} is defined here")],
            facts={"class": cls.fullname, "concept": concept.name, "variable": name, "kind": how},
        )


def _cached_singletons(ctx: RuleContext, judged: list[ModuleInfo],
                       per_user: dict[ClassValue, ConceptInfo]) -> Iterator[Finding]:  # fmt: skip
    """Module-level functions without parameters, memoised by ``@lru_cache``/``@cache``, returning a member."""
    for info, func in ctx.index.iter_functions(judged):
        if "." in func.qualname or func.params or not any(decorator_name(d) in _CACHES for d in func.decorators):
            continue
        returned = ctx.resolver.return_values(FunctionValue(info.name, func.qualname))
        members = sorted((v.cls for v in returned if isinstance(v, InstanceValue) and v.cls in per_user),
                         key=lambda c: c.fullname)  # fmt: skip
        if not members:
            continue
        cls = members[0]
        yield make_finding(
            INFO,
            module=info,
            line=func.line,
            column=func.col + 1,
            symbol=symbol_of(info.name, func.qualname),
            message=(
                f"{func.name}() takes no arguments and is cached, so every caller gets the same {shown_name(ctx, cls)} "
                f"(per-user concept '{per_user[cls].name}'): user isolation risk"
            ),
            fix_hint=f"drop the cache, or key it by user (a user_id parameter) so each user gets their own {shown_name(ctx, cls)}",
            key=f"cached:{func.qualname}:{cls.fullname}",
            related=[Related(ctx.class_location(cls), f"{cls.qualname} is defined here")],
            facts={"class": cls.fullname, "concept": per_user[cls].name, "variable": func.name, "kind": "cached factory"},
        )


RULE = Rule(INFO, check)
