"""Memoised resolver queries whose answers do not depend on the order they are asked in, cycles included.

A query (what ``a.X`` is, what ``f()`` returns, ``C.attr``) asks other queries; on cyclic code (``from b import X``
in ``a`` and ``from a import X`` in ``b``, ``X = Y`` and ``Y = X``) one re-enters itself. The answers are then the
least solution of the cycle's equations in which a query on the cycle answers at least UNKNOWN ("could also be
something we cannot see", as a re-entered query always answered): a re-entered query contributes what it has so far
(UNKNOWN at first); the queries that read it are *pending*, kept for the current round but not memoised; when the
outermost query of the group (its *head*: every query of the group ran inside it) completes, the group is computed
again, each answer joined with its previous one, until no answer changes, and then all are memoised. A query that
read no pending or active query is memoised at once, as before: acyclic code costs a few integer compares more.

A group is found the way Tarjan's algorithm finds strongly connected components: each query in progress has a level
(its depth on the stack of queries in progress); ``_low`` is the lowest level re-entered since the innermost query
began. A query that re-entered only itself or deeper ones heads its group.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from ssot_audit.analysis.trace import Trace
from ssot_audit.analysis.values import UNKNOWN, Value

Values = frozenset[Value]
UNKNOWN_SET: Values = frozenset({UNKNOWN})
NO_REENTRY = 1 << 30  # ``_low`` when no query in progress was re-entered
# Rounds a group is computed before giving up: an answer still growing then (``X = X.sep`` over an external module
# makes ``os.path.sep.sep...``) gets UNKNOWN added and stops.
MAX_ROUNDS = 12
# Nested memoised queries (an alias of an alias of...) answered before giving up with UNKNOWN: each level costs
# about seven Python frames, so this stays well under the interpreter's default recursion limit of 1000.
MAX_NESTING = 100


class _Group:
    """The query in progress at one level, once a query has re-entered it; ``merged`` points to the lower group it
    joined when it completed without heading its own (union-find: follow ``merged`` to the live head)."""

    __slots__ = ("level", "merged")

    def __init__(self, level: int) -> None:
        self.level = level
        self.merged: _Group | None = None

    def head(self) -> _Group:
        group = self
        while group.merged is not None:
            group = group.merged
        return group


class CycleMemo:
    """The memo tables' shared entry point (``_memoised``), with the fixpoint over cyclic groups of queries."""

    _answers: dict[Values, Values]  # each distinct answer kept once (the resolver's table)

    def __init__(self) -> None:
        self._active: dict[Hashable, int] = {}  # queries in progress -> their level
        self._nesting = 0  # how many queries are in progress
        self._low = NO_REENTRY
        self._groups: dict[int, _Group] = {}  # levels re-entered, while their query is in progress
        self._pending: dict[Hashable, tuple[Values, _Group]] = {}  # this round's answers of unfinished groups
        self._previous: dict[Hashable, Values] = {}  # the previous round's answers of the groups being iterated
        self._log: list[tuple[dict[Any, Values], Hashable]] = []  # pending queries, in the order they completed
        # Give-ups met (past ``MAX_NESTING`` or ``MAX_ROUNDS``, and the resolver's own depth limit): an answer built
        # on one can depend on the order queries were asked in, which a scan that judges part of the project does
        # not share with a cold scan; such a scan falls back to the whole one when either met any (``rerun``).
        self.gave_up = 0
        # Set by a scan that keeps a dependency record (``trace``): every memo read and computation is an edge.
        self._trace: Trace | None = None

    def _memoised(self, cache: dict[Any, Values], key: Hashable, compute: Callable[..., Values], *args: Any) -> Values:
        """``compute(*args)`` once per ``key``, memoised in ``cache``; a query on a cycle gets the group's fixpoint
        (see the module's docstring); nested past ``MAX_NESTING`` it answers UNKNOWN unmemoised."""
        cached = cache.get(key)
        trace = self._trace
        if cached is not None:
            if trace is not None:
                trace.read(key)
            return cached
        level = self._active.get(key)
        if level is not None:  # re-entered: what it has so far
            if trace is not None:
                trace.read(key)
            self._reenter(level)
            return self._previous.get(key, UNKNOWN_SET)
        if self._pending:
            entry = self._pending.get(key)
            if entry is not None:  # computed in this round of an unfinished group: its answer so far
                if trace is not None:
                    trace.read(key)
                self._reenter(entry[1].head().level)
                return entry[0]
        level = self._nesting
        if level >= MAX_NESTING:
            self.gave_up += 1
            return UNKNOWN_SET  # too deep: not memoised, a shallower query may still answer it
        self._active[key] = level
        self._nesting = level + 1
        outer_low, self._low = self._low, NO_REENTRY
        start = len(self._log)
        reader = trace.enter(key) if trace is not None else 0
        try:
            result = compute(*args)
            if self._low == level:
                result = self._iterate(key, compute, args, result, start)
        finally:
            if trace is not None:
                trace.leave(reader)
            del self._active[key]
            self._nesting = level
            low = self._low
            if low < outer_low and low < level:  # a group closed deeper down reaches no query above
                self._low = low
            else:
                self._low = outer_low
        if low < level:
            return self._keep_pending(cache, key, result, low)
        cache[key] = result = self._answers.setdefault(result, result)
        return result

    def _group_finished(self, group: _Group) -> None:
        """Called when ``group``'s answers are memoised: what was built on its answers so far may be let go."""

    def _reenter(self, level: int) -> None:
        """Note that the answer being built reads the query in progress at ``level``."""
        if level < self._low:
            self._low = level
        if level not in self._groups:
            self._groups[level] = _Group(level)

    def _keep_pending(self, cache: dict[Any, Values], key: Hashable, result: Values, low: int) -> Values:
        """Keep the answer of a query of a group headed at level ``low`` for this round (joined with the last)."""
        below = self._groups[low]
        group = self._groups.pop(self._nesting, None)
        if group is not None:
            group.merged = below
        previous = self._previous.get(key)
        if previous is not None:
            result = previous | result
        self._pending[key] = (result, below)
        self._log.append((cache, key))
        return result

    def _iterate(self, key: Hashable, compute: Callable[..., Values], args: tuple[Any, ...], result: Values,
                 start: int) -> Values:
        """Compute the group headed by ``key`` (the queries pending since ``start`` of the log) again, each answer
        joined with the last, until none changes; then memoise them. A round that re-enters a query below the head
        leaves the group pending: the lower head iterates it."""
        level = self._nesting - 1
        pending, previous, log = self._pending, self._previous, self._log
        for _ in range(MAX_ROUNDS):
            answers = {k: pending[k][0] for _, k in log[start:]}
            answers[key] = result
            if all(previous.get(k) == v for k, v in answers.items()):
                break
            previous.update(answers)
            for _, k in log[start:]:
                del pending[k]
            del log[start:]
            self._low = NO_REENTRY
            result = previous[key] | compute(*args)
            if self._low < level:
                return result
        else:
            self.gave_up += 1
            answers = {k: pending[k][0] | UNKNOWN_SET for _, k in log[start:]}
            result = result | UNKNOWN_SET
        for cache, k in log[start:]:
            del pending[k]
            found = answers[k]
            cache[k] = self._answers.setdefault(found, found)
            previous.pop(k, None)
        previous.pop(key, None)
        del log[start:]
        group = self._groups.pop(level, None)
        if group is not None:
            self._group_finished(group)
        if level == 0:
            previous.clear()  # every group is finished
        return result
