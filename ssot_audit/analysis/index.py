"""The project index: every module's facts under its import name, with lookups the rules query.

Query names say what they return: ``find_*`` may return nothing, ``get_*`` returns one or raises ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, repeat
from typing import cast

from ssot_audit.analysis.facts import CallSite, ClassFact, Expr, FunctionFact, ImportFact, ModuleFacts, is_alias_binding
from ssot_audit.analysis.trace import ALIASES, FUNCTION, HEAD, MODULE, SCOPE, Trace


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """One scanned module: its name, file and facts."""

    name: str
    relpath: str
    is_package: bool
    is_test: bool
    facts: ModuleFacts


_FACTS_SLOT = ModuleInfo.__dict__["facts"]  # the slot ``ModuleInfo`` keeps its facts in (a member descriptor)


class LazyModuleInfo(ModuleInfo):
    """A ``ModuleInfo`` whose facts are read on first access (by ``load``, then kept); its name, file and flags are
    there from the start. Made by ``lazy``; every reader of a ``ModuleInfo`` accepts it. Equal to (and hashed as)
    the ``ModuleInfo`` of the same fields, which reads its facts; pickled as that ``ModuleInfo``."""

    __slots__ = ("_load",)
    _load: Callable[[], ModuleFacts] | None

    @classmethod
    def lazy(cls, name: str, relpath: str, is_package: bool, is_test: bool,
             load: Callable[[], ModuleFacts]) -> LazyModuleInfo:  # fmt: skip
        """A module whose facts ``load`` gives when first read (it may raise: the read raises, and a later read
        calls it again)."""
        info = object.__new__(cls)
        # the slots' own setters: ``object.__setattr__`` by name looked each up again (20 of 22 ms at 22,584 modules)
        _SET_NAME(info, name)
        _SET_RELPATH(info, relpath)
        _SET_PACKAGE(info, is_package)
        _SET_TEST(info, is_test)
        _SET_LOAD(info, load)
        return info

    @property  # over the slot: readers see an attribute, as on ModuleInfo
    def facts(self) -> ModuleFacts:
        """The module's facts, read on first access."""
        try:
            return cast(ModuleFacts, _FACTS_SLOT.__get__(self, LazyModuleInfo))
        except AttributeError:  # not read yet
            pass
        load = self._load
        assert load is not None  # cleared only once the slot is set
        facts = load()
        _FACTS_SLOT.__set__(self, facts)
        object.__setattr__(self, "_load", None)  # what it held (the payload's bytes) can go
        return facts

    @facts.setter
    def facts(self, value: ModuleFacts) -> None:
        """Set by ``dataclasses.replace`` (through ``ModuleInfo.__init__``): the facts given are the facts."""
        _FACTS_SLOT.__set__(self, value)
        object.__setattr__(self, "_load", None)

    @property
    def is_loaded(self) -> bool:
        """True once the facts have been read."""
        return self._load is None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModuleInfo):
            return NotImplemented
        return _fields(self) == _fields(other)

    def __hash__(self) -> int:
        return hash(_fields(self))

    def __reduce__(self) -> tuple[type[ModuleInfo], tuple[str, str, bool, bool, ModuleFacts]]:
        return ModuleInfo, _fields(self)


_SET_NAME, _SET_RELPATH, _SET_PACKAGE, _SET_TEST = (ModuleInfo.__dict__[f].__set__
                                                    for f in ("name", "relpath", "is_package", "is_test"))  # fmt: skip
_SET_LOAD = LazyModuleInfo.__dict__["_load"].__set__


def _fields(info: ModuleInfo) -> tuple[str, str, bool, bool, ModuleFacts]:
    """What ``ModuleInfo``'s own equality and hash compare, in its order."""
    return info.name, info.relpath, info.is_package, info.is_test, info.facts


def resolve_relative(module: str, is_package: bool, level: int, target: str) -> str:
    """Absolute module name of ``from <level dots><target> import ...`` written in ``module``."""
    if level == 0:
        return target
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)] if len(base) >= level - 1 else []
    if not base:  # beyond the top-level package: ImportError at run time, so never a project module
        return "." * level + target
    prefix = ".".join(base)
    return f"{prefix}.{target}" if target else prefix


