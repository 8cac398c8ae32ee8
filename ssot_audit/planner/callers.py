"""Steps that fix one call site or one import each, built from a finding: rewrite an import, call the factory,
drop or add an ``await``, stop sharing an instance. Shared by concept plans and split-symbol plans."""

from __future__ import annotations

from ssot_audit.model import Finding, ImportRef, Location
from ssot_audit.model.plan import ADD_AWAIT, ISOLATE_INSTANCE, REMOVE_AWAIT, REWRITE_IMPORT, USE_FACTORY
from ssot_audit.planner.steps import Draft


def short(qualname: str) -> str:
    """The last dotted part: ``app.ws.Manager`` -> ``Manager``."""
    return qualname.rsplit(".", 1)[-1]


def module_of(qualname: str) -> str:
    """The module of a module-level class or function."""
    return qualname.rsplit(".", 1)[0]


def scan_command(root: str, code: str) -> str:
    """The command that re-checks one rule, run from the scanned directory (every path in a plan is relative to it;
    ``root`` is only its name, which says nothing of where a reader stands)."""
    return f"ssot-audit scan . --select {code}"


def plan_command(root: str) -> str:
    """The command that re-plans, run from the scanned directory: verifies steps no finding pins down."""
    return "ssot-audit plan . --format json"


def import_line(source: str, name: str, bound: str) -> str:
    """``from SOURCE import NAME [as BOUND]``."""
    return f"from {source} import {name}" + (f" as {bound}" if bound != name else "")


def rewrite_import(ref: ImportRef, new_source: str, new_name: str, root: str, resolves: tuple[str, ...] = (),
                   codes: tuple[str, ...] = ()) -> Draft:  # fmt: skip
    """Point one import at the canonical path (keeping the local name, so the module's code does not change).

    ``codes`` are the rules of the findings at that line that the rewrite resolves: re-running them verifies it.
    An import no finding flags (a duplicate class imported from its own module) is verified by the plan itself:
    once the import goes through the canonical path, no step rewrites it any more. Either check is false before
    the step and true after it.
    """
    loc = _ref_location(ref)
    if codes:
        verify_command, expect = scan_command(root, ",".join(codes)), f"no finding at {ref.path}:{ref.line}"
    else:
        verify_command, expect = plan_command(root), f"no step rewrites the import at {ref.path}:{ref.line}"
    return Draft(
        key=f"import:{ref.path}:{ref.line}:{ref.column}:{ref.bound}",
        kind=REWRITE_IMPORT,
        title=f"Import {new_name} from {new_source} in {ref.path}:{ref.line}",
        detail=f"{ref.path}:{ref.line} imports {ref.name} from {ref.source}; import {new_name} from {new_source} "
        f"under the same local name '{ref.bound}'.",
        files=(ref.path,),
        locations=(loc,),
        verify_command=verify_command,
        verify_expect=expect,
        before=import_line(ref.source, ref.name, ref.bound),
        after=import_line(new_source, new_name, ref.bound),
        resolves=resolves,
    )


def _ref_location(ref: ImportRef) -> Location:
    return Location(ref.path, ref.line, ref.column, symbol=ref.importer)


def rewrite_from_finding(finding: Finding, root: str) -> Draft:
    """An SSOT201 finding as a step (used when no import record exists, e.g. symbols outside the concepts)."""
    facts = finding.facts
    name = short(facts["symbol"])
    loc = finding.location
    return Draft(
        key=f"import:{loc.path}:{loc.line}:{loc.column}:{finding.fingerprint}",
        kind=REWRITE_IMPORT,
        title=f"Import {name} from {facts['canonical_path']} in {loc.path}:{loc.line}",
        detail=f"{loc.path}:{loc.line} imports {name} from {facts['used_path']}; its canonical path is "
        f"{facts['canonical_path']}.",
        files=(loc.path,),
        locations=(loc,),
        verify_command=scan_command(root, "SSOT201"),
        verify_expect=f"no finding at {loc.path}:{loc.line}",
        before=f"from {facts['used_path']} import {name}",
        after=finding.fix_hint,
        resolves=(finding.fingerprint,),
    )


def _site_step(finding: Finding, root: str, kind: str, *, title: str, detail: str, before: str, after: str,
               mechanical: bool) -> Draft:  # fmt: skip
    """A step that fixes the one line a finding points at; it is verified by re-running that finding's rule."""
    loc = finding.location
    return Draft(
        key=f"{kind}:{loc.path}:{loc.line}:{loc.column}:{finding.fingerprint}",
        kind=kind,
        title=f"{title} in {loc.path}:{loc.line}",
        detail=f"{loc.path}:{loc.line} {detail}",
        files=(loc.path,),
        locations=(loc,),
        mechanical=mechanical,
        verify_command=scan_command(root, finding.code),
        verify_expect=f"no finding at {loc.path}:{loc.line}",
        before=before,
        after=after,
        resolves=(finding.fingerprint,),
    )


def use_factory(finding: Finding, root: str) -> Draft:
    """SSOT301 (a class constructed directly) and SSOT303 (a guard constructed): call the factory instead."""
    facts = finding.facts
    cls, factory = facts.get("called_as") or short(facts["class"]), facts.get("factory")
    after = f"{short(factory)}(...)" if factory else "(create it in an allowed creator)"
    how = f"call {factory}(...) (import it from {module_of(factory)})" if factory else finding.fix_hint
    return _site_step(finding, root, USE_FACTORY, title=f"Replace {cls}(...) with {after}",
                      detail=f"constructs {facts['class']} directly; {how}. Check the arguments: the factory's "
                      "parameters may differ from the constructor's.",
                      before=f"{cls}(...)", after=after, mechanical=False)  # fmt: skip


def remove_await(finding: Finding, root: str) -> Draft:
    """SSOT401: drop the ``await`` (or switch to the async variant when one exists and was meant)."""
    facts = finding.facts
    name = short(facts["callee"])
    variants = facts.get("async_variants", [])
    detail = f"awaits {facts['callee']}, a plain {facts.get('callee_kind', 'def')}: drop the await."
    if variants:
        detail += f" If the async variant was meant, import {variants[0]} instead and keep the await."
    return _site_step(finding, root, REMOVE_AWAIT, title=f"Remove await on {name}()", detail=detail,
                      before=f"await {name}(...)", after=f"{name}(...)",
                      mechanical=not variants and not facts.get("mixed_definitions", False))  # fmt: skip


def add_await(finding: Finding, root: str) -> Draft:
    """SSOT402: await the coroutine (or schedule it)."""
    name = short(finding.facts["callee"])
    return _site_step(finding, root, ADD_AWAIT, title=f"Await {name}()",
                      detail=f"calls async def {finding.facts['callee']} and never awaits it: await it, or schedule "
                      "it with asyncio.create_task() when the caller is not async.",
                      before=f"{name}(...)", after=f"await {name}(...)", mechanical=False)  # fmt: skip


def isolate_instance(finding: Finding, factory: str | None, root: str) -> Draft:
    """SSOT302: a per-user object shared by every user must be created per request."""
    facts = finding.facts
    via = f"{short(factory)}(user_id)" if factory else "its factory"
    return _site_step(finding, root, ISOLATE_INSTANCE, title=f"Stop sharing {facts['kind']} '{facts['variable']}'",
                      detail=f"keeps one {short(facts['class'])} for every user; create it per user with {via} where "
                      "it is used and pass it along.",
                      before=f"{facts['variable']} = {short(facts['class'])}(...)", after=f"{via} at request time",
                      mechanical=False)  # fmt: skip
