"""What the callee of one call site can be, with the flow facts of its function (see flow.py) applied.

The resolver answers flow-insensitively: ``obj.m`` is the class's method wherever it is read. Within one function
that is wrong after ``obj.m = wrapper``, ``patch.object(obj, "m", new=...)`` or ``monkeypatch.setattr(
"pkg.this_module.factory", fake)``: from there on the call reaches the stored value. And a call on a branch that
its guard rules out (the ``else`` of ``if asyncio.iscoroutinefunction(obj.m)``, the body of ``if not hasattr(x,
"m")``) never runs with the callee the resolver found.
"""

from __future__ import annotations

from ssot_audit.analysis.facts import B_ASSIGN, CallSite, Expr, Rebind
from ssot_audit.analysis.index import ModuleInfo
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import UNKNOWN, ClassValue, FunctionValue, InstanceValue, ModuleValue, Value

Values = frozenset[Value]
_UNKNOWN_SET: Values = frozenset({UNKNOWN})
_MAX_DEPTH = 30


def reads(expr: Expr, part: Expr) -> bool:
    """True when ``part`` is ``expr`` or one of its bases (``x.helper`` in ``x.helper.m()``)."""
    depth = 0
    while expr is not None and depth < _MAX_DEPTH:
        if expr == part:
            return True
        if expr[0] not in ("a", "c", "w", "i"):
            return False
        expr = expr[1]
        depth += 1
    return False


def ruled_out(info: ModuleInfo, call: CallSite, *, awaited: bool) -> bool:
    """The guards of the call's branch rule out the callee the rules resolve: an ``await`` under
    ``iscoroutinefunction``/``isawaitable`` of it (``awaited``), a bare call under their negation, or any call of
    ``x.m`` where ``hasattr(x, "m")`` is false (dead code when ``m`` exists), unless the function stores ``x.m``
    before the call (``if not hasattr(self, "_cache"): self._cache = []``, lazy initialisation)."""
    for guard in call.guards:
        if guard.kind == "has":
            attribute = ("a", guard.expr, guard.attr)
            if not guard.truth and reads(call.func, attribute) and not any(
                r.target == attribute and _covers(info, r, call) for r in info.facts.rebinds
            ):
                return True
        elif guard.truth == awaited and guard.expr in (call.func, ("c", call.func)):
            return True
    return False


def _covers(info: ModuleInfo, rebind: Rebind, call: CallSite) -> bool:
    if call.scope != rebind.scope and not call.scope.startswith(rebind.scope + "."):
        return False
    return rebind.line < call.line or rebind.scope in info.facts.classes  # a class-wide patch precedes every test


