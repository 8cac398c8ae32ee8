"""Steps under construction (drafts) and their ordering into numbered, dependency-respecting plan steps."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from ssot_audit.model import Location, PlanStep
from ssot_audit.model.plan import STEP_KINDS
from ssot_audit.planner.graph import ModuleGraph

# Among steps whose dependencies are done, which kind goes first: moves and aliases switch behaviour in one place,
# caller fixes are many small mechanical edits, deletions come last.
_PHASE = {kind: i for i, kind in enumerate(STEP_KINDS)}


@dataclass
class Draft:
    """A plan step before ordering: ``key`` is unique within one plan and ``deps`` holds keys, not ids."""

    key: str
    kind: str
    title: str
    detail: str
    files: tuple[str, ...]
    locations: tuple[Location, ...] = ()
    mechanical: bool = True
    verify_command: str = ""
    verify_expect: str = ""
    blast_radius: int | None = None  # None: the importers of the touched modules
    deps: set[str] = field(default_factory=set)
    before: str = ""
    after: str = ""
    resolves: tuple[str, ...] = ()


def _sort_key(draft: Draft, graph: ModuleGraph) -> tuple[int, int, str, int, str]:
    first = draft.files[0] if draft.files else ""
    line = draft.locations[0].line if draft.locations else 0
    return (_PHASE.get(draft.kind, len(_PHASE)), graph.file_rank(first), first, line, draft.key)


def order_steps(drafts: list[Draft], graph: ModuleGraph, prefix: str) -> tuple[PlanStep, ...]:
    """Kahn's algorithm over the drafts' dependencies, ready steps taken by phase, module rank, file and line.

    Ids are ``PREFIX.NN`` in the resulting order, so a step's dependencies always have smaller numbers.
    """
    by_key = {d.key: d for d in drafts}
    deps = {d.key: {k for k in d.deps if k in by_key and k != d.key} for d in drafts}
    users: dict[str, list[str]] = {d.key: [] for d in drafts}
    for key, needs in deps.items():
        for need in needs:
            users[need].append(key)
    waiting = {key: len(needs) for key, needs in deps.items()}
    ready = [(_sort_key(by_key[k], graph), k) for k, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ordered: list[Draft] = []
    while ready:
        _, key = heapq.heappop(ready)
        ordered.append(by_key[key])
        for user in users[key]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (_sort_key(by_key[user], graph), user))
    if len(ordered) != len(drafts):  # a dependency cycle would be a planner bug: keep the steps, in key order
        placed = {d.key for d in ordered}
        left = sorted((d for d in drafts if d.key not in placed), key=lambda d: _sort_key(d, graph))
        ordered.extend(left)
    width = max(2, len(str(len(ordered))))
    ids = {d.key: f"{prefix}.{i:0{width}d}" for i, d in enumerate(ordered, 1)}
    return tuple(_finish(d, ids, graph, deps[d.key]) for d in ordered)


def _finish(draft: Draft, ids: dict[str, str], graph: ModuleGraph, deps: set[str]) -> PlanStep:
    modules = graph.modules_of_files(draft.files)
    blast = draft.blast_radius if draft.blast_radius is not None else graph.count_importers(modules)
    return PlanStep(
        id=ids[draft.key],
        kind=draft.kind,
        title=draft.title,
        detail=draft.detail,
        files=draft.files,
        locations=draft.locations,
        blast_radius=blast,
        in_cycle=graph.in_cycle(modules),
        mechanical=draft.mechanical,
        verify_command=draft.verify_command,
        verify_expect=draft.verify_expect,
        depends_on=tuple(sorted((ids[k] for k in deps), key=lambda i: int(i.rsplit(".", 1)[1]))),
        before=draft.before,
        after=draft.after,
        resolves=draft.resolves,
    )


