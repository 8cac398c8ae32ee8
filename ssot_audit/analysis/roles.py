"""Roles: what each class is, before any concept is formed.

Only ``class`` (a live production implementation) can be a concept's canonical class or duplicate. The other roles
are kept out of duplicate clusters and shown for what they are:

- ``test-double`` (a Mock/Fake/Stub/Dummy, a ``unittest.mock`` subclass, a class in test code whose methods are all
  trivial) and ``test-code`` (any other class in test code, ``test_framework/`` and ``mocks/`` included);
- ``example`` (``docs/``, ``examples/``) and ``script`` (a ``scripts/``/``bin/`` file, or a module nothing imports
  that runs as ``__main__``): each is its own small program, duplicated on purpose;
- ``enum`` (an ``Enum``, or upper-case constants with only static lookups beside them), ``exception``, ``protocol``
  (a ``Protocol``, or ``class IName(Interface)`` as zope.interface declares one), ``abc`` (an ``ABC``, an abstract
  method, or public methods that all only raise ``NotImplementedError``: an interface by convention), ``record``
  (dataclass, NamedTuple, TypedDict, pydantic model, or no public method);
- ``guard``: its ``__init__``/``__new__`` always raises (constructing it is a certain error; SSOT303);
- ``shim``: a subclass that adds nothing but logging, deprecation warnings, constant defaults or a docstring around
  ``super()`` calls (SSOT103);
- ``orphaned-copy``: a class in a module nothing imports that is a backup-shaped file (``backup/``, ``*_old.py``...)
  or that repeats a live class of the same name: dead code to delete (SSOT105), never a live duplicate.
"""

from __future__ import annotations

import builtins
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from operator import attrgetter

from ssot_audit.analysis.facts import ClassFact, FunctionFact, is_private
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.kept_methods import own_public
from ssot_audit.analysis.names import Names
from ssot_audit.analysis.resolve import NEUTRAL_BASES, Resolver, decorator_name
from ssot_audit.analysis.trace import NODE, node_answer
from ssot_audit.analysis.values import ClassValue, ExternalValue, FunctionValue, Value

CLASS, TEST_DOUBLE, TEST_CODE, EXAMPLE, SCRIPT = "class", "test-double", "test-code", "example", "script"
TEST_ROLES = (TEST_DOUBLE, TEST_CODE)  # the roles of classes in test code
GUARD, SHIM, ORPHAN, RECORD = "guard", "shim", "orphaned-copy", "record"
FACADE, SUBCLASS = "facade", "subclass"  # relations to a concept's members, given when a concept is formed

_EXCEPTION_NAMES = frozenset(
    f"builtins.{n}" for n in dir(builtins) if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
)
_EXCEPTION_SUFFIX = re.compile(r"(Error|Exception|Warning)$")
_ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
_PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
_RECORD_BASES = frozenset({"typing.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict",
                           "pydantic.BaseModel", "pydantic.main.BaseModel"})  # fmt: skip
_RECORD_DECORATORS = frozenset({"dataclass", "define", "frozen", "attrs", "s", "mutable", "dataclass_transform"})
_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
_MOCK_BASES = frozenset(f"unittest.mock.{n}" for n in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock",
                                                        "NonCallableMagicMock"))  # fmt: skip
_DOUBLE_WORDS = ("Mock", "Fake", "Stub", "Dummy", "Spy")
_ANY_DOUBLE_WORD = re.compile("|".join(_DOUBLE_WORDS))
_EXAMPLE_DIRS = frozenset({"docs", "doc", "examples", "example", "docs_src"})
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin"})
_BACKUP_DIRS = frozenset({"backup", "backups", "bak", "old", "archive", "archived", "attic", "graveyard"})
_BACKUP_STEM = re.compile(r"(^(old|backup|bak|copy_of|orig)_)|([_.\- ](old|backup|bak|copy|orig|save|saved|prev)\d*$)",
                          re.IGNORECASE)  # fmt: skip


