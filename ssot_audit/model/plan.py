"""The consolidation plan: how to get from N implementations and M import paths back to one, step by step.

Plain frozen data (standard library only), built by ``ssot_audit.planner`` from an ``AuditResult`` and rendered by
the plan reporters (text, JSON, Markdown) and the HTML report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from ssot_audit.model.findings import Location

# Step kinds, in the order a plan applies them.
MOVE_METHODS = "move-methods"
ALIAS_DUPLICATE = "alias-duplicate"
REWRITE_IMPORT = "rewrite-import"
USE_FACTORY = "use-factory"
REMOVE_AWAIT = "remove-await"
ADD_AWAIT = "add-await"
ISOLATE_INSTANCE = "isolate-instance"
DELETE_FACTORY_COPY = "delete-factory-copy"
DELETE_REEXPORT = "delete-reexport"
DELETE_SHIM = "delete-shim"
STEP_KINDS = (MOVE_METHODS, ALIAS_DUPLICATE, REWRITE_IMPORT, USE_FACTORY, REMOVE_AWAIT, ADD_AWAIT, ISOLATE_INSTANCE,
              DELETE_FACTORY_COPY, DELETE_REEXPORT, DELETE_SHIM)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One change small enough to ship alone.

    ``blast_radius`` counts the project modules that import what the step changes; ``in_cycle`` is True when a
    touched module sits in an import cycle (import order may matter there). ``mechanical`` steps can be applied by a
    tool; the others need a human decision. ``depends_on`` lists the ids of steps that must ship first.
    """

    id: str
    kind: str
    title: str
    detail: str
    files: tuple[str, ...]
    locations: tuple[Location, ...]
    blast_radius: int
    in_cycle: bool
    mechanical: bool
    verify_command: str
    verify_expect: str
    depends_on: tuple[str, ...] = ()
    before: str = ""  # the code as it is (an import line, a call), when the step rewrites one thing
    after: str = ""  # the code as it should be
    resolves: tuple[str, ...] = ()  # fingerprints of the findings this step makes disappear


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One implementation in the method matrix: which public methods it has."""

    qualname: str
    role: str
    location: Location
    importers: int
    methods: tuple[str, ...]
    async_methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """What a manager reads: N implementations -> 1, M import paths -> P, K await misuses, files touched."""

    implementations: int
    import_paths: int
    canonical_paths: int
    await_misuses: int
    files_touched: int
    steps: int
    mechanical_steps: int


@dataclass(frozen=True, slots=True)
class ConceptPlan:
    """The plan for one concept cluster: canonical choice, method matrix, ordered steps."""

    concept: str
    origin: str
    canonical: str
    canonical_reason: str
    evidence: tuple[str, ...]
    factories: tuple[str, ...]
    members: tuple[MemberRow, ...]
    methods: tuple[str, ...]  # every public method of any implementation, sorted
    missing_in_canonical: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    summary: PlanSummary


@dataclass(frozen=True, slots=True)
class SymbolPlan:
    """The plan for one split symbol outside the concepts: several import paths or several definitions."""

    symbol: str
    canonical: str  # the canonical import path (module) or definition (qualified name)
    canonical_reason: str
    paths: tuple[tuple[str, int], ...]  # import path -> number of imports through it
    definitions: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    summary: PlanSummary


@dataclass(frozen=True, slots=True)
class ConsolidationPlan:
    """Every concept and split-symbol plan of a result, with a grand total.

    ``order`` ranks concept and symbol plans together, most important first (``concept:NAME`` / ``symbol:NAME``,
    from ``model.impact``); ``ranked()`` reads it, and every plan output shows plans in that order.
    """

    root: str
    concepts: tuple[ConceptPlan, ...]
    symbols: tuple[SymbolPlan, ...]
    summary: PlanSummary  # always the whole plan's, also when ``omitted`` plans are left out
    omitted: int = 0  # concept and symbol plans left out by ``limited`` / ``only`` (``plan --limit/--concept``)
    omitted_concepts: int = 0  # of which concept plans
    order: tuple[str, ...] = ()  # empty: concepts, then symbols

    @property
    def concept_count(self) -> int:
        """Concept plans in the whole plan (shown or omitted): the "-> N" of the summary."""
        return len(self.concepts) + self.omitted_concepts

    def ranked(self) -> tuple[ConceptPlan | SymbolPlan, ...]:
        """Concept and symbol plans together, most important first."""
        by_key: dict[str, ConceptPlan | SymbolPlan] = {f"concept:{c.concept}": c for c in self.concepts}
        by_key.update((f"symbol:{s.symbol}", s) for s in self.symbols)
        ranked = [by_key.pop(key) for key in self.order if key in by_key]
        return (*ranked, *by_key.values())

    @property
    def names(self) -> tuple[str, ...]:
        """Concept names and symbols, most important first."""
        return tuple(p.concept if isinstance(p, ConceptPlan) else p.symbol for p in self.ranked())

    def _keep(self, kept: tuple[ConceptPlan | SymbolPlan, ...]) -> ConsolidationPlan:
        concepts = tuple(p for p in kept if isinstance(p, ConceptPlan))
        symbols = tuple(p for p in kept if isinstance(p, SymbolPlan))
        return replace(self, concepts=concepts, symbols=symbols,
                       omitted=self.omitted + len(self.concepts) + len(self.symbols) - len(kept),
                       omitted_concepts=self.omitted_concepts + len(self.concepts) - len(concepts))  # fmt: skip

    def limited(self, limit: int) -> ConsolidationPlan:
        """The ``limit`` most important plans; 0 keeps all."""
        if limit <= 0 or limit >= len(self.concepts) + len(self.symbols):
            return self
        return self._keep(self.ranked()[:limit])

    def only(self, name: str) -> ConsolidationPlan:
        """The plan of one concept (by name) or split symbol (qualified or short name); ``KeyError`` names the
        closest ones when there is none."""
        kept: tuple[ConceptPlan | SymbolPlan, ...] = tuple(
            p for p in self.ranked() if isinstance(p, ConceptPlan) and p.concept == name)
        kept = kept or tuple(p for p in self.ranked() if isinstance(p, SymbolPlan)
                             and name in (p.symbol, p.symbol.rsplit(".", 1)[-1]))  # fmt: skip
        if not kept:
            close = difflib.get_close_matches(name, self.names, n=3)
            raise KeyError(f"no concept or symbol '{name}' in the plan" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        return self._keep(kept)

    def find_steps(self, *, kind: str = "") -> tuple[PlanStep, ...]:
        """All steps of all plans (of one kind when given), in plan order."""
        steps = [s for p in self.concepts for s in p.steps] + [s for p in self.symbols for s in p.steps]
        return tuple(s for s in steps if not kind or s.kind == kind)
