"""Whether a project module surely lacks a name at run time, and where else that name is defined.

"Surely" is the point: the broken-import rule reports an error only when nothing could make the name exist.
A name may exist through a binding anywhere in the module (conditional ones included, and ``global`` writes from
functions), a submodule or any file or directory of that name on disk (excluded, unparsable, compiled or data),
a star import from something unresolvable, a module ``__getattr__``, ``globals()``/``sys.modules``/``__path__``
tricks, a stub or compiled extension beside the module's file, or another module patching it
(``mod.name = ...``, ``setattr(mod, "name", ...)``). Any of these, or a module whose file was not analysed
(unparsable, excluded, a namespace package), answers "may exist".
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ssot_audit.analysis.listing import is_implementation
from ssot_audit.analysis.facts import B_CLASS, B_DEF, B_IMPORT, Binding, is_dunder
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import is_backup_path
from ssot_audit.analysis.trace import MODULE_CALLS, NAMED, NODE, STAR, STORES, namesake_leaf
from ssot_audit.analysis.values import FunctionValue, ModuleValue

MISSING = "missing"  # nothing binds the name
TYPE_CHECKING_ONLY = "type-checking-only"  # only an ``if TYPE_CHECKING:`` import binds it


_LOCAL_DIRS = frozenset({
    "tests", "test", "testing", "t", "examples", "example", "docs", "doc", "docs_src", "scripts", "tools",
    "benchmarks", "bench", "samples", "demo", "demos",
})  # fmt: skip
_DEFINERS_ONE_BY_ONE = 8  # names looked for module by module (8 ms each at 1M lines) before indexing all (80 ms)


def _defines(bindings: Sequence[Binding]) -> bool:
    """A module-level definition among a name's bindings: ``def``, ``class`` or an assignment, not an import."""
    return any(b.kind in (B_DEF, B_CLASS) or (b.kind != B_IMPORT and b.value is not None) for b in bindings)


def defines(info: ModuleInfo, name: str) -> bool:
    """``info``'s module defines ``name`` at module level (``find_definers``)."""
    return _defines(info.facts.bindings.get(name, ()))


def every_definer(index: ProjectIndex) -> dict[str, tuple[str, ...]]:
    """Every name some module defines at module level, with those modules in the index's order: what
    ``find_definers`` answers of every name (reads every module's bindings)."""
    definers: dict[str, list[str]] = defaultdict(list)
    for info in index.iter_modules():
        for bound, bindings in info.facts.bindings.items():
            if _defines(bindings):
                definers[bound].append(info.name)
    return {name: tuple(modules) for name, modules in definers.items()}


@dataclass(frozen=True, slots=True)
class MissingModule:
    """``import pkg.gone`` / ``from pkg.gone import x`` where package ``pkg`` has no ``gone``."""

    package: str
    name: str

    @property
    def dotted(self) -> str:
        """``pkg.gone``."""
        return f"{self.package}.{self.name}"


Stores = dict[str, list[tuple[str, str, tuple[object, ...]]]]  # by attribute: (module, scope, the stored-to expression)
PATCHED = "patched"  # the name ``Namespaces._is_patched`` keeps its table under (``RuleContext.shared_table``)


def stores_table(modules: Iterable[ModuleInfo]) -> Stores:
    """The attribute stores of ``modules`` by attribute, in their order (``Namespaces._is_patched``'s table)."""
    patched: Stores = defaultdict(list)
    for info in modules:
        for store in info.facts.attr_stores:
            patched[store.attr].append((info.name, store.scope, store.base))  # type: ignore[arg-type]
    return dict(patched)


