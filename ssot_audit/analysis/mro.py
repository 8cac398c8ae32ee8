"""Method resolution orders of project classes, without recursion and in time linear in the answer.

A 3,000-class inheritance chain used to raise RecursionError (one recursive call per base) and took cubic time
(membership tests on a list). Here bases are worked out first with an explicit stack, and each order is built with
a set for membership; a class with one base outside any cycle shares its base's order behind itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ssot_audit.analysis.values import ClassValue, Value


class MroTable:
    """Memoised MROs; ``base_values`` resolves a class's bases (in order, each base's candidates sorted)."""

    def __init__(self, base_values: Callable[[ClassValue], list[Value]]) -> None:
        self._base_values = base_values
        self._mros: dict[ClassValue, tuple[Value, ...]] = {}
        self.finished: Mapping[ClassValue, tuple[Value, ...]] = self._mros  # read-only view for callers' fast paths
        self._active: set[ClassValue] = set()
        self._cycles: set[ClassValue] = set()  # classes whose MRO met a class still being worked out
        # Orders built on answers of a cyclic group of resolver queries still being iterated (``fixpoint``), with
        # that group: kept until the group completes (``forget_unfinished``), then worked out again on demand.
        self.unfinished: dict[ClassValue, Any] = {}

    def clear(self) -> None:
        """Forget every order (``MemberLookup.forget_members``)."""
        self._mros.clear()
        self._cycles.clear()
        self.unfinished.clear()

    def get(self, cls: ClassValue) -> tuple[Value, ...]:
        """The class and its bases, depth first without repeats; external bases as ``ExternalValue``.

        A class reached again while its own bases are being worked out (a cycle, or a base expression that needs
        the class itself) counts as just itself.
        """
        cached = self._mros.get(cls)
        if cached is not None:
            return cached
        if cls in self._active:
            return (cls,)
        bases, pending = self._begin(cls)
        if not pending:  # most classes: every base is external or worked out already, no stack needed
            return self._finish(cls, bases)
        stack: list[tuple[ClassValue, list[Value] | None]] = [(cls, bases)]
        stack.extend((b, None) for b in reversed(pending))
        finished: list[ClassValue] = []
        cycles = len(self._cycles)
        while stack:
            klass, known = stack[-1]
            if klass in self._mros:
                stack.pop()
                continue
            if known is None:
                known, pending = self._begin(klass)
                stack[-1] = (klass, known)
                if pending:
                    stack.extend((b, None) for b in reversed(pending))
                    continue
            self._finish(klass, known)
            finished.append(klass)
            stack.pop()
        if len(self._cycles) > cycles:
            # An inheritance cycle: the orders above were cut where it closed, at a place that depends on which class
            # was asked first; each is the plain depth-first walk instead (equal to the above without a cycle).
            for klass in finished:
                self._mros[klass] = self._depth_first(klass)
        return self._mros[cls]

    def _depth_first(self, cls: ClassValue) -> tuple[Value, ...]:
        """``cls`` and its bases, depth first (preorder), without repeats: the definition of ``get``'s order."""
        order: list[Value] = []
        seen: set[Value] = set()
        stack: list[Value] = [cls]
        while stack:
            klass = stack.pop()
            if klass in seen:
                continue
            seen.add(klass)
            order.append(klass)
            if isinstance(klass, ClassValue):
                stack.extend(reversed(self._base_values(klass)))
        return tuple(order)

    def _begin(self, klass: ClassValue) -> tuple[list[Value], list[ClassValue]]:
        """Mark ``klass`` in progress and resolve its bases: them, and the bases whose order must come first."""
        active, mros = self._active, self._mros
        active.add(klass)
        bases = self._base_values(klass)
        if not active.isdisjoint(bases) or (self._cycles and not self._cycles.isdisjoint(bases)):
            self._cycles.add(klass)  # its order is cut short where the cycle closes
        return bases, [b for b in bases if isinstance(b, ClassValue) and b not in mros and b not in active]

    def _finish(self, klass: ClassValue, bases: list[Value]) -> tuple[Value, ...]:
        order = self._mros[klass] = self._linearise(klass, bases)
        self._active.discard(klass)
        unfinished = self.unfinished
        if unfinished and klass not in unfinished:  # an order through a class whose order is unfinished is too
            group = next((unfinished[c] for c in order if c in unfinished), None)
            if group is not None:
                unfinished[klass] = group
        return order

    def forget_unfinished(self, group: Any) -> None:
        """Drop the orders built on the answers so far of ``group`` (a cyclic group of resolver queries that just
        completed): asked again, they are worked out from its final answers."""
        done = [cls for cls, g in self.unfinished.items() if g.head() is group]
        for cls in done:
            del self.unfinished[cls]
            self._mros.pop(cls, None)

    def is_final(self, cls: ClassValue) -> bool:
        """True once ``cls``'s order is worked out and kept (``get`` answers ``(cls,)`` while it is not)."""
        return cls in self._mros and cls not in self.unfinished

    def _linearise(self, cls: ClassValue, bases: list[Value]) -> tuple[Value, ...]:
        if len(bases) == 1 and bases[0] in self._mros and bases[0] not in self._cycles:
            # One base outside any cycle: ``cls`` cannot be in its order, so no membership test per class
            return (cls, *self._mros[bases[0]])
        order: list[Value] = [cls]
        seen: set[Value] = {cls}
        for base in bases:
            chain = self._mros.get(base, (base,)) if isinstance(base, ClassValue) else (base,)
            for value in chain:
                if value not in seen:
                    seen.add(value)
                    order.append(value)
        return tuple(order)
