"""The part of fact extraction that records how a module's namespace is filled and read from outside.

The broken-import rule needs to know, for a module, every way a name can exist at run time besides a binding the
extractor already sees: ``globals()`` writes, ``sys.modules`` surgery, ``__path__`` changes, monkeypatching from
other modules (``mod.name = ...`` / ``setattr(mod, "name", ...)``); and which module attributes code reads
(``import pkg.mod`` then ``pkg.mod.helper``). Kept apart from ``extract`` so each module stays readable; both are
per-file code (see ``cache._PER_FILE_MODULES``).
"""

from __future__ import annotations

import ast
from typing import Any

from ssot_audit.analysis.ast_helpers import SYS_MODULES, chain_root, encode, is_name_chain, mentions_module_name
from ssot_audit.analysis.attr_table import AttrUseTable
from ssot_audit.analysis.facts import B_OTHER, AttrStore, AttrUse, Expr, ModuleFacts

# Calls whose last name may fill a module namespace or probe it; checked before anything else is looked at.
SPECIAL_CALLS = frozenset({
    "globals", "vars", "locals", "exec", "setattr", "hasattr", "getattr", "declare_namespace", "extend_path",
    "update", "setdefault", "__setitem__",
})  # fmt: skip
_PATH_MUTATORS = frozenset({"declare_namespace", "extend_path"})
_MODULE_SCOPE_ONLY = frozenset({"vars", "locals", "exec"})  # in a function they see the function's own locals
_NEVER_MODULES = frozenset({"self", "cls", "super"})  # roots of most attribute reads: skipped before anything else
# Reaching a caller's frame: a helper that can write the globals of the module calling it.
_FRAME_ATTRIBUTES = frozenset({"_getframe", "f_globals", "f_back", "currentframe"})


