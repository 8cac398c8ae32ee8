"""How a class hands its work to another object: the signs of a facade, a proxy, an RPC client or a wrapper.

A method delegates (``FunctionFact.delegates``, set by the extraction) when it reads ``<another object>.<its own
name>`` (``self._inner.send`` in ``send``) or passes its own name to a call (``cctxt.cast(context,
'router_deleted')`` in ``router_deleted``: nova's and neutron's RPC clients name the agent method they call). A
class whose ``__getattr__`` hands attributes to another object (``getattr(self.br, name)``) wraps that object and
intercepts a few of its methods (neutron's ``DeferredOVSBridge`` queues the flows of the bridge it wraps). Role
similarity (``similarity``) and facades (``concepts``) ask these questions; a class that hands the shared methods
on is not a second implementation of them.
"""

from __future__ import annotations

from ssot_audit.analysis.facts import FunctionFact
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.roles import Roles
from ssot_audit.analysis.values import ClassValue


class Handoff:
    """Which methods of a class hand the work on, answered from the facts of the functions that define them."""

    def __init__(self, index: ProjectIndex, roles: Roles) -> None:
        self.index = index
        self.roles = roles
        # ``method_fact``'s answers by class: a class is compared in many pairs (7 copies of each class at 4M lines
        # of django copies), each asking about its shared methods again through four calls
        self._facts: dict[ClassValue, dict[str, FunctionFact | None]] = {}

    def delegating(self, cls: ClassValue, shared: tuple[str, ...]) -> int:
        """How many of ``shared`` methods of ``cls`` hand the work on to another object (``self._inner.send``)."""
        count = 0
        # only the names some definition along the MRO may hand on need a lookup (``shared`` holds each name once)
        for name in self.roles.methods_with(cls, "delegates").intersection(shared):
            fact = self.method_fact(cls, name)
            count += bool(fact is not None and fact.delegates)
        return count

    def forwards_the_rest(self, cls: ClassValue) -> bool:
        """Whether ``cls``'s ``__getattr__`` hands the attributes ``cls`` lacks to another object: a wrapper."""
        if "__getattr__" not in self.roles.methods_with(cls, "delegates"):
            return False
        fact = self.method_fact(cls, "__getattr__")
        return fact is not None and fact.delegates

    def method_fact(self, cls: ClassValue, name: str) -> FunctionFact | None:
        """The facts of the function that defines method ``name`` for ``cls``: kept per class once the resolver
        keeps ``find_method``'s answer, so a class met in many pairs is looked up once."""
        known = self._facts.get(cls)
        if known is None:
            known = self._facts[cls] = {}
        elif name in known:
            return known[name]
        method = self.roles.method_function(cls, name)
        # whether it hands work on, or is ``async``: what the model reads of it (``trace.HEAD``)
        fact = self.index.find_function(method.module, method.qualname, head=True) if method else None
        if self.roles.resolver.is_method_kept(cls, name):
            known[name] = fact
        return fact
