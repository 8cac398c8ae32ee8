"""Which modules call each callee name, kept by a full scan, and the kept table of ``async def``s patched after edits
that changed it (``rules.base.AsyncChange``).

A test written is the commonest edit of a large codebase, and in an asyncio codebase the test is an ``async def``;
so is a coroutine function written in its production code, and a function made ``async`` (or sync again) is the
edit of a migration to asyncio. The call readers keep the table of every async def (``RuleContext.async_defs``);
the unawaited-coroutine rule judges only the calls named by the names bound to those (``names_bound_to``). When an
edit adds, removes or renames an async def the concept model does not read (any of test code; a function or a
private method of production code: ``edits._model_holds``), or makes a function async or sync, the scan patches the
table for the edited modules (``async_after``) and the rule judges again, besides the modules it judges anyway, those
whose calls are named by a name that came or went: this table of callers by name, kept by the full scan, with the
modules edited since looked at as they are now (``KeptDefiners`` does the same for definitions). A kept SSOT401
finding whose callee is named like a module-level async def of production code that came or went sends the scan the
whole way (its message lists those, ``await_on_sync._async_namesakes``)."""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.values import FunctionValue
from ssot_audit.rules.await_on_sync import is_namesake, names_namesake
from ssot_audit.rules.base import AsyncChange, KeptTablesStale

if TYPE_CHECKING:  # ``kept_scan`` imports this module, and ``rerun`` imports ``kept_scan``
    from ssot_audit.kept_scan import CallTables
    from ssot_audit.rerun import Reused


def callers_by_name(index: ProjectIndex) -> dict[Any, list[str]]:
    """Each last part of a callee expression (``CallTable.callee_names``: a superset of the names ``find_calls_named``
    finds a call by), with the modules whose calls have it (index order)."""
    callers: dict[Any, list[str]] = {}
    for info in index.modules.values():
        module = info.name
        for name in set(info.facts.calls.callee_names()):
            found = callers.get(name)
            if found is None:
                callers[name] = [module]
            else:
                found.append(module)
    return callers


def keep_callers(tree: TreeCache, token: str, index: ProjectIndex) -> None:
    """After a full scan whose state is kept as ``token``: keep which modules call each callee name of ``index``."""
    tree.save_kept(_entry(tree), {"token": token, "callers": callers_by_name(index)})


def _entry(tree: TreeCache) -> str:
    """The name the full scan's callers by callee name are kept under ({"token", "callers"}): read only by a scan
    whose edits changed the async defs."""
    return f"every callee {tree.store.scope}"


def async_after(tree: TreeCache, reused: Reused, index: ProjectIndex,
                tables: CallTables) -> tuple[CallTables, AsyncChange | None]:  # fmt: skip
    """``tables`` with the async defs of the modules this scan edited as they are now, and what the rule must check
    (``AsyncChange``) when that changed the table; ``tables`` and None when it did not. The table stays in index
    order (module names sorted, each module's functions in definition order), as ``async_functions`` makes it; the
    answer ``names_bound_to`` kept for the old table is dropped from the copy (its key is a set of every async def:
    the kept tables would grow by one at each such scan)."""
    edited = reused.edited_modules()
    defs = tables.async_defs
    now = [FunctionValue(module, f.qualname) for module in sorted(edited) if module in index.modules
           for f in index.modules[module].facts.functions.values() if f.is_async]  # fmt: skip
    before = [d for d in defs if d.module in edited]
    if before == now:  # most edits: the table as it was, not sorted again
        return tables, None
    # SSOT401 lists the module-level async defs of production code named like a sync callee (its namesakes): a
    # finding it keeps about a callee of a name that came or went would list another set
    named = {d.qualname for d in set(before).symmetric_difference(now) if is_namesake(index, d)}
    if named and any(names_namesake(f, named) for f in reused.findings):
        raise KeptTablesStale(f"an async def named {sorted(named)[0]!r} came or went, which a kept SSOT401 names")
    patched = tuple(sorted([d for d in defs if d.module not in edited] + now, key=attrgetter("module")))
    old = frozenset(defs)
    bound = {key: answer for key, answer in tables.bound_names.items() if key != old}
    callers = _Callers(tree, reused.kept.token, index, reused.edited_since_full_scan() - edited)
    return replace(tables, async_defs=patched, bound_names=bound), AsyncChange(tables.bound_names.get(old), callers)


class _Callers:
    """The modules a scan did not edit whose calls may be named by one of the names asked about
    (``AsyncChange.callers``): the full scan's table of them, the modules edited since (``pending``) looked at as
    they are now; read when first asked. When the full scan's table is not there, any module may call them:
    ``KeptTablesStale``."""

    def __init__(self, tree: TreeCache, token: str, index: ProjectIndex, pending: frozenset[str]) -> None:
        self._tree, self._token, self._index, self._pending = tree, token, index, pending
        self._callers: dict[Any, list[str]] | None = None

    def __call__(self, names: frozenset[Any]) -> frozenset[str]:
        if self._callers is None:
            entry = self._tree.load_kept(_entry(self._tree))
            kept = entry.get("callers")
            if entry.get("token") != self._token or not isinstance(kept, dict):
                raise KeptTablesStale("the callers of the kept state are not there")
            self._callers = kept
        pending = self._pending
        found = {module for name in names for module in self._callers.get(name, ()) if module not in pending}
        modules = self._index.modules
        found.update(m for m in pending if m in modules and not names.isdisjoint(modules[m].facts.calls.callee_names()))
        return frozenset(found)
