"""The resolver's half that reads attributes of modules: ``pkg.mod.helper`` where ``pkg`` is an imported module.

SSOT203 (an attribute a module does not have) and SSOT204 (one name, several meanings) walk these reads; they are
worked out once per module for both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ssot_audit.analysis.attr_table import use_rows
from ssot_audit.analysis.facts import AttrUse, FunctionFact
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.members import MemberLookup, Values
from ssot_audit.analysis.trace import FUNCTION, NODE, node_answer
from ssot_audit.analysis.values import ModuleValue


_UNASKED: Any = object()  # a name not resolved yet (None is an answer: not one module)


def _binding_scope(functions: Mapping[str, FunctionFact], scope: str, name: str,
                   read: Callable[[str], None] | None = None) -> str:  # fmt: skip
    """The function of ``scope``'s chain whose locals bind ``name`` ("" for module level, as ``global`` says or when
    none does): what ``resolve_name(module, scope, name)`` answers is ``resolve_name(module, that scope, name)``.
    ``read``: told each function of the chain read (the dependency record's leaves)."""
    current = scope
    while current:
        if read is not None:
            read(current)
        func = functions.get(current)
        if func is None or name in func.globals:
            return ""
        if name in func.locals:  # a name the table holds has bindings (``NameTable.of`` leaves out the rest)
            return current
        current = func.parent
    return ""


def _root_name(use: AttrUse) -> str:
    """The name an attribute read starts from (``pkg`` of ``pkg.mod.helper``), found without splitting the chain
    (``AttrUse.parts``): most reads are dropped once the name is resolved."""
    expr = use.expr
    while expr is not None and expr[0] == "a":
        expr = expr[1]
    return str(expr[1]) if expr is not None else ""


def _one_module(values: Values) -> Values | None:
    """``values`` when that is a single module, else None."""
    if len(values) != 1:
        return None
    (value,) = values
    return values if isinstance(value, ModuleValue) else None


class ModuleReads(MemberLookup):
    """Attribute reads whose chain starts at a module, per module, memoised (``Resolver`` is one)."""

    def __init__(self, index: ProjectIndex) -> None:
        super().__init__(index)
        self._module_reads: dict[str, tuple[tuple[AttrUse, Values], ...]] = {}

    def module_root(self, module: str, use: AttrUse) -> Values | None:
        """What the name an attribute read starts from (``pkg`` of ``pkg.mod.helper``) can be, when that is one
        module; else None."""
        return _one_module(self.resolve_name(module, use.scope, _root_name(use)))

    def module_reads(self, module: str) -> tuple[tuple[AttrUse, Values], ...]:
        """The attribute reads of ``module`` outside ``TYPE_CHECKING`` whose chain starts at a module, each with that
        module (``module_root``): worked out once for the two rules that walk them (two reads in three start
        elsewhere and are dropped here)."""
        return node_answer(self._trace, self._module_reads, module, (NODE, "reads", module),
                           lambda: self._find_module_reads(module))

    def forget_module_reads(self) -> None:
        """Drop the memo of ``module_reads``: its two readers are rules, and what they walked (a record per read,
        made from the columns, and its answer: 15 MB at 4M lines) was else held through the keeping of the state and
        the fixes, at the scan's peak of memory. Asked again, a module's reads are worked out again, alike."""
        self._module_reads.clear()

    def _find_module_reads(self, module: str) -> tuple[tuple[AttrUse, Values], ...]:
        # The module's attribute uses (an interface edit that changes them makes the rows that read them again, as
        # every edit of the module does: ``interface_scan.rerun_after_attribute_reads``) and
        # the functions their names are bound in (recorded one by one), not the module as a whole: else every
        # interface edit of a module reached SSOT204's table of every module's reads (``analysis.trace``).
        facts = self.index.modules[module].facts
        trace = self._trace
        read = (lambda qualname: trace.read((FUNCTION, module, qualname))) if trace is not None else None
        functions = facts.functions
        # Reads of one name in many functions (``models.CharField`` in every method) mostly reach the module-level
        # binding: resolved once per scope that binds the name (``_binding_scope``), not once per function; and
        # the module-level answers once per name (``top``).
        roots: dict[tuple[str, str], Values | None] = {}
        top: dict[str, Values | None] = {}
        kept: list[tuple[AttrUse, Values]] = []
        uses = facts.attr_uses
        # Walked as columns (``rows``), with the root found inline: the walk was 60% of this at 1M lines of django.
        for index, expr, scope, flags in use_rows(uses):
            if flags & 2:  # under TYPE_CHECKING
                continue
            while expr is not None and expr[0] == "a":
                expr = expr[1]
            name = str(expr[1]) if expr is not None else ""
            key = (scope, name)
            values = roots.get(key, _UNASKED)
            if values is _UNASKED:
                where = _binding_scope(functions, scope, name, read) if scope else ""
                if where:
                    values = _one_module(self.resolve_name(module, where, name))
                else:
                    values = top.get(name, _UNASKED)
                    if values is _UNASKED:
                        values = top[name] = _one_module(self.resolve_name(module, "", name))
                roots[key] = values
            if values is not None:
                kept.append((uses[index], values))
        return tuple(kept)

    # -- what the resolver supplies ---------------------------------------------------------------------------
    def resolve_name(self, module: str, scope: str, name: str) -> Values:
        """What ``name`` read inside function ``scope`` of ``module`` can be (see ``Resolver.resolve_name``)."""
        raise NotImplementedError
