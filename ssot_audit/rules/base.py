"""What every rule shares: its context (index, resolver, graph, concepts...) and how it builds findings.

Rules read the context only: they never parse files, touch the filesystem, or import reporters.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, TypeVar, cast

from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.facts import CallSite
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.names import Names
from ssot_audit.analysis.trace import BOUND, UNIT, Trace, node_answer
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue, untagged
from ssot_audit.model import Confidence, Finding, Location, Related, RuleInfo, RuleOption, Severity, make_fingerprint

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FailedFile:
    """A file that could not be analysed."""

    relpath: str
    is_test: bool
    failure: ParseFailure


class KeptTablesStale(Exception):
    """A scan after edits finds that a table it kept no longer lets it keep the findings of the judgements it does
    not make again (``AsyncChange.check``): the scan runs the whole way."""


@dataclass(frozen=True, slots=True)
class AsyncChange:
    """The edits of a scan added, removed or renamed ``async def``s (or made a function async or sync), and the kept
    table of them was patched (``kept_calls.async_after``). Calls reach an async def by the names ``names_bound_to``
    gives; the unawaited-coroutine rule judges only calls named by one of those, and after the edits only in some
    modules, keeping the others' findings. Those of a module hold when none of its calls is named by a name that
    came or went: it either reaches an async def by the same name as before (what its judgement read of it was
    recorded) or by none, then as now. The rule judges the others again too (``check``), and the scan drops what
    it kept of them (``widened``)."""

    before: frozenset[str] | None  # ``names_bound_to``'s answer for the kept table (None: not kept)
    # the modules the scan did not edit whose calls may be named by one of the names given (a superset)
    callers: Callable[[frozenset[Any]], frozenset[str]]
    widened: set[str] = field(default_factory=set)  # the modules ``check`` added, filled when it runs

    def check(self, ctx: RuleContext, names: frozenset[str]) -> frozenset[str]:
        """The modules ``ctx`` does not judge whose calls may be named by a name of ``names`` (the answer for the
        patched table) that the kept answer lacks, or the other way round: the rule judges them too (kept in
        ``widened``). Raise ``KeptTablesStale`` when the kept answer is not there."""
        judged = ctx.judged_names()
        if judged is None:
            return frozenset()  # every module is judged
        if self.before is None:
            raise KeptTablesStale("names bound to the async defs not kept")
        changed = names ^ self.before
        found = self.callers(changed).difference(judged) if changed else frozenset()
        self.widened.update(found)
        return found


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may read."""

    index: ProjectIndex
    resolver: Resolver
    graph: ImportGraph
    sites: ImportSites
    concepts: ConceptModel
    failures: tuple[FailedFile, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    # the modules whose calls the call readers judge (None: every module); a scan after a calls-only edit asks them
    # about the edited modules and those whose judgement read them (``call_reads``); see ``rules.CALL_READERS``
    calls_in: frozenset[str] | None = None
    # filled when given: judged module -> the other modules whose calls or ``name_uses`` its findings read (only
    # modules that read some are keys)
    call_reads: dict[str, set[str]] | None = None
    # every ``async def`` of the project (``async_functions``), when a scan kept it: None computes it, which reads
    # every module's functions
    async_defs: tuple[FunctionValue, ...] | None = None
    # SSOT104's ``duplicated_factories`` (factory name -> its copies), when a scan kept it: None computes it, which
    # reads every module's functions
    factory_groups: Mapping[str, tuple[FunctionValue, ...]] | None = None
    # ``names_bound_to``'s answers by their targets, filled when given: a full scan fills it and a calls-only scan
    # after it passes it again (the answer reads the import sites, the module-level aliases and what resolving them
    # reads, none of which a calls-only edit changes: at 4M lines it resolved every alias of the project, 0.1 CPU-s)
    bound_names: dict[frozenset[ClassValue | FunctionValue], frozenset[str]] | None = None
    code: str = ""  # the rule's, naming its judgements in the dependency record (``unit``)
    # Tables a rule builds from every module's facts that neither a calls-only edit nor an interface edit the scan
    # takes changes, by name (``SHARED_TABLES``): a full scan's rules fill it and a later scan passes it again, so a
    # rule narrowed to a few units does not read every module (``kept_scan.CallTables.shared``); None: build them.
    shared: dict[str, object] | None = None
    # the keys of the judgements to make (None: every one): a scan after an interface edit reruns only the units
    # whose reads it fired and keeps the other findings (``rules.units.unit_of`` names each finding's unit). The
    # rule's setup outside its units still runs whole.
    units: frozenset[Hashable] | None = None
    # where a name is defined (``Namespaces.find_definers``), from what a scan kept (``kept_definers.KeptDefiners``) rather
    # than from every module's facts; None (or an answer of None): read every module
    definers: Callable[[str], tuple[str, ...] | None] | None = None
    # after edits that changed which functions are ``async def`` (``async_defs`` patched for them): what the unawaited-
    # coroutine rule checks before it trusts the findings of the modules it does not judge again
    async_change: AsyncChange | None = None

    def unit(self, key: Hashable) -> AbstractContextManager[None]:
        """Record what is read from here as this rule's judgement of ``key`` (a module, or the group key the rule
        judges by; None: the rule as a whole), when the scan keeps a dependency record (``analysis.trace``)."""
        trace = self.resolver.trace
        return nullcontext() if trace is None else trace.unit((UNIT, self.code, key))

    def runs(self, key: Hashable) -> bool:
        """Whether the judgement of ``key`` is to be made (``units``)."""
        return self.units is None or key in self.units

    def shared_table(self, name: str, build: Callable[[], T]) -> T:
        """The table ``name`` of ``shared`` when this run may take it (a rule narrowed to some units: its setup read
        nothing the edits changed, ``interface_scan``), else ``build()``, kept there for the next scan."""
        if self.shared is None:
            return build()
        table = self.shared.get(name) if self.units is not None else None
        if table is None:
            table = self.shared[name] = build()
        return cast(T, table)

    def judges(self, module: str) -> bool:
        """Whether the call readers judge ``module``'s calls (``calls_in``)."""
        return self.calls_in is None or module in self.calls_in

    def judged_names(self) -> Collection[str] | None:
        """The modules a rule that judges module by module judges: those of ``calls_in`` (a call reader after a
        calls-only edit) that ``units`` keeps (such a rule's keys are module names); None: every module."""
        if self.calls_in is None or self.units is None:
            return cast("frozenset[str] | None", self.units) if self.calls_in is None else self.calls_in
        return self.calls_in & cast("frozenset[str]", self.units)

    def judged_modules(self) -> list[ModuleInfo]:
        """The modules ``judged_names`` names, in index order (reading no other module's facts)."""
        names = self.judged_names()
        return list(self.index.iter_modules()) if names is None else self.index.find_modules(names)

    def record_read(self, judged: str, read: str) -> None:
        """``judged``'s findings read the calls or ``name_uses`` of ``read`` (nothing when the two are one module,
        or when nobody asked: ``call_reads`` None)."""
        if self.call_reads is not None and read != judged:
            self.call_reads.setdefault(judged, set()).add(read)

    def find_async_functions(self) -> tuple[FunctionValue, ...]:
        """Every ``async def`` of the project, in index order: the kept table, else computed."""
        return self.async_defs if self.async_defs is not None else async_functions(self.index)

    def class_location(self, cls: ClassValue) -> Location:
        """Where a class is defined (the ``class`` line)."""
        info = self.index.get_module(cls.module)
        fact = info.facts.classes[cls.qualname]
        return Location(info.relpath, fact.line, fact.col + 1, fact.end_line, None, cls.fullname)

    def function_location(self, func: FunctionValue) -> Location:
        """Where a function is defined (the ``def`` line)."""
        info = self.index.get_module(func.module)
        fact = info.facts.functions[func.qualname]
        return Location(info.relpath, fact.line, fact.col + 1, fact.end_line, None, func.fullname)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: its description and the function that finds its findings."""

    info: RuleInfo
    check: Callable[[RuleContext], Iterable[Finding]]


def async_functions(index: ProjectIndex) -> tuple[FunctionValue, ...]:
    """Every ``async def`` (functions and methods) of the project, in module and definition order. Reads each
    function's ``is_async`` and qualified name only, never a call: a calls-only edit leaves it as it is, so a scan can
    keep it (``RuleContext.async_defs``)."""
    return tuple(FunctionValue(info.name, f.qualname) for info, f in index.iter_functions() if f.is_async)


def in_module_units(ctx: RuleContext,
                    calls: Iterable[tuple[ModuleInfo, CallSite]]) -> Iterator[tuple[ModuleInfo, CallSite]]:  # fmt: skip
    """``calls`` (``find_calls_named`` in the judged modules, ``judged_names``: module by module), each module's
    yielded inside its unit: the loop over them judges each module in that module's unit (this generator stays
    inside the unit while the loop's body runs)."""
    for _, pairs in groupby(calls, key=lambda pair: pair[0].name):
        info, call = next(pairs)
        with ctx.unit(info.name):
            yield info, call
            yield from pairs


def in_units(ctx: RuleContext, items: Iterable[T], key: Callable[[T], Hashable]) -> Iterator[T]:
    """Each of ``items`` whose unit ``key(item)`` runs (``RuleContext.runs``), yielded inside that unit: the body of
    a loop over them is the unit's judgement (this generator stays inside the unit while the body runs)."""
    for item in items:
        unit = key(item)
        if ctx.runs(unit):
            with ctx.unit(unit):
                yield item


def make_rule_info(code: str, name: str, severity: Severity, doc: str | None, options: tuple[RuleOption, ...] = (),
                   *, fix: str = "none") -> RuleInfo:  # fmt: skip
    """A ``RuleInfo`` whose summary is the first line of the rule module's docstring.

    ``fix``: "safe", "unsafe" or "none", what ``ssot-audit fix`` can do for its findings (the doc's ``## Fix``).
    """
    text = (doc or "").strip()
    summary = text.splitlines()[0].strip() if text else name
    return RuleInfo(code=code, name=name, summary=summary, default_severity=severity, doc=text, options=options,
                    fix=fix)  # fmt: skip


def names_bound_to(ctx: RuleContext, targets: set[ClassValue] | set[FunctionValue]) -> frozenset[str]:
    """Every name a call could use to reach one of ``targets``: their own names, the names they are imported as,
    and module-level aliases of them. Rules use it to skip resolving calls that cannot reach a target."""
    memo = ctx.bound_names if ctx.bound_names is not None else {}
    return bound_answer(ctx.resolver.trace, ctx.sites, ctx.concepts.names, memo, frozenset(targets))


def bound_answer(trace: Trace | None, sites: ImportSites, names: Names,
                 memo: dict[frozenset[ClassValue | FunctionValue], frozenset[str]],
                 key: frozenset[ClassValue | FunctionValue]) -> frozenset[str]:  # fmt: skip
    """``names_bound_to``'s answer for the targets ``key``, from ``memo`` or computed into it: one node kept by key
    for every answer (``trace.BOUND``), which a later scan reuses (``kept_scan.CallTables.bound_names``), or computes
    again to see whether it changed (``rerun``)."""
    return node_answer(trace, memo, key, (BOUND, ""), lambda: _names_bound(sites, names, key))


def _names_bound(sites: ImportSites, names: Names, targets: frozenset[ClassValue | FunctionValue]) -> frozenset[str]:
    """The module-level aliases come from the concept model's table (``Names.alias_names``: every ``X = Y`` binding
    resolved once, while the model is built), not from resolving each alias again: the model read those
    resolutions, so an edit that changes one runs the whole scan, and on the path the table holds (resolving
    them again was 0.07 CPU-s of each scan after an edit at 4M lines that asked a new answer)."""
    found = {t.qualname.split(".")[-1] for t in targets}
    aliases = names.alias_names()
    for target in targets:  # each target's sites, a read of its module's (``usage.sites_leaf``), not of them all
        found.update(site.bound for site in sites.find_sites(target))
        found.update(alias.name for alias in aliases.get(target, ()))
    return frozenset(found)


def shown_name(ctx: RuleContext, cls: ClassValue) -> str:
    """A class as messages name it: its public name, and the defining one when that is private
    (``WebSocketManager (_WebSocketManagerImplementation)``)."""
    public = ctx.concepts.names.public_name(cls).name
    return public if public == cls.shown else f"{public} ({cls.shown})"


def concept_of_callee(ctx: RuleContext, callee: ClassValue | FunctionValue) -> str | None:
    """The concept a callee belongs to: a concept's factory, a member class, or a method of a member class."""
    if isinstance(callee, ClassValue):
        found = ctx.concepts.concept_of.get(callee)
        return found.name if found is not None else None
    for concept in ctx.concepts.concepts:
        if callee in concept.factories:
            return concept.name
    func = ctx.index.find_function(callee.module, callee.qualname)
    if func is None or not func.class_qualname:
        return None
    owner = ctx.concepts.concept_of.get(ClassValue(callee.module, func.class_qualname))
    return owner.name if owner is not None else None


def symbol_of(module: str, qualname: str) -> str:
    """Qualified symbol: ``module.qualname`` or the module itself at module level."""
    return f"{module}.{qualname}" if qualname else module


def make_finding(
    info: RuleInfo,
    *,
    module: ModuleInfo,
    line: int,
    column: int,
    symbol: str,
    message: str,
    fix_hint: str,
    key: str,
    severity: Severity | None = None,
    confidence: Confidence = Confidence.HIGH,
    related: Iterable[Related] = (),
    facts: dict[str, Any] | None = None,
    end_line: int | None = None,
    end_column: int | None = None,
) -> Finding:
    """A finding located in ``module``; the fingerprint uses ``key`` and ``symbol``, never line numbers. Its texts
    name modules and functions as the source spells them (``untagged``: no ``app#2.core`` in a hint to import)."""
    location = Location(module.relpath, line, column, end_line, end_column, symbol)
    return Finding(
        code=info.code,
        name=info.name,
        message=untagged(message),
        fix_hint=untagged(fix_hint),
        severity=severity or info.default_severity,
        confidence=confidence,
        location=location,
        fingerprint=make_fingerprint(info.code, module.relpath, symbol, key),
        related=tuple(r if "#" not in r.message else Related(r.location, untagged(r.message)) for r in related),
        facts=facts or {},
        in_tests=module.is_test,
    )


def call_finding(info: RuleInfo, *, module: ModuleInfo, call: CallSite, **fields: Any) -> Finding:
    """A finding on a call expression of ``module``: its span, in the scope that holds it."""
    return make_finding(info, module=module, line=call.line, column=call.col + 1, end_line=call.end_line,
                        end_column=call.end_col + 1, symbol=symbol_of(module.name, call.scope), **fields)  # fmt: skip


def class_finding(info: RuleInfo, ctx: RuleContext, cls: ClassValue, **fields: Any) -> Finding:
    """A finding on the ``class`` line of a project class."""
    location = ctx.class_location(cls)
    return make_finding(info, module=ctx.index.get_module(cls.module), line=location.line, column=location.column,
                        symbol=cls.fullname, **fields)  # fmt: skip