_ZOPE_STYLE_NAME = re.compile(r"^I[A-Z][a-z]")  # an interface's name: ``IDatasetForm``, ``IRequest``
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CLASS_LEVEL = frozenset({"staticmethod", "classmethod"})
ENUM_CONSTANTS = 3  # upper-case class constants that, with only static lookups beside them, make an enumeration


def _hand_written_enum(fact: ClassFact, public: list[FunctionFact]) -> bool:
    """mlflow's ``RegisteredModelDeploymentJobState``: upper-case constants and static lookups
    (``from_string``/``to_string``/``all_states``) over them. Each such class enumerates its own values: two of them
    share their lookups' names, not a role."""
    if not public or any(not _CLASS_LEVEL.intersection(map(decorator_name, f.decorators)) for f in public):
        return False
    return sum(1 for name in fact.class_attrs if _CONSTANT.match(name)) >= ENUM_CONSTANTS


def kind_by_methods(functions: Mapping[str, FunctionFact], fact: ClassFact) -> str:
    """What the class's methods (of a module whose functions are ``functions``) make it: ``abc`` (an abstract
    method, or public methods that all only raise ``NotImplementedError``: an interface by convention), ``enum``
    (``_hand_written_enum``), else "" (``Roles._kind_by_base`` asks it after the external bases)."""
    if any(functions[q].is_abstract for q in fact.methods.values() if q in functions):
        return "abc"
    public = [functions[q] for m, q in fact.methods.items() if not m.startswith("_") and q in functions]
    if len(public) >= 2 and all(f.is_stub and f.always_raises.endswith("NotImplementedError") for f in public):
        return "abc"
    if _hand_written_enum(fact, public):
        return "enum"
    return ""


def is_backup_path(relpath: str) -> bool:
    """``backup/x.py``, ``old/x.py``, ``x_old.py``, ``x_backup.py``, ``x.orig.py``, ``copy_of_x.py``..."""
    parts = relpath.split("/")
    directories = [p.lower() for p in parts[:-1]]
    if any(p in _BACKUP_DIRS or p.endswith(("_backup", "_old", "_bak", ".bak")) for p in directories):
        return True
    return bool(_BACKUP_STEM.search(parts[-1].removesuffix(".py")))