class _CallFlow:
    """Resolves one call's callee with the rebindings that precede it in its function."""

    def __init__(self, resolver: Resolver, info: ModuleInfo, call: CallSite, rebinds: list[Rebind]) -> None:
        self.resolver = resolver
        self.info = info
        self.scope = call.scope
        # class-wide patches first (they run before the test body), then the function's own in source order
        self.rebinds = sorted(rebinds, key=lambda r: (r.scope not in info.facts.classes, r.line))
        self.targets = [r.target for r in self.rebinds if r.target is not None]
        self.dotted_attrs = {r.dotted.rsplit(".", 1)[-1] for r in self.rebinds if r.dotted}

    def resolve(self, expr: Expr, depth: int = 0) -> Values:
        """``expr`` in the call's scope, with every rebinding that reaches it applied."""
        if expr is None or depth > _MAX_DEPTH or not self._may_be_rebound(expr):
            return self.resolver.resolve_expr(self.info.name, self.scope, expr)
        matching = [r for r in self.rebinds if r.target == expr or (r.dotted and self._is_dotted(r.dotted, expr, depth))]
        last = max((i for i, r in enumerate(matching) if not r.conditional), default=-1)
        keep_plain = last < 0
        result: set[Value] = set()
        for rebind in matching[max(last, 0):]:  # the last sure rebinding, and the ones that may follow it
            values = self._value(rebind)
            if values == _UNKNOWN_SET and rebind.value is not None and rebind.value[0] in ("n", "a"):
                keep_plain = True  # ``self.m: Manager = m``: an unresolved name says less than the class knows
            result |= values
        if keep_plain:
            result |= self._plain(expr, depth)
        return frozenset(result) or _UNKNOWN_SET

    def _may_be_rebound(self, expr: Expr) -> bool:
        if any(reads(expr, target) for target in self.targets):
            return True
        part = expr
        while self.dotted_attrs and part is not None and part[0] in ("a", "c", "w", "i", "n"):
            if part[-1] in self.dotted_attrs:
                return True
            part = part[1] if part[0] != "n" else None
        return False

    def _plain(self, expr: Expr, depth: int) -> Values:
        """``expr`` itself resolved one step, its parts with the rebindings applied."""
        assert expr is not None
        tag = expr[0]
        if tag not in ("a", "c", "w"):
            return self.resolver.resolve_expr(self.info.name, self.scope, expr)
        result: set[Value] = set()
        for value in self.resolve(expr[1], depth + 1):
            if tag == "a":
                result |= self.resolver.attribute(value, expr[2])
            elif tag == "c":
                result |= self.resolver.call_result(value)
            else:
                result |= self.resolver.await_result(value)
        return frozenset(result) or _UNKNOWN_SET

    def _value(self, rebind: Rebind) -> Values:
        if rebind.value is None:  # ``patch(...)`` without ``new``: a MagicMock or AsyncMock, anything
            return _UNKNOWN_SET
        scope = rebind.scope if rebind.scope in self.info.facts.functions else ""
        return self.resolver.resolve_expr(self.info.name, scope, rebind.value)

    def _is_dotted(self, dotted: str, expr: Expr, depth: int) -> bool:
        """Whether ``patch("pkg.mod.f")`` rebinds what ``expr`` reads: this module's global ``f``, ``mod.f``
        through the module, or ``Class.f`` through the class, an instance or a subclass that inherits it."""
        assert expr is not None
        if expr[0] == "n":
            return dotted == f"{self.info.name}.{expr[1]}" and not self._is_local(expr[1])
        if expr[0] != "a" or not dotted.endswith("." + expr[2]):
            return False
        owner = dotted[: -len(expr[2]) - 1]
        for value in self.resolve(expr[1], depth + 1):
            if isinstance(value, ModuleValue) and value.name == owner:
                return True
            cls = value.cls if isinstance(value, InstanceValue) else value if isinstance(value, ClassValue) else None
            if cls is not None and self._defining_class(cls, expr[2]) == owner:
                return True
        return False

    def _defining_class(self, cls: ClassValue, attr: str) -> str:
        """The class of ``cls``'s MRO whose ``attr`` a lookup finds: a patch of a base's method does not reach a
        subclass that overrides it."""
        trace = self.resolver.trace
        for klass in self.resolver.mro(cls):
            if not isinstance(klass, ClassValue):
                return ""
            if trace is not None:  # whether it defines ``attr`` (``trace.MEMBER`` for a private name)
                trace.read_member(klass.module, klass.qualname, attr)
            fact = self.resolver.index.find_class(klass.module, klass.qualname)
            if fact is not None and (attr in fact.methods or attr in fact.class_attrs):
                return klass.fullname
        return ""

    def _is_local(self, name: str) -> bool:
        current = self.scope
        while current:
            func = self.info.facts.functions.get(current)
            if func is None or name in func.globals:
                return False
            if name in func.locals:
                return True
            current = func.parent
        return False


def resolve_callee(resolver: Resolver, info: ModuleInfo, call: CallSite) -> Values:
    """What ``call.func`` can be at the call, after the attribute stores and patches that precede it."""
    rebinds = [r for r in info.facts.rebinds if _covers(info, r, call)] if info.facts.rebinds else []
    if not rebinds:
        return resolver.resolve_expr(info.name, call.scope, call.func)
    return _CallFlow(resolver, info, call, rebinds).resolve(call.func)


def doubted_annotations(resolver: Resolver, info: ModuleInfo, scope: str, expr: Expr, depth: int = 0) -> list[FunctionValue]:
    """Functions whose doubted return annotation (see ``Resolver.doubted_annotations``) typed a part of ``expr``:
    its calls, and the local variables it reads that were assigned from calls."""
    found: list[FunctionValue] = []
    part = expr
    while part is not None and depth < 4 and part[0] in ("a", "c", "w", "i", "n"):
        if part[0] == "c":
            values = resolver.resolve_expr(info.name, scope, part[1])
            found += [v for v in values if isinstance(v, FunctionValue) and v in resolver.doubted_annotations]
        if part[0] == "n":
            func = info.facts.functions.get(scope)
            for binding in func.locals.get(part[1], ()) if func is not None else ():
                if binding.kind == B_ASSIGN:
                    found += doubted_annotations(resolver, info, scope, binding.value, depth + 1)
            break
        part = part[1]
    return sorted(set(found), key=lambda v: v.fullname)
