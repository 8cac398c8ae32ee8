"""A subclass that adds nothing: a compatibility shim.

## What it does
Finds classes whose base is a project class and whose body adds nothing: only ``pass``, ``...``, a docstring, or
methods that just call ``super()`` with the same name and their own arguments, with at most side notes around the
call (a logging call, a ``warnings.warn`` deprecation, a ``print``, ``self.x = <constant>`` defaults). Exceptions
and enums are left alone (an empty subclass is how they are meant to be used), and so are families of two or more
empty subclasses declared in their base's own module, outside any concept, each with a name of its own: type tags
(``class OFTInteger(Field): pass`` next to ``Field``; wagtail's ``LinkHandler`` and ``EmbedHandler`` next to
``EntityHandler``; pretix's ``ConfirmPaymentForm`` and ``ReactivateOrderForm``), not compatibility shims, which live
elsewhere (compat modules, legacy packages) or carry a version of their base's name (``LegacyField(Field)``), and an
empty subclass that its own module constructs, outside any concept (``RemoveValue(Placeholder)``, which the module
returns and tells apart with ``isinstance``; a platform's per-device entity classes; textual's message classes,
``Toggle(Message)``, posted by the widget that declares them): a marker type, not a name kept for old imports.
Outside concepts, an empty subclass with a docstring of its own that says nothing of deprecation, compatibility, an
alias or a rename is a type written on purpose (nova's ``DeviceRemovedEvent(DeviceEvent)``, "Libvirt sends this
event after a successful device detach"; a documented base for a family of classes); one whose docstring says
"Deprecated: kept for backwards compatibility" is still reported. Class-level attribute overrides
(``max_connections=500``) configure a variant: not a shim. Nor is a typed specialization, whose bases carry type
arguments (``class ToonEntity(CoordinatorEntity[ToonCoordinator])``, ``Generic[T]`` among the bases), nor an empty
subclass of a django model or of a model's abstract base (``class Meta: abstract = True``): a model of its own, with
its table (wagtail's ``Workflow(AbstractWorkflow)``, ``HomePage(Page)``).

## Why is this bad?
A shim keeps an old name alive: imports keep coming through it, ``isinstance`` checks against it miss instances
of the base, and nobody knows when it can go.

## Example
```python
class LegacyWebSocketManager(WebSocketManager):
    pass  # kept for old imports

class IsolatedWebSocketManager(UnifiedWebSocketManager):
    def __init__(self, user_id):
        logger.info("creating an isolated manager for %s", user_id)
        super().__init__(user_id)
```

## Use instead
Import the base class; if callers cannot move at once, a module-level alias with a deprecation warning, removed
once nothing imports it.

## Fix
Safe: every ``from <module> import <Shim>`` elsewhere in the project imports the base class instead (renaming
its uses in that file); star imports are left alone and reported. The shim itself stays until nothing imports it.
Safe as long as no code outside the project checks ``isinstance(x, Shim)`` or pickles shim instances.

## Options
None.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from ssot_audit.analysis.callees import resolve_callee
from ssot_audit.analysis.values import ClassValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, class_finding, make_rule_info

_TAG_FAMILY = 2  # this many empty subclasses declared in their base's module (outside any concept) are type tags

INFO = make_rule_info("SSOT103", "shim-subclass", Severity.WARNING, __doc__, fix="safe")


def _first_project_base(ctx: RuleContext, value: ClassValue) -> ClassValue:
    return next(v for v in ctx.resolver.mro(value)[1:] if isinstance(v, ClassValue))


def _shown(ctx: RuleContext, base: ClassValue) -> str:
    public = ctx.concepts.names.public_name(base)
    return public.name if public.name == base.shown else f"{public.name} ({base.shown})"


def _documented(ctx: RuleContext, value: ClassValue) -> bool:
    """A docstring of its own that speaks of no deprecation or alias (``ClassFact.purpose_doc``): a type written on
    purpose (nova's ``DeviceRemovedEvent``), not a name kept for old imports. Asked first: a fact, no resolving."""
    fact = ctx.index.find_class(value.module, value.qualname)
    return fact is not None and fact.purpose_doc


def _made_at_home(ctx: RuleContext, value: ClassValue) -> bool:
    """The module that declares ``value`` constructs it: a marker type its own code hands out and tells apart
    (``return RemoveValue()``, then ``isinstance(v, RemoveValue)``), not a name kept alive for old imports."""
    info = ctx.index.get_module(value.module)
    name = value.qualname.rpartition(".")[2]
    return any(value in resolve_callee(ctx.resolver, info, call) for call in info.facts.calls.named({name}))


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every class classified as a shim (outside tests), except families of type tags.

    Units: one per module of shims (the shims of one module, ``tags``). Setup: none (the concept model's kinds)."""
    # a shim is judged by its own module's calls (``_made_at_home``): asked about ``calls_in``, only the shims
    # declared there. ``tags`` counts shims declared in their base's module and is read only for such a shim, so
    # the shims of that one module are all it needs: exact on the judged ones, and it reads no call.
    # Judged module by module (the unit of the shim's module), for the same reason: ``tags`` of one module's shims.
    by_module: dict[str, list[ClassValue]] = defaultdict(list)
    for value, kind in ctx.concepts.kinds.items():
        if kind == "shim" and ctx.judges(value.module) and ctx.runs(value.module):
            by_module[value.module].append(value)
    for module, shims in by_module.items():
        with ctx.unit(module):
            yield from _judge(ctx, shims)


def _judge(ctx: RuleContext, shims: list[ClassValue]) -> Iterator[Finding]:
    """The findings on ``shims``, the shims of one module."""
    bases = {v: _first_project_base(ctx, v) for v in shims}
    tags = Counter(base for v, base in bases.items() if v.module == base.module)  # declared next to their base
    for value in shims:
        base = bases[value]
        concept_related = base in ctx.concepts.concept_of or value in ctx.concepts.concept_of
        if value.module == base.module and tags[base] >= _TAG_FAMILY and not concept_related \
                and ctx.concepts.similarity.words(value) != ctx.concepts.similarity.words(base):
            continue  # OFTInteger, OFTReal(Field) in field.py, LinkHandler, EmbedHandler(EntityHandler): type tags
        if not concept_related and (_documented(ctx, value) or _made_at_home(ctx, value)):
            continue  # a documented event type, ``RemoveValue(Placeholder)``, ``self.post_message(self.Toggle())``
        concept = ctx.concepts.concept_of.get(value)
        public = ctx.concepts.names.public_name(base)
        in_concept = f" of the concept '{concept.name}'" if concept else ""
        yield class_finding(
            INFO,
            ctx,
            value,
            message=f"{value.qualname} subclasses {_shown(ctx, base)}{in_concept} and adds nothing: a compatibility shim",
            fix_hint=f"import {public.name} from {public.module} instead, then delete {value.qualname}",
            key=f"shim:{base.fullname}",
            severity=Severity.WARNING if concept else Severity.NOTE,
            related=[Related(ctx.class_location(base), f"{base.qualname}, the class it stands for")],
            facts={"base": base.fullname, "concept": concept.name if concept else None,
                   "canonical_module": public.module, "canonical_name": public.name},
        )


RULE = Rule(INFO, check)