_ALWAYS_RAISES = attrgetter("always_raises")
_VERSION_STEM = re.compile(r"[_.\-]v\d+$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _bare_stem(module: str) -> str:
    """The file name of a module without backup or version decorations: ``backup.ws_manager_old`` and
    ``app.ws_manager_v1`` -> ``ws_manager`` (a versioned file nothing imports is a copy left behind too)."""
    return _VERSION_STEM.sub("", _BACKUP_STEM.sub("", module.rsplit(".", 1)[-1]))


def _plugin_siblings(a: str, b: str) -> bool:
    """``components.hue.config_flow`` and ``components.deconz.config_flow``: the same file in sibling packages is a
    plugin layout (integrations, backends loaded by name), not a copy."""
    pa, pb = a.rsplit(".", 1)[0], b.rsplit(".", 1)[0]
    return pa != pb and "." in pa and "." in pb and pa.rsplit(".", 1)[0] == pb.rsplit(".", 1)[0]


def all_trivial(functions: Mapping[str, FunctionFact], fact: ClassFact) -> bool:
    """True when the class (of a module whose functions are ``functions``) has public methods and each is trivial: in
    test code, a test double. Asked of every class in test code (69,000 of 85,000 at 4M lines of django), whose first
    test method is rarely trivial: stops there, without listing every public method first."""
    public = False
    for name, qualname in fact.methods.items():
        func = functions.get(qualname) if not name.startswith("_") else None
        if func is not None:
            if not func.is_trivial:
                return False
            public = True
    return public


def raises_on_construction(func: FunctionFact) -> bool:
    """A class's own ``__init__`` or ``__new__`` that always raises: its class is a guard (``Roles._raising``)."""
    return bool(func.always_raises and func.class_qualname and func.name in ("__init__", "__new__"))


def constructor_raises(functions: Mapping[str, FunctionFact], qualname: str) -> bool:
    """Whether ``Roles._raising`` holds the class ``qualname`` of a module whose functions are ``functions``: an
    ``__init__`` or ``__new__`` of its own that always raises."""
    return any(f.class_qualname == qualname and raises_on_construction(f) for f in functions.values())


def imported_modules(index: ProjectIndex) -> frozenset[str]:
    """Project modules some other module imports (with their parent packages, which the import runs too)."""
    return with_parents(_imported_targets(index))


def with_parents(targets: Iterable[str]) -> frozenset[str]:
    """``targets`` (project modules some other module imports) with their parent packages, which the import runs
    too: ``imported_modules`` from the import graph's edges (``ImportGraph.imported_targets``), which already hold
    what every import reaches (working it out again for the roles was 0.2 CPU-s at 4M lines)."""
    found: set[str] = set()
    for target in targets:
        if target not in found:  # found: so are its parents
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(found)


def _imported_targets(index: ProjectIndex) -> Iterator[str]:
    """Every project module an import reaches from another module (``index.imported_modules_of``), repeats and all:
    what the import graph's edges hold (``ImportGraph.imported_targets``, which a scan passes instead)."""
    for info in index.iter_modules():
        for target in index.imported_modules_of(info.name):
            if target is not None and target != info.name:
                yield target


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def is_double_name(name: str) -> bool:
    """``MockWebSocketManager``, ``FakeStore``, ``WebSocketManagerStub``, ``SSotMockManager``, ``DummyCache``: a
    CamelCase word of the name says test double."""
    if _ANY_DOUBLE_WORD.search(name) is None:
        return False  # no such word anywhere in the name (most names): no need to split it
    return any(word in _DOUBLE_WORDS for word in _WORD.findall(name))


class Roles:
    """The role of every class of the project (see the module docstring)."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, names: Names | None = None,
                 imported: frozenset[str] | None = None) -> None:  # fmt: skip
        """``names``: every name of every class, so that a copy made before a rename is still recognised (a
        backup ``WebSocketManager`` of the live ``_WebSocketManagerImplementation``, still exported under that
        name). ``imported``: ``imported_modules(index)``, when the caller has it (from the import graph)."""
        self.index = index
        self.resolver = resolver
        self.names = names
        self.imported = imported_modules(index) if imported is None else imported
        self.role: dict[ClassValue, str] = {}
        self._raising = frozenset(  # ``always_raises`` first, tested in C: it is empty for nearly every function
            ClassValue(info.name, func.class_qualname) for info in index.iter_modules()
            for func in filter(_ALWAYS_RAISES, info.facts.functions.values()) if raises_on_construction(func)
        )  # fmt: skip
        methods: dict[ClassValue, frozenset[str]] = {}
        # a restored model's is a ``kept_methods.KeptMethods``: the same keys, each set worked out when asked
        self.methods: Mapping[ClassValue, frozenset[str]] = methods
        self._flagged: dict[tuple[ClassValue, str], frozenset[str]] = {}  # see ``methods_with``: a class's own
        self._with: dict[tuple[ClassValue, str], frozenset[str]] = {}  # and along its MRO
        self._own_public: dict[ClassValue, frozenset[str]] = {}  # see ``_own``
        # Each distinct set of names kept once: a subclass adding no public method has its base's set, and copies of
        # a class (``backup/``, vendored trees) have one set between them (at 4M lines of django copies: 110 MB).
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        classes = [(info, cls, ClassValue(info.name, cls.qualname)) for info in index.iter_modules()
                   for cls in info.facts.classes.values()]  # ``index.iter_classes``' order
        for _, cls, value in sorted(classes, key=lambda c: len(resolver.mro(c[2]))):  # a base's MRO is shorter: first
            methods[value] = self._public_methods(value, cls)
        for info, cls, value in classes:
            self.role[value] = self._classify(info, cls, value)
        self._find_copies()

    def is_live_module(self, module: str) -> bool:
        """True when some other module imports ``module`` (entry points and plugins may be live without it)."""
        return module in self.imported

    # -- classification -----------------------------------------------------------------------------------------
    def _public_methods(self, value: ClassValue, fact: ClassFact) -> frozenset[str]:
        """Public methods defined by the class or inherited from project bases: its own names and its direct bases'
        sets (worked out before it), so a 3,000-class chain costs one union per class, not a walk of each MRO."""
        return self.public_methods_of(value, fact.methods, self.resolver.base_classes(value))

    def public_methods_of(self, value: ClassValue, methods: Iterable[str], bases: list[ClassValue]) -> frozenset[str]:
        """``_public_methods`` given the class's method names (in its facts' order) and its project bases. Only
        the same steps build the same sets (the similarity sums weights over them, in their iteration order), which
        ``kept_methods`` replays for a restored model (and whose sources its ``method_columns`` follows)."""
        names = own_public(methods)
        self._own_public[value] = self._kept(names)
        if len(bases) == 1:
            inherited = self.methods.get(bases[0])
            if inherited is not None and names <= inherited:
                return inherited  # adds no public name (a subclass that overrides): its base's kept set, not a copy
        for base in bases:
            inherited = self.methods.get(base)
            names.update(inherited if inherited is not None else self._walk_public(base))
        return self._kept(names)

    def _kept(self, names: set[str]) -> frozenset[str]:
        found = frozenset(names)
        return self._sets.setdefault(found, found)

    def _walk_public(self, value: ClassValue) -> set[str]:
        """The slow way, for a base not worked out yet (a cycle): its whole MRO."""
        names: set[str] = set()
        trace = self.resolver.trace
        for klass in self.resolver.mro(value):
            if isinstance(klass, ClassValue):
                if trace is not None:
                    trace.read_members(klass.module, klass.qualname)
                fact = self.index.find_class(klass.module, klass.qualname)
                if fact is not None:
                    names.update(m for m in fact.methods if not m.startswith("_"))
        return names

    def _classify(self, info: ModuleInfo, fact: ClassFact, value: ClassValue) -> str:
        mro = self.resolver.mro(value)
        externals = {v.name for v in mro if isinstance(v, ExternalValue)}
        if is_double_name(fact.name) or not externals.isdisjoint(_MOCK_BASES):
            return TEST_DOUBLE
        if info.is_test:
            return TEST_DOUBLE if all_trivial(info.facts.functions, fact) else TEST_CODE
        directories = info.relpath.split("/")[:-1]
        if _EXAMPLE_DIRS.intersection(directories):
            return EXAMPLE  # each example is its own small program: duplicated on purpose
        kind = self._kind_by_base(info, fact, externals)
        if kind:
            return kind
        if self._always_raises_on_construction(value):
            return GUARD
        if (fact.body_adds_nothing and fact.bases and not fact.decorators and not fact.keywords
                and any(isinstance(v, ClassValue) for v in mro[1:]) and externals.isdisjoint(_MODEL_BASES)
                and not self._abstract_model_base(mro) and not self._combines_bases(info, fact)):  # fmt: skip
            return SHIM  # (an empty subclass of a model is a model of its own: a table, a page type)
        live = self.is_live_module(info.name)
        if not live and is_backup_path(info.relpath):
            return ORPHAN
        if not live and (_SCRIPT_DIRS.intersection(directories) or info.facts.has_main_guard):
            return SCRIPT
        if not self.methods[value]:
            return RECORD
        return CLASS

    def _kind_by_base(self, info: ModuleInfo, fact: ClassFact, externals: set[str]) -> str:
        if externals:  # tests of the external bases, in this order (most classes have none: skipped)
            if not externals.isdisjoint(_ENUM_BASES):
                return "enum"
            if not externals.isdisjoint(_EXCEPTION_NAMES) or any(_EXCEPTION_SUFFIX.search(n) for n in externals):
                return "exception"  # a library's exception base (werkzeug HTTPException) is one by its name
            if not externals.isdisjoint(_PROTOCOL_BASES):
                return "protocol"
        if _ZOPE_STYLE_NAME.match(fact.name) and any(decorator_name(b) == "Interface" for b in fact.bases):
            return "protocol"  # ``class IDatasetForm(Interface)``: zope.interface's convention (ckan's plugins)
        metaclass = fact.keywords.get("metaclass")
        if "abc.ABC" in externals or (metaclass is not None and decorator_name(metaclass) == "ABCMeta"):
            return "abc"
        kind = kind_by_methods(info.facts.functions, fact)
        if kind:
            return kind
        if not externals.isdisjoint(_RECORD_BASES) or any(decorator_name(d) in _RECORD_DECORATORS for d in fact.decorators):
            return RECORD
        return ""

    def _abstract_model_base(self, mro: tuple[Value, ...]) -> bool:
        """The first project base declares ``class Meta: abstract = ...``: a model's abstract base (wagtail's
        ``AbstractWorkflow``, on a base the scan cannot see into), whose empty subclass is the concrete model."""
        base = next((v for v in mro[1:] if isinstance(v, ClassValue)), None)
        meta = self.index.find_class(base.module, f"{base.qualname}.Meta") if base is not None else None
        return meta is not None and "abstract" in meta.class_attrs

    def _always_raises_on_construction(self, value: ClassValue) -> bool:
        if self._raising.isdisjoint(self.resolver.mro(value)):
            return False  # no class along the MRO has a constructor that always raises: no lookup needed
        return self.guard_raise(value) is not None

    def guard_raise(self, value: ClassValue) -> tuple[FunctionValue, str] | None:
        """``__init__`` or ``__new__`` (the first definition along the MRO) when it raises on every path, with the
        exception it raises (``raise NotImplementedError`` is an abstract signature, not a guard)."""
        for dunder in ("__init__", "__new__"):
            method = self.resolver.find_method(value, dunder)
            if method is not None:
                func = self.index.find_function(method.module, method.qualname, head=True)
                if func is not None and func.always_raises and not func.is_stub:
                    return method, func.always_raises
        return None

    def _combines_bases(self, info: ModuleInfo, fact: ClassFact) -> bool:
        """True for ``class StreamWriter(Codec, codecs.StreamWriter): pass``: an empty body that joins two real bases
        is a new combination (a mixin composition), not a second name for one class."""
        real = 0
        for base in fact.bases:
            values = self.resolver.resolve_expr(info.name, fact.scope, base)
            if not all(isinstance(v, ExternalValue) and v.name in NEUTRAL_BASES for v in values):
                real += 1
        return real > 1

    def _own(self, value: ClassValue) -> frozenset[str]:
        """The public methods the class defines itself (kept by ``_public_methods`` for every class)."""
        known = self._own_public.get(value)
        if known is None:
            fact = self.index.find_class(value.module, value.qualname)
            known = frozenset(m for m in fact.methods if not m.startswith("_")) if fact is not None else frozenset()
        return known

    def _find_copies(self) -> None:
        """A class in a file nothing imports that repeats a live class: same class name, same file name, most of its
        own methods written again (not inherited). Such a file is a copy left behind, whatever its directory; a
        plugin loaded by name subclasses what it resembles, or sits in a sibling package of the same layout."""
        by_name: dict[str, list[ClassValue]] = defaultdict(list)  # production classes by every name, live first
        production = [value for value, role in self.role.items() if role == CLASS]
        for value in sorted(production, key=lambda v: (not self.is_live_module(v.module), v.fullname)):
            for name in self.names.name_strings(value) if self.names else (value.qualname,):
                by_name[name].append(value)
        self.copies: dict[ClassValue, ClassValue] = {}
        ancestors: dict[ClassValue, frozenset[ClassValue]] = {}  # the project classes of each MRO after the class

        def ancestors_of(value: ClassValue) -> frozenset[ClassValue]:
            known = ancestors.get(value)
            if known is None:
                known = ancestors[value] = frozenset(v for v in self.resolver.mro(value)[1:] if isinstance(v, ClassValue))
            return known

        for value, role in list(self.role.items()):
            if role not in (CLASS, ORPHAN) or self.is_live_module(value.module):
                continue
            originals = by_name.get(value.qualname)
            if not originals:
                continue  # no production class of that name: nothing it could repeat
            mine, stem, mro = self._own(value), _bare_stem(value.module), ancestors_of(value)
            for original in originals:
                # ``is``: both are keys of ``self.role``, so an equal class is the same object (no dataclass __eq__)
                if original is value or original in mro or not mro.isdisjoint(ancestors_of(original)):
                    continue  # a subclass, or a sibling of one family (two backends of one base): not a copy
                if role == ORPHAN:  # a backup-shaped file: the class it repeats needs no importer of its own
                    self.copies[value] = original
                    break
                theirs = self._own(original)
                decorated = stem != value.module.rsplit(".", 1)[-1] and original.module.rsplit(".", 1)[-1] == stem
                if ((self.is_live_module(original.module) or decorated) and stem == _bare_stem(original.module)
                        and not _plugin_siblings(value.module, original.module) and mine
                        and len(mine & theirs) * 2 >= len(mine)):  # fmt: skip
                    self.role[value] = ORPHAN
                    self.copies[value] = original
                    break

    def copied_class(self, orphan: ClassValue) -> ClassValue | None:
        """The live class an orphaned copy repeats (same class and file name), if one was found."""
        return self.copies.get(orphan)

    def methods_with(self, cls: ClassValue, flag: str) -> frozenset[str]:
        """Names for which ``method_function(cls, name)`` may give a function whose ``FunctionFact.<flag>`` is true
        (``is_async``, ``delegates``, ``always_raises``): a name outside it surely gives none, so a caller asks only
        about these. A superset: any class along the MRO that defines the name with such a function (any of its
        conditional definitions) or assigns it at class level (which may name any function). Public names and
        dunders only (what every caller asks about: shared public methods, ``__getattr__``, ``__init__``): a private
        method added to a class changes no answer (``trace.MEMBER``)."""
        key = (cls, flag)
        # asked for each pair a class is compared in: kept, a node of the dependency record (the class's order is
        # read; each class's own set reads its body and methods alone, which ``interface_change`` refuses)
        return node_answer(self.resolver.trace, self._with, key, (NODE, "with", key),
                           lambda: self._methods_with(cls, flag))

    def _methods_with(self, cls: ClassValue, flag: str) -> frozenset[str]:
        found: set[str] = set()
        for klass in self.resolver.mro(cls):
            if isinstance(klass, ClassValue):
                found.update(self._own_with(klass, flag))
        return self._kept(found)  # one object per distinct set, as ``methods``

    def _own_with(self, klass: ClassValue, flag: str) -> frozenset[str]:
        key = (klass, flag)
        if self.resolver.trace is not None:  # its members, read on every call: ``_flagged`` is no node
            self.resolver.trace.read_members(klass.module, klass.qualname)
        known = self._flagged.get(key)
        if known is None:
            info = self.index.modules.get(klass.module)  # a class and its methods (``trace.CLASS``, read above)
            fact = info.facts.classes.get(klass.qualname) if info is not None else None
            names: set[str] = set()
            if info is not None and fact is not None:
                functions = info.facts.functions
                for name, qualname in fact.methods.items():
                    if not is_private(name) and any(q in functions and getattr(functions[q], flag)
                                                    for q in (qualname, *fact.method_variants.get(name, ()))):  # fmt: skip
                        names.add(name)
                names.update(name for name in fact.class_attrs if not is_private(name))
            known = self._flagged[key] = self._kept(names)
        return known

    def method_function(self, cls: ClassValue, name: str) -> FunctionValue | None:
        """The project function that defines method ``name`` for ``cls`` (first along its MRO)."""
        return self.resolver.find_method(cls, name)