_CONTAINS, _GET = dict.__contains__, dict.get


class Modules(dict[str, ModuleInfo]):
    """The index's modules by name, which records every name asked of it that names no module (``missed``): a module
    added later under one of those names may change an answer of the scan, one added under any other name cannot
    change what a lookup by name answered (``kept_added``: a file added takes the path of an edit only then).
    Lookups by ``in``, ``get`` and ``[]``; what iterates the modules reads the table as a whole."""

    __slots__ = ("missed",)

    def __init__(self, items: Iterable[tuple[str, ModuleInfo]] = ()) -> None:
        super().__init__(items)
        self.missed: set[str] = set()

    def __contains__(self, name: object) -> bool:
        if _CONTAINS(self, name):
            return True
        self.missed.add(cast(str, name))
        return False

    def get(self, name: str, default: ModuleInfo | None = None) -> ModuleInfo | None:  # type: ignore[override]
        found = _GET(self, name)
        if found is None:
            self.missed.add(name)
            return default
        return found

    def __missing__(self, name: str) -> ModuleInfo:
        self.missed.add(name)
        raise KeyError(name)


class ProjectIndex:
    """All scanned modules by name, plus the packages their names imply (namespace packages included)."""

    def __init__(self, modules: Mapping[str, ModuleInfo], listings: Mapping[str, frozenset[str]] | None = None) -> None:
        """``listings``: entry names of each directory holding a scanned file (see ``discovery.list_directories``);
        without it nothing is known to exist on disk besides the scanned modules."""
        self.modules: dict[str, ModuleInfo] = Modules(sorted(modules.items()))
        self._listings = dict(listings or {})
        # (directory, stem): whether anything of that stem is in the directory, asked of the listings (beyond their
        # ``.py`` files, stubs and extensions, which the result's key holds: ``treecache.TreeCache.note_asked``)
        self.asked: set[tuple[str, str]] = set()
        self._sources: dict[str, tuple[str, ...]] = {}  # import_sources' answers, by module
        self._aliases: list[tuple[str, str, Expr]] | None = None  # module_aliases, listed on first use
        # Set by a scan that keeps a dependency record (``trace``): ``find_module``/``get_module`` read a module's
        # facts as a whole, ``find_function`` one function's (a class's are not recorded: ``trace.CLASS``). Readers
        # that read less (the resolver's namespace lookups) take ``modules`` and record what they read themselves.
        self.trace: Trace | None = None
        packages: set[str] = set()
        for name, info in self.modules.items():
            parts = name.split(".")
            for i in range(1, len(parts)):
                packages.add(".".join(parts[:i]))
            if info.is_package:
                packages.add(name)
        self.packages = frozenset(packages)

    # -- modules ------------------------------------------------------------------------------------------------
    @property
    def missed(self) -> set[str]:
        """Every name asked of ``modules`` that names no module so far (``Modules``)."""
        return cast(Modules, self.modules).missed

    def is_project_module(self, name: str) -> bool:
        """True for a scanned module or a package (regular or namespace) that contains scanned modules."""
        return name in self.modules or name in self.packages

    def find_directory_entries(self, directory: str) -> frozenset[str]:
        """Names in a directory (repo-relative, ``""`` for the root) that holds a scanned file, whatever they are;
        empty for other directories."""
        return self._listings.get(directory, frozenset())

    def iter_directories(self) -> list[str]:
        """Every directory (repo-relative) that holds a scanned file, sorted."""
        return sorted(self._listings)

    def find_modules(self, names: Collection[str]) -> list[ModuleInfo]:
        """The scanned modules of those names, in name order (the index's order); names of none are left out."""
        return [self.modules[name] for name in sorted(names) if name in self.modules]

    def find_module(self, name: str) -> ModuleInfo | None:
        """The scanned module of that name, if any (namespace packages have none)."""
        info = self.modules.get(name)
        if info is not None and self.trace is not None:  # a module that does not exist is never edited: not a leaf
            self.trace.read((MODULE, name))
        return info

    def get_module(self, name: str) -> ModuleInfo:
        """The scanned module of that name; raises KeyError."""
        if self.trace is not None:
            self.trace.read((MODULE, name))
        return self.modules[name]

    def is_test_module(self, name: str) -> bool:
        """True for a scanned module of test code (a namespace package or an unknown name is not)."""
        info = self.modules.get(name)
        return info is not None and info.is_test

    def loaded_modules(self) -> list[str]:
        """Names of the modules whose facts have been read, in name order: every module of an index of plain
        ``ModuleInfo``s; of ``LazyModuleInfo``s, those read so far (what a lazy scan's tests and benchmark count)."""
        return [name for name, info in self.modules.items() if not isinstance(info, LazyModuleInfo) or info.is_loaded]

    def loaded_count(self) -> int:
        """How many modules' facts have been read (``loaded_modules``)."""
        return len(self.loaded_modules())

    def iter_modules(self) -> Iterator[ModuleInfo]:
        """Modules in name order."""
        return iter(self.modules.values())

    def absolute_import_module(self, module: str, imp: ImportFact) -> str:
        """The absolute module an import statement reads from (in the importer's own source root, if tagged). The
        passes over every import read ``import_sources``, which keeps each module's answers."""
        if imp.level == 0 and "#" not in module:  # the usual case: as written
            return imp.module
        if imp.level:
            return resolve_relative(module, self.modules[module].is_package, imp.level, imp.module)
        return self.same_root_name(module, imp.module)

    def import_sources(self, module: str) -> tuple[str, ...]:
        """``absolute_import_module`` of each import of ``module``, in its facts' order (an import's position there,
        as a binding records it, is its position here), worked out once per module. The passes that walk every
        import (the import sites, the graph, SSOT203, the fixes' import uses) and the resolver asked per import:
        0.6M times at 4M lines of django copies, whose tagged modules missed the plain case, and a table of
        answers held a key per relative or tagged import (more than these tuples hold)."""
        found = self._sources.get(module)
        if found is None:
            absolute = self.absolute_import_module
            found = self._sources[module] = tuple(absolute(module, imp) for imp in self.modules[module].facts.imports)
        return found

    def same_root_name(self, importer: str, target: str) -> str:
        """``target`` as seen from ``importer``: when the importer's top-level package is tagged (``app#2``, a
        second source root holding the same top-level package) and that root has ``target``'s top-level package
        too, the tagged one; that is the one its own ``sys.path`` finds."""
        if "#" not in importer:  # untagged, as nearly every module is (asked for each of 200k imports at 1M lines)
            return target
        tag = importer.split(".")[0].partition("#")[2]
        if not tag or not target:
            return target
        top, dot, rest = target.partition(".")
        tagged = f"{top}#{tag}"
        return f"{tagged}{dot}{rest}" if self.is_project_module(tagged) else target

    def imported_module_of(self, module: str, imp: ImportFact) -> str | None:
        """The project module an import statement makes ``module`` depend on (for the import graph), if any.

        ``from pkg import sub`` depends on ``pkg.sub`` when that is a module, else on ``pkg``; ``import a.b``
        depends on ``a.b``. Modules outside the project give None.
        """
        return self._imported_module(imp, self.absolute_import_module(module, imp))

    def imported_modules_of(self, module: str) -> Iterator[str | None]:
        """``imported_module_of`` each import of ``module``, in its facts' order (from ``import_sources``)."""
        return map(self._imported_module, self.modules[module].facts.imports, self.import_sources(module))

    def _imported_module(self, imp: ImportFact, source: str) -> str | None:
        if imp.name is not None and imp.name != "*":
            candidate = f"{source}.{imp.name}" if source else imp.name
            if candidate in self.modules:
                return candidate
        if source in self.modules:
            return source
        return None

    def find_calls_named(self, names: Collection[str],
                         modules: Collection[str] | None = None) -> Iterator[tuple[ModuleInfo, CallSite]]:  # fmt: skip
        """Every call whose callee expression ends in one of ``names`` (``f(...)``, ``obj.f(...)``), in module and
        call order. Calls of anything else (``f()()``, ``x[0]()``) are never among them. ``modules``: only the calls
        made in these modules (by name; None: in every module)."""
        wanted = frozenset(names)  # once, not once per module
        infos = self.modules.values() if modules is None else self.find_modules(modules)
        return chain.from_iterable(zip(repeat(info), info.facts.calls.named(wanted)) for info in infos)

    def module_aliases(self) -> list[tuple[str, str, Expr]]:
        """(module, name, value) of every module-level ``name = other`` / ``name = mod.other``, in module and binding
        order: listed once per index for the rules that ask (170 among 59k bindings at 1M lines of django). A table
        of every module's: its readers read ``(ALIASES, "")`` (``trace``), which any changed binding fires."""
        if self.trace is not None:
            self.trace.read((ALIASES, ""))
        if self._aliases is None:
            self._aliases = [row for info in self.modules.values() for row in alias_rows(info)]
        return self._aliases

    def with_modules(self, more: Mapping[str, ModuleInfo]) -> ProjectIndex:
        """An index of these modules and ``more`` (the same listings): what resolves names as though those were
        scanned too (``rerun``: the bases of a removed module's classes, in its facts as they were)."""
        return ProjectIndex({**self.modules, **more}, self._listings)

    def keep_module_aliases(self, aliases: list[tuple[str, str, Expr]]) -> None:
        """Take ``module_aliases`` as a scan of these modules' module-level bindings listed it (kept by a scan of
        the same bindings: ``rerun``), instead of reading every module's facts to list it again."""
        self._aliases = aliases

    # -- definitions --------------------------------------------------------------------------------------------
    def iter_classes(self) -> Iterator[tuple[ModuleInfo, ClassFact]]:
        """Every class of every module, in a deterministic order."""
        for info in self.modules.values():
            for cls in info.facts.classes.values():
                yield info, cls

    def iter_functions(self, infos: Iterable[ModuleInfo] | None = None) -> Iterator[tuple[ModuleInfo, FunctionFact]]:
        """Every function and method of every module (of ``infos``, when given)."""
        # paired in C: a generator's step per function was 0.13 s of the rules of a one-edit scan at 4M lines
        infos = self.modules.values() if infos is None else infos
        return chain.from_iterable(zip(repeat(info), info.facts.functions.values()) for info in infos)

    def find_class(self, module: str, qualname: str) -> ClassFact | None:
        """A class by module and qualified name."""
        info = self.modules.get(module)
        return info.facts.classes.get(qualname) if info else None

    def find_function(self, module: str, qualname: str, *, head: bool = False) -> FunctionFact | None:
        """A function or method by module and qualified name. ``head``: the caller reads only what the concept model
        reads of it (``member_change.MODEL_READS``), a narrower leaf of the dependency record (``trace.HEAD``)."""
        return self._function(HEAD if head else FUNCTION, module, qualname)

    def find_scope(self, module: str, qualname: str) -> FunctionFact | None:
        """``find_function``, for a caller that reads only what a name read in the function resolves through beside
        its locals (``member_change.SCOPE_READS``): its leaf of the dependency record is ``trace.SCOPE``."""
        return self._function(SCOPE, module, qualname)

    def _function(self, leaf: int, module: str, qualname: str) -> FunctionFact | None:
        """A function by module and qualified name, its read recorded as the leaf of kind ``leaf``."""
        if self.trace is not None:
            self.trace.read((leaf, module, qualname))
        info = self.modules.get(module)
        return info.facts.functions.get(qualname) if info else None

    def split_qualified(self, dotted: str) -> tuple[str, str] | None:
        """Split ``pkg.mod.Class.method`` into (module, qualname) at the longest scanned module prefix."""
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module in self.modules:
                return module, ".".join(parts[i:])
        return None


def alias_rows(info: ModuleInfo) -> list[tuple[str, str, Expr]]:
    """The rows of ``ProjectIndex.module_aliases`` of one module: (module, name, value) of each module-level
    ``name = other`` / ``name = mod.other``, in binding order."""
    return [(info.name, name, binding.value) for name, bindings in info.facts.bindings.items() for binding in bindings
            if is_alias_binding(binding)]  # fmt: skip
