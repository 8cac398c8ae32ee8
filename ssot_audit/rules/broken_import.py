"""An import path that does not exist at run time: the project module neither defines nor re-exports the name.

## What it does
Checks every ``from M import n``, ``import M.sub`` and ``import M`` followed by ``M.n`` where ``M`` is a module
of the scanned project, and reports the ones that fail at run time: ``M`` binds no ``n`` (ImportError or
AttributeError), ``n`` exists in ``M`` only under ``if TYPE_CHECKING:`` (so only type checkers see it), or the
package has no submodule of that name (ModuleNotFoundError). The finding names the modules that do define ``n``.
Imports inside ``try: ... except ImportError:`` (or ``contextlib.suppress(ImportError)``) with a fallback are
notes, not errors: the code expects them to fail. Imports under ``if TYPE_CHECKING:`` are not run and are never
reported.

It stays silent whenever anything could supply the name: a binding of it anywhere in ``M`` (conditional ones,
``global`` writes from functions, ``match`` captures included), a submodule or any file or directory of that name in
the package (excluded, unparsable, compiled, data) or in a namesake directory that a plugin loader may put on the
package's search path (a top-level or non-package directory of the same name: ansible bundles a playbook's
``module_utils/`` as ``ansible.module_utils``; copies under ``backup/``, editors' backups ``name.py~`` and dot names
never count), a star import from outside the
project or from a module that was not analysed, a module-level ``__getattr__`` (also ``__getattr__ =
lazy.attach(...)``), ``globals()``, module-level ``exec``/``vars()``, ``sys.modules`` writes or
``sys.modules[__name__]``, ``__path__`` changes or ``declare_namespace``, a ``.pyi`` stub, ``.so``/``.pyd``
extension or ``.pyx`` source beside ``M``'s file, another module assigning ``M.n = ...`` or ``setattr(M, ...)``,
``M`` being a namespace package or a file that failed to parse or was excluded. ``M.n`` reads inside ``try/except
AttributeError`` or in a module that probes the name with ``hasattr``/``getattr`` are not reported; dunder names
never are. A read of a module whose import in the same file already has a finding is that fault again and is not
reported twice.

## Why is this bad?
A removed alias or a moved class leaves imports behind that break at run time: at import time for a module-level
import (the whole module fails to load), at call time for a function-local one. Tests that never load that module
do not see it; the path looks like a working one in every listing of import paths.

## Example
```python
# app/websocket_core/unified_manager.py no longer defines UnifiedWebSocketManager
from app.websocket_core.unified_manager import UnifiedWebSocketManager
```

## Use instead
```python
from app.websocket_core.websocket_manager import UnifiedWebSocketManager
```

## Fix
Safe, for ``from M import n`` only, and only when where to import from is not a guess: the import is pointed at
the module that ``M``'s ``TYPE_CHECKING`` import names, or at the one live production module that defines ``n``
(the finding's ``canonical_module``/``canonical_name`` facts). Several candidates, only test or unimported
modules, a missing module or an ``M.n`` read: no fix; the hint lists the candidates.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.facts import AttrUse, Expr, ImportFact
from ssot_audit.analysis.index import ModuleInfo
from ssot_audit.analysis.members import Values
from ssot_audit.analysis.namespace import MISSING, TYPE_CHECKING_ONLY, Namespaces
from ssot_audit.analysis.roles import is_backup_path
from ssot_audit.analysis.trace import NODE, node_answer
from ssot_audit.analysis.values import ModuleValue
from ssot_audit.model import Finding, Location, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, in_units, make_finding, make_rule_info

INFO = make_rule_info("SSOT203", "broken-import", Severity.ERROR, __doc__, fix="safe")
_MAX_SUGGESTIONS = 3
_CAUGHT = "the ImportError is caught and the fallback always runs"


def _scope_symbol(info: ModuleInfo, scope: str) -> str:
    return f"{info.name}.{scope}" if scope else info.name


def _suggestions(ctx: RuleContext, spaces: Namespaces, name: str, *exclude: str) -> list[str]:
    """Modules that define ``name`` (besides the broken source and the importer): production code first, then
    modules something imports, then the shortest paths."""
    found = [m for m in spaces.find_definers(name) if m not in exclude]
    # Live code first: a module nothing imports (a backup copy, a one-off script) is no place to import from.
    found.sort(key=lambda m: (ctx.index.get_module(m).is_test, not ctx.graph.find_importers(m), m.count("."), m))
    live = [m for m in found if ctx.graph.find_importers(m)]
    return (live or found)[:_MAX_SUGGESTIONS]


def _broken(info: ModuleInfo, line: int, col: int, scope: str, *, message: str, fix_hint: str, key: str,
            guarded: bool, facts: dict[str, object], related: Related | None = None) -> Finding:  # fmt: skip
    """A finding at a broken line of ``info``: an error, a note when a fallback catches the failure."""
    return make_finding(INFO, module=info, line=line, column=col + 1, symbol=_scope_symbol(info, scope),
                        message=message, fix_hint=fix_hint, key=key, severity=Severity.NOTE if guarded else None,
                        related=[related] if related else [], facts={**facts, "guarded": guarded})  # fmt: skip


def _canonical(ctx: RuleContext, source: str, name: str, suggested: list[str], reason: str) -> tuple[str, str] | None:
    """Where the import should read instead, when that is not a guess: the module the TYPE_CHECKING-only import
    names, or the one live production module that defines the name."""
    lacking = ctx.index.get_module(source)
    if reason == TYPE_CHECKING_ONLY:
        sources = ctx.index.import_sources(source)
        targets = {(sources[b.value], lacking.facts.imports[b.value].name)
                   for b in lacking.facts.bindings.get(name, ())}  # fmt: skip
        (module, real), *others = sorted(targets, key=str)
        return (module, real) if not others and real not in (None, "*") and not module.startswith(".") else None
    live = [m for m in suggested if not ctx.index.get_module(m).is_test and ctx.graph.find_importers(m)]
    return (live[0], name) if len(live) == 1 and len(suggested) == 1 else None


def _missing_name(ctx: RuleContext, spaces: Namespaces, info: ModuleInfo, *, name: str, source: str, message: str,
                  at: tuple[int, int, str], key: str, reason: str = MISSING, guarded: bool = False) -> Finding:  # fmt: skip
    """``name`` is not in module ``source`` at run time: say where it is defined instead, and import it from there."""
    suggested = _suggestions(ctx, spaces, name, source, info.name)
    canonical = _canonical(ctx, source, name, suggested, reason) if key.startswith("name") else None
    if canonical is not None and "#" in canonical[0]:
        canonical = None  # a namesake tree's module (``module_utils#5.bar``, see discovery) has no importable name
    facts: dict[str, object] = {"module": source, "name": name, "reason": reason, "defined_in": suggested,
                                "missing": f"{source}.{name}"}  # fmt: skip
    if canonical is not None:  # what ``ssot-audit fix`` rewrites the import to
        facts.update(canonical_module=canonical[0], canonical_name=canonical[1])
        suggested = [canonical[0], *(m for m in suggested if m != canonical[0])]
    # a namesake tree's module (tagged ``module_utils#5.bar``) is shown by its file: it has no importable name
    shown = [ctx.index.get_module(m).relpath if "#" in m else m for m in suggested]
    importable = [m for m in suggested if "#" not in m]
    where = f"; it is defined in {', '.join(shown)}" if suggested else ""
    if canonical is not None:
        hint = f"from {canonical[0]} import {canonical[1]}" + (f" as {name}" if canonical[1] != name else "")
    elif importable:
        hint = "; or ".join(f"from {m} import {name}" for m in importable)
    else:
        hint = f"remove the {'import' if key.startswith('name') else 'attribute access'}, or define {name} in {source}"
    lacking = ctx.index.get_module(source)
    lines = [b.line for b in lacking.facts.bindings.get(name, ())]  # the TYPE_CHECKING-only imports, if any
    related = Related(Location(lacking.relpath, min(lines, default=1), 1, symbol=source),
                      f"{source} binds {name} only under TYPE_CHECKING" if lines else f"{source} has no {name}")
    return _broken(info, *at, message=message + where, fix_hint=hint, key=key, guarded=guarded, related=related,
                   facts=facts)


def _name_finding(ctx: RuleContext, spaces: Namespaces, info: ModuleInfo, imp: ImportFact, source: str,
                  absence: str) -> Finding:  # fmt: skip
    name = str(imp.name)
    if absence == TYPE_CHECKING_ONLY:
        why = f"{source} imports {name} only under TYPE_CHECKING, so it does not exist at run time"
    else:
        why = f"{source} neither defines nor re-exports {name}"
    outcome = _CAUGHT if imp.guarded else "ImportError when this line runs"
    return _missing_name(ctx, spaces, info, name=name, source=source, reason=absence, guarded=imp.guarded,
                         message=f"{why} ({outcome})",
                         at=(imp.line, imp.col, imp.scope), key=f"name|{source}|{name}|{imp.bound}|{imp.scope}")


def _moved_to(ctx: RuleContext, package: str, name: str) -> list[str]:
    """Production modules of the project named ``name`` (``pkg.gone`` may now be ``pkg.sub.gone``), nearest first."""
    found = [m.name for m in ctx.index.iter_modules()
             if m.name.rpartition(".")[2] == name and not m.is_test and not is_backup_path(m.relpath)]  # fmt: skip
    top = package.split(".")[0]
    return sorted(found, key=lambda m: (m.split(".")[0] != top, len(m), m))[:_MAX_SUGGESTIONS]


def _module_finding(ctx: RuleContext, info: ModuleInfo, imp: ImportFact, dotted: str, package: str,
                    name: str) -> Finding:  # fmt: skip
    statement = f"import {dotted}" if imp.name is None else f"from {dotted} import {imp.name}"
    moved = _moved_to(ctx, package, name)
    where = f"; a module of that name is {', '.join(moved)}" if moved else ""
    hint = (f"import from {' or '.join(moved)} if that is where it went, or remove the import of {package}.{name}"
            if moved else f"remove the import of {package}.{name}, or import it from where it lives now")
    return _broken(info, imp.line, imp.col, imp.scope,
                   message=f"`{statement}`: package {package} has no module or attribute {name} "
                           f"({_CAUGHT if imp.guarded else 'ModuleNotFoundError'}){where}",
                   fix_hint=hint,
                   key=f"module|{dotted}|{imp.name}|{imp.bound}|{imp.scope}", guarded=imp.guarded,
                   facts={"module": f"{package}.{name}", "name": imp.name, "reason": "no-module",
                          "missing": f"{package}.{name}", "defined_in": moved})  # fmt: skip


def _check_imports(ctx: RuleContext, spaces: Namespaces, info: ModuleInfo) -> Iterator[Finding]:
    for number, (imp, source) in enumerate(zip(info.facts.imports, ctx.index.import_sources(info.name))):
        if imp.type_checking or imp.name == "*":
            continue
        if not ctx.index.is_project_module(source):
            missing = spaces.find_missing_module(source) if source and not source.startswith(".") else None
            if missing is not None and spaces.is_reliable_target(missing.package, relative=imp.level > 0):
                yield _module_finding(ctx, info, imp, source, missing.package, missing.name)
            continue
        if imp.name is None or not spaces.is_reliable_target(source, relative=imp.level > 0):
            continue
        own = number if source == info.name else None
        absence = spaces.find_absence(source, imp.name, except_import=own)
        if absence is not None:
            yield _name_finding(ctx, spaces, info, imp, source, absence)


_Missing = tuple[str, str, str] | None
_Known = dict[tuple[Values, Expr], _Missing]


def _check_attributes(ctx: RuleContext, spaces: Namespaces, info: ModuleInfo, covered: set[str],
                      known: _Known) -> Iterator[Finding]:  # fmt: skip
    """``M.n`` reads; ``covered``: ``module.name`` whose import this module already has a finding for (the read
    of a module whose import fails is the same fault, reported once, with the import's severity); ``known``: what
    ``_missing_attribute`` answered for a chain from a module (see ``_known_missing``)."""
    reported: set[tuple[str, str, str]] = set()
    for use, values in ctx.resolver.module_reads(info.name):
        if use.guarded:
            continue
        found = _known_missing(known, spaces, info, use, values)
        if found is None or (found[0], found[1], use.scope) in reported:
            continue
        module, attr, shown = found
        if f"{module}.{attr}" in covered:
            continue
        reported.add((module, attr, use.scope))
        yield _missing_name(ctx, spaces, info, name=attr, source=module, at=(use.line, use.col, use.scope),
                            message=f"{shown} is read, but module {module} has no attribute {attr} (AttributeError)",
                            key=f"attr|{module}|{attr}|{use.scope}")


def _known_missing(known: _Known, spaces: Namespaces, info: ModuleInfo, use: AttrUse, values: Values) -> _Missing:
    """``_missing_attribute``, once per chain and module it starts at: ``models.CharField`` is read in thousands of
    modules. Only a module that probes attributes (``hasattr``) answers for itself."""
    if info.facts.probed_attrs:
        return _missing_attribute(spaces, info, use, values)
    key = (values, use.expr)  # the table is shared by the modules' units: its answers are nodes of the record
    return node_answer(spaces.resolver.trace, known, key, (NODE, "SSOT203", key),
                       lambda: _missing_attribute(spaces, info, use, values))


def _missing_attribute(spaces: Namespaces, info: ModuleInfo, use: AttrUse, values: Values) -> tuple[str, str, str] | None:
    """(module, attribute, the chain up to it) for the first attribute of the chain a project module lacks;
    ``values``: the module the chain starts at."""
    shown, chain = use.parts()
    for attr in chain:
        if len(values) != 1:
            return None
        (value,) = values
        if not isinstance(value, ModuleValue) or attr in info.facts.probed_attrs:
            return None
        shown = f"{shown}.{attr}"
        if not spaces.is_reliable_target(value.name):
            return None
        if spaces.find_absence(value.name, attr) is not None:
            return value.name, attr, shown
        values = spaces.resolver.module_attr(value.name, attr)
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Broken ``from M import n`` / ``import M.sub`` imports, then ``M.n`` reads, module by module.

    Units: one per module (its imports and attribute reads). Setup: none; ``_known_missing``'s table, shared by the
    units, is a node of the record; ``_moved_to`` reads every module's name, path and ``is_test``, no interface
    fact."""
    spaces = Namespaces(ctx.index, ctx.resolver, shared=ctx.shared_table, definers=ctx.definers)
    known: _Known = {}
    for info in in_units(ctx, ctx.index.iter_modules(), key=lambda info: info.name):  # a module per unit
        covered: set[str] = set()
        for finding in _check_imports(ctx, spaces, info):
            covered.add(str(finding.facts["missing"]))
            yield finding
        yield from _check_attributes(ctx, spaces, info, covered, known)


RULE = Rule(INFO, check)
