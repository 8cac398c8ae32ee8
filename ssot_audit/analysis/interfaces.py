"""The interface of intended polymorphism between two classes: the methods they share by design, which role
similarity (``similarity``) does not count as evidence of one concept written twice.

- the methods of a common project ancestor;
- between classes of names of their own (not versions of one name): the methods of a project Protocol/ABC both
  implement, even structurally (a protocol of 5 or more telling names is implemented by a class that defines 80% of
  them: mlflow's REST and SQLAlchemy gateway stores each define 35 or 36 of ``GatewayStoreMixin``'s 36 stubs, and
  neither inherits it); the hooks of their external bases (``hooks``); what an abstract base of each declares
  (manila's Huawei and Dell EMC storage connections implement ``create_share``... for two ABCs of their vendors).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection

from ssot_audit.analysis.class_profile import Profile
from ssot_audit.analysis.hooks import external_bases, external_hooks
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import Roles
from ssot_audit.analysis.values import ClassValue

PROTOCOL_COVER = 0.8  # share of a protocol's telling methods a class must define to implement it structurally
_DECLARING = ("abc", "protocol")  # the roles of classes that declare an interface
_NOTHING: frozenset[str] = frozenset()


class Interfaces:
    """The protocols, external hooks and abstract declarations of a project, and what two classes share by them."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, roles: Roles, generic: Collection[str]) -> None:
        """``generic``: method names that mean little anywhere, which an implementation may leave out."""
        self.roles = roles
        self.protocols = _protocol_methods(index, roles)
        # each protocol under each of its telling names (the generic ones aside: an implementation may leave out a
        # lifecycle hook such as ``initialize``), with how many of them an implementation defines
        self._table: list[tuple[frozenset[str], frozenset[str], int]] = []
        self._by_name: dict[str, list[int]] = defaultdict(list)  # -> positions in ``_table``
        generic = frozenset(generic)
        for methods in self.protocols:
            telling = methods - generic
            telling = telling if len(telling) >= 2 else methods
            for name in telling:
                self._by_name[name].append(len(self._table))
            needed = math.ceil(PROTOCOL_COVER * len(telling))  # all of 2 to 4 names, 36 of 45
            self._table.append((telling, methods, needed))
        self._hooks = external_hooks(resolver, roles.role, roles.methods)
        self._class_hooks: dict[ClassValue, frozenset[str]] = {}  # ``_hooks_of``, by class: asked once per pair
        # the external bases of every class whose hooks a comparison asked (none may have any): a test class's
        # methods count towards the hooks of the bases it names (``external_hooks``), and an edit of them changes
        # no comparison unless one of those is here (``kept_judgements.members_unread``)
        self.read_bases: set[str] = set()
        self._declared_by: dict[ClassValue, frozenset[str]] = {}  # ``_declared``, by class

    def between(self, pa: Profile, pb: Profile) -> frozenset[str]:
        """The methods the classes of ``pa`` and ``pb`` share by design (see the module docstring)."""
        shared: set[str] = set()
        for ancestor in pa.ancestors & pb.ancestors:
            shared |= self.roles.methods.get(ancestor, _NOTHING)
        if pa.own_words != pb.own_words:
            both = pa.methods & pb.methods
            for position in {p for name in both for p in self._by_name.get(name, ())}:
                telling, methods, needed = self._table[position]
                if len(telling & both) >= needed:
                    shared |= methods
            # hooks of their external bases that both define (one base, or two of a framework); asked when there
            # are none too, so ``read_bases`` holds the bases whose first hook would change this answer
            shared |= self._hooks_of(pa) & self._hooks_of(pb)
            shared |= self._declared(pa) & self._declared(pb)
        return frozenset(shared)

    def _hooks_of(self, profile: Profile) -> frozenset[str]:
        """The hooks of the external bases of a class (``hooks.external_hooks``), worked out once per class."""
        cls = profile.order[0]
        found = self._class_hooks.get(cls)
        if found is None:
            found = _NOTHING
            bases = external_bases(profile.order)
            self.read_bases |= bases
            for base in bases:
                found |= self._hooks.get(base, _NOTHING)
            self._class_hooks[cls] = found
        return found

    def _declared(self, profile: Profile) -> frozenset[str]:
        """The public methods the project ABCs and protocols among a class's ancestors declare."""
        cls = profile.order[0]
        found = self._declared_by.get(cls)
        if found is None:
            found = _NOTHING
            for ancestor in profile.ancestors:
                if self.roles.role.get(ancestor) in _DECLARING:
                    found = found | self.roles.methods.get(ancestor, _NOTHING)
            self._declared_by[cls] = found
        return found


def _protocol_methods(index: ProjectIndex, roles: Roles) -> list[frozenset[str]]:
    """Public methods of each project Protocol/ABC with two or more of them."""
    found = []
    for value, role in roles.role.items():
        if role in _DECLARING:
            fact = index.find_class(value.module, value.qualname)
            methods = frozenset(m for m in fact.methods if not m.startswith("_")) if fact else frozenset()
            if len(methods) >= 2:
                found.append(methods)
    return found
