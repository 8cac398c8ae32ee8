"""A class whose constructor always raises is constructed: a certain runtime error.

## What it does
Finds calls that construct a *factory guard*: a class whose ``__init__`` (or ``__new__``, the first one along its
MRO) raises on every path, typically to force callers through a factory (``raise RuntimeError("use
get_websocket_manager()")``). The call is followed through aliases and re-exports (``WebSocketManager =
_WebSocketManagerFactory``). Calls inside ``with pytest.raises(...)``, ``assertRaises``, ``contextlib.suppress`` or
a ``try`` block with a handler expect the exception and are not reported, nor are calls inside the class itself.

## Why is this bad?
Every execution of that line raises. When the guard is exported under the name people expect for the real class
(``from ...websocket_manager import WebSocketManager``), code that looks right fails at run time.

## Example
```python
class _WebSocketManagerFactory:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("use get_websocket_manager()")

WebSocketManager = _WebSocketManagerFactory
manager = WebSocketManager(user_id)      # RuntimeError
```

## Use instead
```python
manager = get_websocket_manager(user_id)
```

## Options
None. Error in production code, warning in tests.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from ssot_audit.analysis.roles import GUARD
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, call_finding, in_module_units, make_rule_info, names_bound_to

INFO = make_rule_info("SSOT303", "guard-instantiation", Severity.ERROR, __doc__)


def _expected(spans: list[tuple[int, int]], line: int) -> bool:
    """True when ``line`` falls in a span where an exception is expected."""
    starts = sorted(spans)
    i = bisect_right(starts, (line, 1 << 30))
    return any(start <= line <= end for start, end in starts[max(0, i - 8):i])


def _factory_for(ctx: RuleContext, guard: ClassValue) -> FunctionValue | None:
    """The factory to call instead: the one of the concept the guard belongs to, else one in the guard's module."""
    for concept in ctx.concepts.concepts:
        if concept.factories and any(v == guard for v, _ in concept.lookalikes):
            return concept.factories[0]
    for function in sorted(ctx.concepts.factories_in(guard.module), key=lambda f: f.qualname):
        return function
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every construction of a guard outside code that expects it to raise.

    Units: one per module (its calls of the guards' names, ``in_module_units``). Setup: ``names_bound_to``."""
    roles = ctx.concepts.roles
    guards = {v for v, role in roles.role.items() if role == GUARD}
    if not guards:
        return
    names = names_bound_to(ctx, guards)
    # each module's calls judged in its unit
    for info, call in in_module_units(ctx, ctx.index.find_calls_named(names, ctx.judged_names())):
        if _expected(info.facts.raise_spans, call.line):
            continue
        values = ctx.resolver.resolve_expr(info.name, call.scope, call.func)
        hits = sorted((v for v in values if isinstance(v, ClassValue) and v in guards), key=lambda v: v.fullname)
        if not hits or len(hits) != len(values):
            continue  # only when every candidate raises: a guard or a real class is not a certain error
        guard = hits[0]
        if info.name == guard.module and (call.scope + ".").startswith(guard.qualname + "."):
            continue
        raiser = roles.guard_raise(guard)
        assert raiser is not None
        method, exception = raiser
        factory = _factory_for(ctx, guard)
        shown = call.func[1] if call.func[0] == "n" else call.func[2]  # type: ignore[index]
        yield call_finding(
            INFO,
            module=info,
            call=call,
            message=(f"{shown}(...) constructs {guard.qualname}, whose {method.qualname.rsplit('.', 1)[-1]} always "
                     f"raises {exception}: this line fails whenever it runs"),  # fmt: skip
            fix_hint=f"call {ctx.concepts.public(factory)}(...) instead" if factory else "use the class's factory instead",
            key=f"guard:{guard.fullname}",
            severity=Severity.WARNING if info.is_test else Severity.ERROR,
            related=[Related(ctx.function_location(method), f"{method.qualname} raises {exception}")]
            + ([Related(ctx.function_location(factory), "the factory to use")] if factory else []),
            facts={"class": guard.fullname, "exception": exception, "called_as": shown,
                   "factory": factory.fullname if factory else None},  # fmt: skip
        )


RULE = Rule(INFO, check)