def stores_after(table: Stores, index: ProjectIndex, edited: Collection[str]) -> Stores:
    """``table`` (``stores_table`` of every module, kept by an earlier scan) with the rows of the ``edited`` modules
    made again from their facts as they are now, each module's where ``stores_table`` puts them (modules in the
    index's order): the table a scan of every module makes."""
    mine = set(edited)
    rank = {name: i for i, name in enumerate(index.modules)}
    made = stores_table(index.modules[m] for m in sorted(mine & rank.keys(), key=rank.__getitem__))  # (a file
    # removed: none of its rows)
    found: Stores = {}
    for attr in table.keys() | made.keys():
        rows = [row for row in table.get(attr, ()) if row[0] not in mine]
        for row in made.get(attr, ()):
            rows.insert(bisect_right(rows, rank[row[0]], key=lambda r: rank.get(r[0], -1)), row)
        if rows:
            found[attr] = rows
    return found  # in another order of attributes: read by attribute alone


class Namespaces:
    """Questions about what project modules contain at run time; one instance per scan (it memoises)."""

    def __init__(self, index: ProjectIndex, resolver: Resolver,
                 shared: Callable[[str, Callable[[], Any]], Any] | None = None,
                 definers: Callable[[str], tuple[str, ...] | None] | None = None) -> None:  # fmt: skip
        """``shared``: where a table of every module's facts is kept between scans (``RuleContext.shared_table``:
        ``_is_patched``'s, of attribute stores, whose rows of the modules an interface edit changed the stores of
        are made again, ``rerun._after_stores``; ``find_definers``' answers, of which a scan after an interface edit
        drops those of the names it changed, ``kept_scan.tables_after``). ``definers``: ``find_definers``' answer of a
        name this scan has not answered, found without reading every module (the last full scan's table of them
        all, ``kept_definers.KeptDefiners``), None when it cannot tell."""
        self.index = index
        self.resolver = resolver
        self._shared = shared
        self._patched: Stores | None = None
        # answers kept between scans: a name a broken import lacks is looked for in every module, which loads every
        # module's facts (2 CPU-s at 4M lines) in a scan that reruns that import's judgement after an edit elsewhere
        self._definers: dict[str, tuple[str, ...]] = shared("definers", dict) if shared is not None else {}
        self._kept_definers = definers
        self._looked_for = 0  # names this scan looked for
        self._all_definers: dict[str, tuple[str, ...]] | None = None
        self._edited: dict[str, bool] = {}
        self._opened: dict[str, bool] = {}
        self._reliable: dict[str, bool] = {}
        self._stems: dict[str, dict[str, list[str]]] = {}
        self._by_basename: dict[str, list[str]] | None = None
        self._absent: dict[tuple[str, str], str | None] = {}
        # The dependency record (``trace``): ``_absent`` and ``_opened`` answers are its nodes (what the first asker
        # computed reads other modules' namespaces: star sources, the functions a module calls at import time), read
        # again by every later asker; ``find_definers`` reads a table of every module's (``NAMED``).
        self._trace = resolver.trace
        self._absent_nodes: set[tuple[str, str]] = set()  # the ``_absent`` answers that are nodes
        self._edited_nodes: set[str] = set()  # the ``_edited`` answers that are nodes: modules calling at module level

    def is_reliable_target(self, module: str, *, relative: bool = False) -> bool:
        """Whether an import of ``module`` surely reaches the scanned file. A relative import always does; an
        absolute one does unless the module's top-level package sits in a tests/examples/docs/scripts directory:
        whether that directory is on ``sys.path`` depends on how it is run, and its name may well be another
        package's (a ``tests/sphinx`` package, an ``examples/pydantic`` one)."""
        info = self.index.modules.get(module)  # its path and kind: no edit on the interface path changes them
        if info is None or relative:
            return info is not None
        known = self._reliable.get(module)
        if known is None:
            depth = len(module.split(".")) + (1 if info.is_package else 0)
            known = self._reliable[module] = not _LOCAL_DIRS.intersection(info.relpath.split("/")[:-depth])
        return known

    # -- names ------------------------------------------------------------------------------------------------
    def find_absence(self, module: str, name: str, *, except_import: int | None = None) -> str | None:
        """Why ``module`` surely has no attribute ``name`` at run time (``MISSING`` or ``TYPE_CHECKING_ONLY``),
        or None when it has one or might. ``except_import``: an import of ``module`` itself (``from . import x``
        in a package ``__init__``) whose own binding does not count."""
        if except_import is not None:
            return self._absence(module, name, except_import, frozenset({module}))
        key = (module, name)  # ``models.CharField`` is read in thousands of modules: asked once
        trace = self._trace
        if key in self._absent:
            if trace is None:
                pass
            elif key in self._absent_nodes:
                trace.read((NODE, "absent", key))
            else:  # what the first asker read, read again: the name's bindings and whether the module is open
                info = self.index.modules.get(module)
                if info is not None and not is_dunder(name):
                    trace.read(key)
                    self._open(info)
        elif trace is None or self._bound_at_run_time(module, name):
            self._absent[key] = self._absence(module, name, None, frozenset({module}))
        else:  # a name missing or bound under TYPE_CHECKING only: star sources and patches are read
            self._absent_nodes.add(key)
            reader = trace.enter((NODE, "absent", key))
            try:
                self._absent[key] = self._absence(module, name, None, frozenset({module}))
            finally:
                trace.leave(reader)
        return self._absent[key]

    def _bound_at_run_time(self, module: str, name: str) -> bool:
        """Whether ``_absence`` answers from the module's own facts and ``_open`` alone (no module, a dunder, or a
        binding outside ``TYPE_CHECKING``: most imports), so that its answer needs no node of the dependency record."""
        info = self.index.modules.get(module)
        return info is None or is_dunder(name) or not all(
            self._type_checking_import(info, b) for b in info.facts.bindings.get(name, ()))  # fmt: skip

    def _absence(self, module: str, name: str, except_import: int | None, seen: frozenset[str]) -> str | None:
        # Of the module: its bindings of ``name`` (its namespace leaf, not the module's: a name added to a module
        # thousands import from reaches none of their judgements), whether it is open and, for a name it does not
        # bind, its star imports; its path, kind and directory are the module table's
        info = self.index.modules.get(module)
        if info is None or is_dunder(name):
            return None
        trace = self._trace
        if trace is not None:
            trace.read((module, name))
        if self._open(info):
            return None
        bindings = [b for b in info.facts.bindings.get(name, ()) if not (b.kind == B_IMPORT and b.value == except_import)]
        if not all(self._type_checking_import(info, b) for b in bindings) or self._on_disk(info, name):
            return None
        if bindings:
            return None if self._is_patched(module, name) else TYPE_CHECKING_ONLY
        if trace is not None:
            trace.read((STAR, module))
        for imp, source in zip(info.facts.imports, self.index.import_sources(module)):
            if imp.name != "*" or imp.scope:
                continue
            if source not in self.index.modules:
                return None  # a star import from outside the project (or an unanalysed module) may supply anything
            if source not in seen and self.resolver.star_exports(source, name):
                if self._absence(source, name, None, seen | {source}) is None:
                    return None
        return None if self._is_patched(module, name) else MISSING

    def _open(self, info: ModuleInfo) -> bool:
        """A module whose namespace may hold anything: ``__getattr__``, dynamic writes, or a stub/extension next to
        its file that could be what actually gets imported. No leaf of its own: what it reads of the module's facts
        (``has_getattr``, ``dynamic_namespace``) no edit on the interface path changes (``interface_change`` refuses
        one), and the directories are the module table's (but whether a namesake directory holds a module of its
        stem, ``_replaced``: its ``(NAMESAKE, last name, stem)`` leaf, which a module added or removed fires); its calls
        outside function bodies, and what they resolve to, are read by ``_edited_at_import`` (the module's
        ``MODULE_CALLS`` leaf, or its node); both read again on a hit."""
        known = self._opened.get(info.name)
        if known is None:
            return self._work_out_open(info)
        if self._trace is not None and not (info.facts.has_getattr or info.facts.dynamic_namespace):
            self._edited_at_import(info)  # asked by the answer (after these two): its node, if any, read again
            self._read_namesakes(info)
        return known

    def _read_namesakes(self, info: ModuleInfo) -> None:
        """What ``_replaced`` reads for a module: the ``(NAMESAKE, last name, stem)`` leaf of its directory and stem
        (read whatever else the answer read first: a superset of its reads is safe)."""
        if self._trace is not None and not info.is_package:
            self._trace.read(namesake_leaf(info.relpath))

    def _work_out_open(self, info: ModuleInfo) -> bool:
        """``_open`` worked out and kept."""
        self._read_namesakes(info)
        directory, _, filename = info.relpath.rpartition("/")
        parent, _, package = directory.rpartition("/")
        known = (
            info.facts.has_getattr or info.facts.dynamic_namespace or self._edited_at_import(info)
            # mod.pyi, mod.cpython-312-x86_64-linux-gnu.so, mod.pyx, __init__.pyi; pkg.pyi beside a package
            or any(map(is_implementation, self._suffixes(directory, filename.removesuffix(".py"))))
            or (info.is_package and any(map(is_implementation, self._suffixes(parent, package))))
            # a module of that name in a namesake directory may replace it on the search path (see _namesakes)
            or (not info.is_package and self._replaced(directory, filename.removesuffix(".py")))
        )
        self._opened[info.name] = known
        return known

    def _suffixes(self, directory: str, stem: str) -> list[str]:
        """What follows ``stem.`` in the names of a directory's entries (``py``, ``pyi``, ``abi3.so``...); an entry
        named ``stem`` exactly gives ``""``."""
        stems = self._stems.get(directory)
        if stems is None:
            stems = {}
            for entry in self.index.find_directory_entries(directory):
                head, _, suffix = entry.partition(".")
                stems.setdefault(head, []).append(suffix)
            self._stems[directory] = stems
        return stems.get(stem, [])

    def _edited_at_import(self, info: ModuleInfo) -> bool:
        """The module calls, at module level, a function of a module that writes other modules' namespaces
        (``set_deprecated_aliases({...})`` reaching ``sys._getframe(1).f_globals``). Its calls outside function
        bodies are its ``MODULE_CALLS`` leaf (an interface edit may change them): read inside the answer's node,
        or by the asker when the module calls nothing there (no node)."""
        known = self._edited.get(info.name)
        trace = self._trace
        if known is not None:
            if trace is not None:
                edited = info.name in self._edited_nodes
                trace.read((NODE, "edited", info.name) if edited else (MODULE_CALLS, info.name))
            return known
        calls = list(info.facts.calls.at_module_level())
        # a node of the dependency record (``trace``) for a module that calls anything: what the calls resolve to
        reader = trace.enter((NODE, "edited", info.name)) if trace is not None and calls else None
        if trace is not None:
            trace.read((MODULE_CALLS, info.name))
        try:
            known = False
            for call in calls:
                for value in self.resolver.resolve_expr(info.name, "", call.func):
                    owner = self.index.find_module(value.module) if isinstance(value, FunctionValue) else None
                    if owner is not None and isinstance(value, FunctionValue) and any(
                        w == value.qualname or w.startswith(value.qualname + ".") for w in owner.facts.namespace_writers
                    ):
                        known = True
        finally:
            if reader is not None and trace is not None:
                self._edited_nodes.add(info.name)
                trace.leave(reader)
        self._edited[info.name] = known
        return known

    def _on_disk(self, info: ModuleInfo, name: str) -> bool:
        """A package's submodule (scanned or not: excluded, unparsable, compiled, a data directory)."""
        if not info.is_package:
            return False
        if self.index.is_project_module(f"{info.name}.{name}"):
            return True
        directory = info.relpath.rpartition("/")[0]
        return self._anything_named(directory, name) or any(
            self._anything_named(other, name) for other in self._namesakes(directory) if other != directory
        )

    def _anything_named(self, directory: str, stem: str) -> bool:
        """Anything of that name or stem in the directory: the one answer read of a listing beyond its ``.py`` files,
        stubs and extensions, so each is recorded (``ProjectIndex.asked``: the scans after this one see whether it
        changed)."""
        self.index.asked.add((directory, stem))
        return bool(self._suffixes(directory, stem))

    def _replaced(self, directory: str, stem: str) -> bool:
        """A module ``stem`` (source, stub or extension) in a namesake directory of ``directory``."""
        return any(suffix == "py" or is_implementation(suffix)
                   for other in self._namesakes(directory) if other != directory
                   for suffix in self._suffixes(other, stem))  # fmt: skip

    def _namesakes(self, directory: str) -> list[str]:
        """Directories of the tree with the same last name as ``directory`` that are top-level packages or no
        regular package at all (no ``__init__.py``): a plugin loader may put one on the package's search path (ansible
        bundles a playbook's ``module_utils/`` as ``ansible.module_utils``), so what is in it may exist at run time.
        A namesake nested in another package (``billing.app.core`` beside ``search.app.core``) is not one."""
        if self._by_basename is None:
            tops: set[str] = set()
            for info in self.index.iter_modules():
                package = info.name if info.is_package else info.name.rpartition(".")[0]
                where = info.relpath.rpartition("/")[0]  # not ``directory``: the answer is for the one asked about
                if where in tops or ("." in package and "__init__.py" in self.index.find_directory_entries(where)):
                    continue  # known, or a nested regular package (most modules): no need to look at the file name
                if not is_backup_path(info.relpath):  # a copy kept under backup/ is never on a search path
                    tops.add(where)
            by_basename: dict[str, list[str]] = defaultdict(list)
            for each in sorted(tops):
                by_basename[each.rpartition("/")[2]].append(each)
            self._by_basename = dict(by_basename)
        return self._by_basename.get(directory.rpartition("/")[2], [])

    def _type_checking_import(self, info: ModuleInfo, binding: Binding) -> bool:
        return binding.kind == B_IMPORT and info.facts.imports[binding.value].type_checking

    def _is_patched(self, module: str, name: str) -> bool:
        """Some module sets ``module.name`` (or any attribute of it, through ``setattr`` with a computed name)."""
        if self._patched is None:
            self._patched = self._shared(PATCHED, self._stores) if self._shared is not None else self._stores()
        target = ModuleValue(module)
        trace = self._trace
        for attr in (name, "*"):
            if trace is not None:  # the table's rows of the name (an edit of a module's stores fires them)
                trace.read((STORES, attr))
            for where, scope, base in self._patched.get(attr, ()):
                if target in self.resolver.resolve_expr(where, scope, base):
                    return True
        return False

    def _stores(self) -> Stores:
        """Every module's attribute stores by attribute: (module, scope, the stored-to expression)."""
        return stores_table(self.index.iter_modules())

    # -- modules ----------------------------------------------------------------------------------------------
    def find_missing_module(self, dotted: str) -> MissingModule | None:
        """The first part of ``dotted`` that surely is not a module, below an analysed regular package of the
        project; None when every part exists or might."""
        parts = dotted.split(".")
        for i in range(1, len(parts)):
            package, name = ".".join(parts[:i]), parts[i]
            if f"{package}.{name}" in self.index.modules:
                continue
            info = self.index.find_module(package)
            if info is None or not info.is_package or self._open(info) or self._on_disk(info, name):
                return None
            if name in info.facts.bindings or self._is_patched(package, name):
                return None  # ``sys.modules`` aside, a bound attribute is not a module; stay silent all the same
            return MissingModule(package, name)
        return None

    # -- where a name is defined --------------------------------------------------------------------------------
    def find_definers(self, name: str) -> tuple[str, ...]:
        """Modules that define ``name`` at module level (``def``/``class``/assignment, not an import), by name."""
        if self._trace is not None:  # every module's bindings of the name
            self._trace.read((NAMED, name))
        known = self._definers.get(name)
        if known is not None:
            return known
        if self._kept_definers is not None:
            known = self._kept_definers(name)
        if known is not None:
            pass
        elif self._looked_for < _DEFINERS_ONE_BY_ONE:
            # A scan asks for the few names its broken imports lack: a look-up per module for each is far less
            # than listing every binding of every module.
            self._looked_for += 1
            known = tuple(info.name for info in self.index.iter_modules() if defines(info, name))
        else:
            if self._all_definers is None:
                self._all_definers = every_definer(self.index)
            known = self._all_definers.get(name, ())
        self._definers[name] = known
        return known
