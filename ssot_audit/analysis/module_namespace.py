"""A module's namespace as seen from outside: what ``from module import name`` (or ``module.name``) finds there.

It answers through the module's own bindings, its submodules, plain re-exports (``from b import X`` in module
after module, followed in a loop so a long chain costs no recursion) and star imports (``__all__`` or the public
names). Binding values need expressions resolved: ``ModuleNamespace`` is the part of ``resolve.Resolver`` that
walks module namespaces, and the resolver supplies those answers by overriding the hooks declared at the end of the
class (as ``members.MemberLookup`` does for classes).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from ssot_audit.analysis.facts import B_IMPORT, Binding
from ssot_audit.analysis.fixpoint import NO_REENTRY, UNKNOWN_SET
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.members import Values
from ssot_audit.analysis.trace import STAR, Trace
from ssot_audit.analysis.values import ExternalValue, ModuleValue


class ModuleNamespace:
    """Module attribute lookups of one scan, memoised per (module, name) (the resolver's half that walks module
    namespaces)."""

    # Kept by the resolver: the project index, the memo of ``module_attr``'s answers, the queries in progress and
    # this round's answers of unfinished cyclic groups, the lowest query in progress read since the innermost began
    # (``fixpoint``) and the dependency record, when the scan keeps one (``trace``).
    index: ProjectIndex
    _attrs: dict[tuple[str, str], Values]
    _active: dict[Hashable, int]
    _pending: dict[Hashable, tuple[Values, Any]]
    _low: int
    _trace: Trace | None

    def _import_value(self, module: str, index: int) -> Values:
        # the binding that points here was read (a namespace or ``FUNCTION`` leaf, ``trace``), and
        # ``interface_change`` compares import bindings by the import they point to
        imp = self.index.modules[module].facts.imports[index]
        source = self.index.import_sources(module)[index]
        if imp.name is None:
            target = source if imp.asname else source.split(".")[0]
            if self.index.is_project_module(target):
                return frozenset({ModuleValue(target)})
            return frozenset({ExternalValue(target)})
        submodule = f"{source}.{imp.name}"
        if source == module and self.index.is_project_module(submodule):
            return frozenset({ModuleValue(submodule)})  # ``from . import sub`` in a package's own __init__
        return self._follow_reexports(source, imp.name)

    def _follow_reexports(self, module: str, name: str) -> Values:
        """``module_attr(module, name) or UNKNOWN``, hopping through plain re-exports (``from b import X`` in ``a``,
        ``from c import X`` in ``b``...) in a loop, so a chain of hundreds of modules costs no recursion. Every hop
        gets the answer the recursive lookup would memoise for it; a cyclic chain answers UNKNOWN. A chain that
        ends at a query in progress or pending (a cycle through other bindings) memoises no hop: its answer is not
        final yet."""
        hops: dict[tuple[str, str], None] = {}  # ordered, with constant-time membership
        key = (module, name)
        attrs, active, pending = self._attrs, self._active, self._pending
        while key not in attrs and key not in active and key not in pending and key not in hops:
            following = self._single_reexport(*key)
            if following is None:
                break
            hops[key] = None
            key = following
        if key in hops:
            found = UNKNOWN_SET
        else:
            outer_low, self._low = self._low, NO_REENTRY
            found = self.module_attr(*key) or UNKNOWN_SET
            low, self._low = self._low, min(outer_low, self._low)
            if low != NO_REENTRY:
                return found
        trace = self._trace
        for hop in hops:
            attrs[hop] = found
        if trace is not None and hops:  # memoised without being computed: each hop (its own leaf) reads the next
            chain = list(hops)
            for hop, following in zip(chain, [*chain[1:], key]):
                trace.edge(following, hop)
        return found

    def _single_reexport(self, module: str, name: str) -> tuple[str, str] | None:
        """Where ``module.name`` comes from when all ``module`` does with it is ``from source import other``."""
        if self._trace is not None:
            self._trace.read((module, name))  # the namespace's leaf (``trace``)
        info = self.index.modules.get(module)
        bindings = info.facts.bindings.get(name) if info is not None else None
        if not bindings or not self.index.is_project_module(module):
            return None
        last = max((i for i, b in enumerate(bindings) if not b.conditional), default=0)
        if len(bindings) - last != 1 or bindings[last].kind != B_IMPORT:
            return None  # several candidate bindings: the general path unions them
        assert info is not None
        imp = info.facts.imports[bindings[last].value]
        if imp.name is None or imp.name == "*":
            return None
        source = self.index.import_sources(module)[bindings[last].value]
        if source == module and self.index.is_project_module(f"{source}.{imp.name}"):
            return None  # ``from . import sub`` in a package's own __init__: a submodule
        return source, imp.name

    def module_attr(self, module: str, name: str) -> Values:
        """``module.name`` the way ``from module import name`` finds it; empty when it surely does not exist."""
        key = (module, name)
        cached = self._attrs.get(key)  # only project modules are memoised
        if cached is not None:
            if self._trace is not None:
                self._trace.read(key)
            return cached
        if not self.index.is_project_module(module):
            return frozenset({ExternalValue(f"{module}.{name}" if module else name)})
        return self._memoised(self._attrs, key, self._module_attr, module, name)

    def _module_attr(self, module: str, name: str) -> Values:
        trace = self._trace  # this query's key is the namespace's leaf (``trace``): nothing to record for it
        info = self.index.modules.get(module)
        if info is not None:
            bindings = info.facts.bindings.get(name)
            if bindings:
                return self._from_bindings(module, "", bindings, flow_sensitive=True)
        submodule = f"{module}.{name}"
        if self.index.is_project_module(submodule):
            return frozenset({ModuleValue(submodule)})
        if info is None:
            return frozenset()
        if trace is not None:
            trace.read((STAR, module))
        for imp, source in zip(info.facts.imports, self.index.import_sources(module)):
            if imp.name == "*" and not imp.scope:
                if self.star_exports(source, name):
                    found = self.module_attr(source, name)
                    if found:
                        return found
        return UNKNOWN_SET if info.facts.has_getattr else frozenset()

    def star_exports(self, module: str, name: str) -> bool:
        """Whether ``from module import *`` binds ``name``: listed in ``__all__``, else any public name."""
        if self._trace is not None:
            self._trace.read((module, name))  # the namespace's leaf (``trace``): whether ``__all__`` lists it
        info = self.index.modules.get(module)
        if info is not None and info.facts.dunder_all is not None:
            return name in info.facts.dunder_all
        return not name.startswith("_")

    # -- what the resolver supplies ---------------------------------------------------------------------------
    def _memoised(self, cache: dict[Any, Values], key: Hashable, compute: Callable[..., Values], *args: Any) -> Values:
        """``compute(*args)`` once per ``key`` (see ``fixpoint.CycleMemo._memoised``)."""
        raise NotImplementedError

    def _from_bindings(self, module: str, scope: str, bindings: Sequence[Binding], *, flow_sensitive: bool) -> Values:
        """What ``bindings`` of a name in ``scope`` ("" for module level) of ``module`` give (see
        ``Resolver._from_bindings``)."""
        raise NotImplementedError