class NamespaceRecorder:
    """Mixed into ``Extractor``: collects attribute reads and stores on imported names, and dynamic namespaces."""

    facts: ModuleFacts
    type_checking: int
    attr_guarded: int

    def bind(self, name: str, kind: str, value: Any, line: int) -> None:  # provided by the extractor
        raise NotImplementedError

    def expression(self, root: ast.expr, context: str, target: Expr = None) -> None:  # provided by the extractor
        raise NotImplementedError

    def _nested(self, body: list[ast.stmt]) -> None:  # provided by the extractor
        raise NotImplementedError

    def init_namespace(self) -> None:
        """Start recording (called by the extractor's constructor)."""
        self._reads: list[tuple[ast.Attribute, str, str, str, bool, bool]] = []  # node, root, scope, class, flags
        self._stores: list[AttrStore] = []
        self._shadows: set[tuple[str, str]] = set()  # (scope, name) bound by a comprehension or lambda there
        self._writers: set[str] = set()  # ``ModuleFacts.namespace_writers``, sorted into the facts at the end
        self._probed: set[str] = set()  # ``ModuleFacts.probed_attrs``, likewise

    def note_attribute(self, node: ast.Attribute, scope: str, in_class: str) -> None:
        """An attribute read (the outermost of a chain); kept if it turns out to be rooted at an imported name."""
        if node.attr in _FRAME_ATTRIBUTES and scope:
            self._writers.add(scope)
        base = node.value
        while type(base) is ast.Attribute:
            base = base.value
        if type(base) is ast.Name and base.id not in _NEVER_MODULES:
            self._reads.append((node, base.id, scope, in_class, self.attr_guarded > 0, self.type_checking > 0))

    def note_shadows(self, node: ast.AST, scope: str) -> None:
        """Names a comprehension target or lambda parameter binds: they hide a module of the same name there."""
        if isinstance(node, ast.comprehension):
            names = [n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)]
        else:
            names = [a.arg for a in ast.walk(node) if isinstance(a, ast.arg)]
        self._shadows.update((scope, name) for name in names)

    def note_store(self, target: ast.Attribute, scope: str) -> None:
        """``base.attr = value``: a module may get ``attr`` this way."""
        if type(target.value) is ast.Name and target.value.id in _NEVER_MODULES:
            return  # ``self.x = ...``: by far the most common store, never a module's
        base = encode(target.value)
        if is_name_chain(base):
            self._stores.append(AttrStore(base, target.attr, scope))

    def note_subscript(self, node: ast.Subscript, store: bool, scope: str = "") -> None:
        """``sys.modules[__name__]`` read, or any ``sys.modules[...] = ...``: the module replaces or patches itself."""
        value = node.value
        if type(value) is not ast.Attribute or value.attr != "modules" or encode(value) != SYS_MODULES:
            return
        if store or mentions_module_name(node.slice):
            self.facts.dynamic_namespace = True
        elif scope and not isinstance(node.slice, ast.Constant):  # sys.modules[name] in a function: may edit others
            self._writers.add(scope)

    def note_call(self, call: ast.Call, func: Expr, scope: str, module_level: bool) -> None:
        """A call whose last name is in ``SPECIAL_CALLS`` (the extractor checks, on its hottest path): one that
        writes a namespace (``globals()``, ``setattr``...) or probes one (``hasattr(mod, "x")``)."""
        name = func[-1] if func is not None and func[0] in ("n", "a") else ""
        if func is not None and func[0] == "a":
            if func[1] == SYS_MODULES:  # sys.modules.update(...) / setdefault / __setitem__
                self.facts.dynamic_namespace = True
            elif name in _PATH_MUTATORS:
                self.facts.dynamic_namespace = True
            return
        args = call.args
        if name == "globals" or name in _PATH_MUTATORS or (name in _MODULE_SCOPE_ONLY and module_level and
                                                           (name == "exec" or not args)):  # fmt: skip
            self.facts.dynamic_namespace = True
        elif len(args) >= 2 and name in ("hasattr", "getattr"):
            if isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
                self._probed.add(args[1].value)
        elif len(args) >= 2 and name == "setattr":
            base = encode(args[0])
            literal = isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)
            if isinstance(args[0], ast.Subscript):
                self.note_subscript(args[0], store=False, scope=scope)
            elif is_name_chain(base):
                self._stores.append(AttrStore(base, str(args[1].value) if literal else "*", scope))  # type: ignore[attr-defined]

    def _stmt_Match(self, node: ast.Match) -> None:
        self.expression(node.subject, "other")
        for case in node.cases:
            for pattern in ast.walk(case.pattern):  # capture names bind in the enclosing scope
                for name in (getattr(pattern, "name", None), getattr(pattern, "rest", None)):
                    if isinstance(name, str):
                        self.bind(name, B_OTHER, None, case.pattern.lineno)
            if case.guard is not None:
                self.expression(case.guard, "other")
            self._nested(case.body)

    def _stmt_TypeAlias(self, node: ast.AST) -> None:  # ``type X = ...`` (Python 3.12)
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name):
            self.bind(name.id, B_OTHER, None, name.lineno)

    def finish_namespace(self) -> None:
        """Keep the reads and stores rooted at a name some import binds; note a bound ``__getattr__``/``__path__``."""
        facts = self.facts
        facts.namespace_writers, facts.probed_attrs = tuple(sorted(self._writers)), tuple(sorted(self._probed))
        imported = {imp.bound for imp in facts.imports if imp.name != "*"}
        kept: dict[tuple[Expr, str], AttrUse] = {}
        for node, root, scope, in_class, guarded, type_checking in self._reads:
            if root not in imported or (scope, root) in self._shadows:
                continue
            if in_class and root in facts.classes[in_class].class_attrs:
                continue  # a class attribute of that name hides the module inside the class body
            expr = encode(node)
            known = kept.get((expr, scope))
            if is_name_chain(expr) and (known is None or (node.lineno, node.col_offset) < (known.line, known.col)):
                kept[(expr, scope)] = AttrUse(expr, node.lineno, node.col_offset, scope, guarded, type_checking)
        facts.attr_uses = AttrUseTable.of(sorted(kept.values(), key=lambda u: (u.line, u.col)))
        facts.attr_stores = [s for s in self._stores if chain_root(s.base) in imported]
        if "__getattr__" in facts.bindings:  # also ``__getattr__, __dir__ = lazy.attach(...)`` or an import of one
            facts.has_getattr = True
        if "__path__" in facts.bindings:
            facts.dynamic_namespace = True
