"""The hooks of external bases: methods a framework base declares, which the scan cannot see into.

langchain's ``BaseCallbackHandler`` declares ``on_llm_start``, ``on_chain_end``...; eleven integrations override
them, and to role similarity (``similarity``) they looked like one class written eleven times. A method that the
subclasses of one external base define under ``HOOK_NAMES`` or more different names (production classes, and test
classes that name the base themselves) is taken to be that base's hook: the interface of intended polymorphism,
like the methods of a project ancestor or protocol.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ssot_audit.analysis.names import name_words
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import TEST_ROLES
from ssot_audit.analysis.values import ClassValue, ExternalValue, Value

HOOK_NAMES = 3  # different class names defining a method under one external base that make it the base's hook
# External bases that declare no interface of their own.
_NO_INTERFACE = frozenset({"builtins.object", "object", "abc.ABC", "typing.Generic", "typing.Protocol",
                           "typing_extensions.Protocol", "typing.NamedTuple", "typing.TypedDict"})  # fmt: skip


def external_bases(order: tuple[Value, ...]) -> frozenset[str]:
    """The external bases among ``order`` (a class's MRO, ``Resolver.mro``, or its direct bases) that may declare an
    interface, each by its top-level package and its name: ``langchain_core.callbacks.BaseCallbackHandler`` and the
    ``langchain_core.callbacks.base.BaseCallbackHandler`` it re-exports are one base imported by two paths."""
    return frozenset(f"{v.name.partition('.')[0]}:{v.name.rpartition('.')[2]}" for v in order
                     if isinstance(v, ExternalValue) and v.name not in _NO_INTERFACE)  # fmt: skip


def external_hooks(resolver: Resolver, role: Mapping[ClassValue, str],
                   methods: Mapping[ClassValue, frozenset[str]]) -> dict[str, frozenset[str]]:  # fmt: skip
    """Per external base (see ``external_bases``), the methods its subclasses (``role``: each class's role;
    ``methods``: its public methods) define under ``HOOK_NAMES`` or more different names: production classes that
    have it in their MRO, test classes that name it as a direct base. Copies of one class count once (one name), so
    a class pasted into three packages does not make its own methods a base's hooks."""
    namings: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for value, kind in role.items():
        # a test class counts only for a base it names itself (neutron's TestMechanismDriver implements
        # neutron_lib's MechanismDriver hooks); a test double of a project class says nothing of that class's bases
        bases = external_bases(tuple(resolver.direct_bases(value)) if kind in TEST_ROLES else resolver.mro(value))
        if bases:
            words = name_words(value.qualname.split(".")[-1].lstrip("_"))
            for base in bases:
                for method in methods[value]:
                    namings[base, method].add(words)
    hooks: dict[str, set[str]] = defaultdict(set)
    for (base, method), names in namings.items():
        if len(names) >= HOOK_NAMES:
            hooks[base].add(method)
    return {base: frozenset(found) for base, found in hooks.items()}
