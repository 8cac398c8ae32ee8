"""Similarity's and Roles' shortcuts (per-class profiles, a protocol index, answers per package pair, classes by
number in ``similar_pairs``, ancestor sets in ``Roles._find_copies``) give exactly what the plain definition gives.
The plain definition is kept here, written as the module docstrings of ``analysis.similarity`` and
``analysis.roles`` state it, and both are run on every pair of classes of several projects: sample_repo, a
generated monorepo, and a small project built for the edge cases (protocols, families, private classes exported
under a public name, parallel packages, async twins, facades, proxies, copies left behind, a cycle of bases)."""

from __future__ import annotations

import math

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.facts import FunctionFact
from ssot_audit.analysis.names import name_words
from ssot_audit.analysis.roles import (
    CLASS, FACADE, GUARD, ORPHAN, SHIM, TEST_CODE, TEST_DOUBLE, Roles, _bare_stem, _plugin_siblings, all_trivial,
    with_parents,
)  # fmt: skip
from ssot_audit.analysis.class_profile import async_twins as _async_twins
from ssot_audit.analysis.interfaces import PROTOCOL_COVER
from ssot_audit.analysis.similarity import (
    GENERIC, MIN_ASYNC_AGREEMENT, MIN_COVER, MIN_SHARED, MIN_WEIGHT, OTHER_NOUN_FACTOR, Comparison, Similarity,
)  # fmt: skip
from ssot_audit.analysis.values import ClassValue
from ssot_audit.config import Config
from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"

EDGES = {
    "app/__init__.py": "",
    "app/proto.py": """
        from typing import Protocol
        from abc import ABC, abstractmethod

        class SessionStore(Protocol):
            def load_session(self, key: str) -> dict: ...
            def save_session(self, key: str, data: dict) -> None: ...
            def expire_session(self, key: str) -> None: ...

        class Channel(ABC):
            @abstractmethod
            def send_frame(self, frame: bytes) -> None: ...
            @abstractmethod
            def recv_frame(self) -> bytes: ...
    """,
    "app/stores.py": """
        class RedisSessionStore:
            def load_session(self, key): return {}
            def save_session(self, key, data): pass
            def expire_session(self, key): pass
            def scan_sessions(self): return []

        class MemorySessionStore:
            def load_session(self, key): return {}
            def save_session(self, key, data): pass
            def expire_session(self, key): pass
            def scan_sessions(self): return []

        class LegacySessionStore:
            def load_session(self, key): return {}
            def save_session(self, key, data): pass
            def expire_session(self, key): pass
    """,
    "app/ws/__init__.py": "from app.ws.impl import _WebSocketManagerImpl as WebSocketManager\n",
    "app/ws/impl.py": """
        class _WebSocketManagerImpl:
            def connect_client(self, ws): pass
            def disconnect_client(self, ws): pass
            def broadcast_event(self, event): pass
            async def emit_critical_event(self, event): pass
    """,
    "app/ws/unified.py": """
        class UnifiedWebSocketManager:
            def connect_client(self, ws): pass
            def disconnect_client(self, ws): pass
            def broadcast_event(self, event): pass
            def emit_critical_event(self, event): pass
    """,
    "app/ws/facade.py": """
        from app.ws.unified import UnifiedWebSocketManager

        class WebSocketManagerFacade:
            def __init__(self):
                self._inner = UnifiedWebSocketManager()
            def connect_client(self, ws): return self._inner.connect_client(ws)
            def disconnect_client(self, ws): return self._inner.disconnect_client(ws)
            def broadcast_event(self, event): return self._inner.broadcast_event(event)

        class WebSocketManagerProxy:
            def __init__(self, target):
                self.target = target
            def connect_client(self, ws): return self.target.connect_client(ws)
            def disconnect_client(self, ws): return self.target.disconnect_client(ws)
            def broadcast_event(self, event): return self.target.broadcast_event(event)
    """,
    "app/channels.py": """
        from app.proto import Channel

        class BaseChannel(Channel):
            def send_frame(self, frame): pass
            def recv_frame(self): return b""
            def close_channel(self): pass

        class TcpChannel(BaseChannel):
            def send_frame(self, frame): pass
            def open_channel(self): pass

        class UdpChannel(BaseChannel):
            def send_frame(self, frame): pass
            def open_channel(self): pass

        class PipeChannel:
            def send_frame(self, frame): pass
            def recv_frame(self): return b""
            def close_channel(self): pass
            def open_channel(self): pass
    """,
    "app/clients.py": """
        class ClickHouseClient:
            def run_query(self, sql): pass
            def insert_rows(self, rows): pass
            def stream_rows(self, sql): pass
            def get(self): pass

        class AsyncClickHouseClient:
            async def run_query(self, sql): pass
            async def insert_rows(self, rows): pass
            async def stream_rows(self, sql): pass
            async def get(self): pass
    """,
    "app/analytics/clickhouse.py": """
        class ClickHouseService:
            def run_query(self, sql): pass
            def insert_rows(self, rows): pass
            def stream_rows(self, sql): pass
    """,
    "backends/geos/__init__.py": "",
    "backends/geos/shapes.py": """
        class Envelope:  # a second pair of the two parallel packages: ``similar_pairs`` skips it by its packages
            def envelope_bounds(self): pass
            def envelope_grow(self): pass
            def envelope_clip(self): pass
        class Point:
            def buffer_shape(self): pass
            def simplify_shape(self): pass
            def shape_area(self): pass
        class Polygon:
            def buffer_shape(self): pass
        class LineString:
            def buffer_shape(self): pass
    """,
    "backends/gdal/__init__.py": "",
    "backends/gdal/shapes.py": """
        class Envelope:  # a second pair of the two parallel packages: ``similar_pairs`` skips it by its packages
            def envelope_bounds(self): pass
            def envelope_grow(self): pass
            def envelope_clip(self): pass
        class Point:
            def buffer_shape(self): pass
            def simplify_shape(self): pass
            def shape_area(self): pass
        class Polygon:
            def buffer_shape(self): pass
        class LineString:
            def buffer_shape(self): pass
    """,
    "auth_service/__init__.py": "",
    "auth_service/config.py": """
        class AuthConfigManager:
            def load_settings(self): pass
            def reload_settings(self): pass
            def settings_source(self): pass
    """,
    "shared/config.py": """
        import sys
        if sys.version_info >= (3, 12):
            class ConfigManager:
                def load_settings(self): pass
                def reload_settings(self): pass
                def settings_source(self): pass
        else:
            class ConfigManager:
                def load_settings(self): pass
                def reload_settings(self): pass
                def settings_source(self): pass
    """,
    "app/ws/unified_v1.py": """
        class UnifiedWebSocketManager:
            def connect_client(self, ws): pass
            def disconnect_client(self, ws): pass
            def broadcast_event(self, event): pass
    """,
    "app/cycle.py": """
        class Ping(Pong):
            def ping_once(self): pass
        class Pong(Ping):
            def pong_once(self): pass
        class PingPong(Ping, Pong):
            def rally(self): pass
    """,
    "app/backends/__init__.py": "from app.backends.s3 import Backend\n",
    "app/backends/base.py": """
        class StorageBackend:
            def put_object(self, key, data): pass
    """,
    "app/backends/s3.py": """
        from app.backends.base import StorageBackend

        class Backend(StorageBackend):
            def upload_part(self, part): pass
            def complete_upload(self): pass
    """,
    "app/extra/more/s3.py": """
        from app.backends.base import StorageBackend

        class Backend(StorageBackend):
            def upload_part(self, part): pass
            def complete_upload(self): pass
    """,
    "tests/test_ws.py": """
        class FakeWebSocketManager:
            def connect_client(self, ws): pass
            def disconnect_client(self, ws): pass
            def broadcast_event(self, event): pass
    """,
    "backup/ws_old.py": """
        class UnifiedWebSocketManager:
            def connect_client(self, ws): pass
            def disconnect_client(self, ws): pass
            def broadcast_event(self, event): pass
            def emit_critical_event(self, event): pass
    """,
}


# -- the plain definition ------------------------------------------------------------------------------------------
def plain_words(sim: Similarity, cls: ClassValue) -> tuple[str, ...]:
    name = cls.qualname.split(".")[-1]
    if name.startswith("_") and sim.names is not None:
        name = sim.names.public_name(cls).name
    return name_words(name.lstrip("_"))


def plain_interface(sim: Similarity, a: ClassValue, b: ClassValue) -> frozenset[str]:
    """The methods of common ancestors; between names of their own, of protocols both implement (80% of the telling
    names of one with 5 or more) and of what an abstract ancestor of each declares (external hooks aside)."""
    shared: set[str] = set()
    for ancestor in set(sim.resolver.mro(a)[1:]) & set(sim.resolver.mro(b)[1:]):
        if isinstance(ancestor, ClassValue):
            shared |= sim.roles.methods.get(ancestor, frozenset())
    if name_words(a.qualname.split(".")[-1].lstrip("_")) != name_words(b.qualname.split(".")[-1].lstrip("_")):
        both = sim.roles.methods[a] & sim.roles.methods[b]
        for methods in sim.interfaces.protocols:
            telling = methods - GENERIC if len(methods - GENERIC) >= 2 else methods
            if len(telling & both) >= math.ceil(PROTOCOL_COVER * len(telling)):
                shared |= methods

        def declared(cls: ClassValue) -> set[str]:
            ancestors = [v for v in sim.resolver.mro(cls)[1:] if isinstance(v, ClassValue)]
            return {m for v in ancestors if sim.roles.role.get(v) in ("abc", "protocol") for m in sim.roles.methods[v]}

        shared |= declared(a) & declared(b)
    return frozenset(shared)


def plain_local_words(sim: Similarity, cls: ClassValue, other: tuple[str, ...]) -> tuple[str, ...]:
    words = plain_words(sim, cls)
    packages = {w for part in cls.module.split(".")[:-1] for w in part.lower().split("_")}
    start = 0
    while start < len(words) - 1 and words[start] in packages and words[start] not in other:
        start += 1
    return words[start:]


def plain_same_name(sim: Similarity, a: ClassValue, b: ClassValue) -> bool:
    mine = plain_local_words(sim, a, plain_words(sim, b))
    return len(mine) > 1 and mine == plain_local_words(sim, b, plain_words(sim, a))


def plain_related_names(sim: Similarity, a: ClassValue, b: ClassValue) -> bool:
    words_a, words_b = plain_words(sim, a), plain_words(sim, b)
    common = set(words_a) & set(words_b)
    if words_a[-1] == words_b[-1]:
        return len(common) > 1 or len(words_a) == len(words_b) == 1
    return len(common) >= 2


def plain_parallel(sim: Similarity, a: ClassValue, b: ClassValue) -> bool:
    pa, pb = a.module.rsplit(".", 1)[0], b.module.rsplit(".", 1)[0]
    if pa == pb or pa.startswith(pb + ".") or pb.startswith(pa + "."):
        return False
    return len(sim._package_names(pa) & sim._package_names(pb)) >= 3


def plain_design_reason(sim: Similarity, a: ClassValue, b: ClassValue, declared: bool) -> str:
    mro_a, mro_b = sim.resolver.mro(a), sim.resolver.mro(b)
    if a.module == b.module and a.qualname.split("#")[0] == b.qualname.split("#")[0]:
        return "two definitions of one class (if/else): one exists at run time"
    if a in mro_b or b in mro_a:
        return "a subclass specialises its base"
    if declared:
        return ""
    family = next((v for v in mro_a[1:] if isinstance(v, ClassValue) and v in mro_b[1:]), None)
    if family is not None:
        return f"siblings of one family ({family.qualname}): intended polymorphism"
    if _async_twins(plain_words(sim, a), plain_words(sim, b)):
        return "the sync and the async twin of one API, on purpose"
    if a.module == b.module and plain_words(sim, a) != plain_words(sim, b):
        return "variants defined side by side in one module, on purpose"
    if plain_parallel(sim, a, b):
        return "classes of two parallel packages (alternative backends defining the same names)"
    return ""


def plain_method_fact(sim: Similarity, cls: ClassValue, name: str) -> FunctionFact | None:
    """The facts of the function that defines method ``name`` for ``cls``, looked up again each time."""
    method = sim.resolver.find_method(cls, name)
    return sim.index.find_function(method.module, method.qualname) if method else None


def plain_async_agreement(sim: Similarity, a: ClassValue, b: ClassValue, shared: tuple[str, ...]) -> float:
    """The share of ``shared`` methods whose definitions for ``a`` and ``b`` agree on ``async def`` (a method
    missing on either side agrees)."""
    agree = 0
    for name in shared:
        ka, kb = plain_method_fact(sim, a, name), plain_method_fact(sim, b, name)
        agree += ka is None or kb is None or ka.is_async == kb.is_async
    return agree / len(shared) if shared else 1.0


def plain_compare(sim: Similarity, a: ClassValue, b: ClassValue, declared: bool) -> Comparison:
    unrelated = plain_design_reason(sim, a, b, declared)
    if unrelated:
        return Comparison(False, unrelated)
    interface = frozenset() if declared else plain_interface(sim, a, b)
    own_a, own_b = sim.roles.methods[a] - interface, sim.roles.methods[b] - interface
    shared = tuple(sorted(own_a & own_b))
    weight = sim.weigh(shared)
    cover = weight / (min(sim.weigh(own_a), sim.weigh(own_b)) or 1.0)

    def verdict(same: bool, reason: str, facade: bool = False) -> Comparison:
        return Comparison(same, reason, shared, round(weight, 2), round(cover, 2), facade)

    same_name = plain_same_name(sim, a, b)
    last = plain_words(sim, a)[-1] == plain_words(sim, b)[-1]
    needed = MIN_WEIGHT if declared or last else MIN_WEIGHT * OTHER_NOUN_FACTOR
    least = MIN_SHARED - same_name
    if declared:
        least = min(least, max(2, min(len(own_a), len(own_b))))
        needed = min(needed, weight if len(shared) >= least and cover >= 1 else needed)
    if len(shared) < least or (weight < needed and not same_name):
        common = " (the interface of a shared base or protocol does not count)" if interface else ""
        return verdict(False, f"shares {len(shared)} public methods worth {weight:.1f}{common}")
    if cover < MIN_COVER:
        return verdict(False, f"the shared methods are {cover:.0%} of the smaller class")
    if b in sim.held(a) or a in sim.held(b):
        return verdict(False, "a facade holds the other and delegates to it", facade=True)
    delegating = {v: sum(bool((f := plain_method_fact(sim, v, m)) and f.delegates) for m in shared) for v in (a, b)}
    proxy = next((v for v in (a, b) if delegating[v] * 2 >= len(shared)), None)
    if proxy is not None:
        return verdict(False, f"{proxy.qualname} hands most shared methods to another object (a proxy)", facade=True)
    wrapper = next((v for v in (a, b) if (f := plain_method_fact(sim, v, "__getattr__")) and f.delegates), None)
    if wrapper is not None:
        return verdict(False, f"{wrapper.qualname} hands what it does not define to another object (a wrapper)",
                       facade=True)  # fmt: skip
    agreement = plain_async_agreement(sim, a, b, shared)
    if agreement < MIN_ASYNC_AGREEMENT:
        return verdict(False, f"async-ness differs on {1 - agreement:.0%} of the shared methods")
    return verdict(True, f"shares {len(shared)} public methods ({cover:.0%} of the smaller class)")


def plain_similar_pairs(sim: Similarity, candidates: list[ClassValue]) -> Iterator[tuple[ClassValue, ClassValue, Comparison]]:
    cap = max(40, sim.total // 50)
    groups: dict[tuple[int, str], list[ClassValue]] = defaultdict(list)
    for value in candidates:
        words = plain_words(sim, value)
        groups[(0, words[-1])].append(value)
        if len(words) > 1:
            groups[(1, words[0])].append(value)
    seen: set[tuple[ClassValue, ClassValue]] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        holders: dict[str, list[int]] = defaultdict(list)
        for i, value in enumerate(group):
            for method in sim.roles.methods[value]:
                if sim.df[method] <= cap:
                    holders[method].append(i)
        counts: Counter[tuple[int, int]] = Counter()
        for members in holders.values():
            if 1 < len(members) <= cap:
                counts.update(combinations(members, 2))
        for (i, j), n in sorted(counts.items()):
            a, b = group[i], group[j]
            if n < MIN_SHARED - 1 or (a, b) in seen or not plain_related_names(sim, a, b):
                continue
            seen.add((a, b))
            satellite = sim.roles.role.get(a) != CLASS or sim.roles.role.get(b) != CLASS
            comparison = plain_compare(sim, a, b, satellite)
            if comparison.same_role:
                yield a, b, comparison


# -- the projects ----------------------------------------------------------------------------------------------------
def _model(root: Path) -> ConceptModel:
    return api.load_project(root, Config(), jobs=1).concepts


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ConceptModel]:
    edges = write_project(tmp_path_factory.mktemp("edges"), EDGES)
    monorepo = tmp_path_factory.mktemp("monorepo") / "tree"
    generate(monorepo, files=260, seed=5)
    return {"sample_repo": _model(SAMPLE), "edges": _model(edges), "monorepo": _model(monorepo)}


def _classes(model: ConceptModel) -> list[ClassValue]:
    """Every class with a public method, in a fixed order (at most 160, spread over the project)."""
    found = sorted((v for v, m in model.methods.items() if m), key=lambda v: v.fullname)
    step = max(1, len(found) // 160)
    return found[::step]


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_compare_is_the_plain_definition_on_every_pair(models: dict[str, ConceptModel], name: str) -> None:
    model = models[name]
    fresh = Similarity(model.index, model.resolver, model.roles, model.names)  # no answer kept from discovery
    classes = _classes(model)
    same = 0
    for a, b in combinations(classes, 2):
        for first, second in ((a, b), (b, a)):
            for declared in (False, True):
                expected = plain_compare(fresh, first, second, declared)
                assert fresh.compare(first, second, declared=declared) == expected, (first, second, declared)
                same += expected.same_role
        assert fresh.same_name(a, b) == plain_same_name(fresh, a, b)
        assert fresh.related_names(a, b) == plain_related_names(fresh, a, b)
        assert fresh.interface(a, b) == plain_interface(fresh, a, b)
    assert same > 0  # the projects have pairs that play one role, not only rejections


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_handoff_is_the_plain_definition(models: dict[str, ConceptModel], name: str) -> None:
    """``Handoff`` keeps each class's method facts and looks up only the names its MRO may hand on; the async
    agreement counts only the names either class may define ``async``: each answer, asked twice (the second from
    what was kept), is the plain one on every class and every name it may be asked about."""
    model = models[name]
    fresh = Similarity(model.index, model.resolver, model.roles, model.names)
    handing = 0
    for cls in model.roles.methods:
        names = sorted(model.methods[cls] | model.roles.methods_with(cls, "delegates") | {"__getattr__", "missing"})
        for _ in range(2):
            for method in names:
                assert fresh.handoff.method_fact(cls, method) is plain_method_fact(fresh, cls, method), (cls, method)
            expected = sum(bool((f := plain_method_fact(fresh, cls, m)) and f.delegates) for m in names)
            assert fresh.handoff.delegating(cls, tuple(names)) == expected, cls
        handing += expected > 0
    assert handing > 0  # some class hands methods on
    classes = _classes(model)
    differing = 0
    for a, b in combinations(classes, 2):
        shared = tuple(sorted((model.methods[a] | {"missing"}) & (model.methods[b] | {"missing"})))
        expected_agreement = plain_async_agreement(fresh, a, b, shared)
        assert fresh._async_agreement(a, b, shared) == expected_agreement, (a, b)
        differing += expected_agreement < 1
    assert differing > 0 or name == "sample_repo"  # pairs whose async-ness differs are met


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_similar_pairs_are_the_plain_definition(models: dict[str, ConceptModel], name: str) -> None:
    model = models[name]
    candidates = sorted((v for v in model.roles.role if len(model.methods[v]) >= MIN_SHARED), key=lambda v: v.fullname)
    expected = list(plain_similar_pairs(Similarity(model.index, model.resolver, model.roles, model.names), candidates))
    assert expected  # something to compare
    assert list(Similarity(model.index, model.resolver, model.roles, model.names).similar_pairs(candidates)) == expected


def plain_find_copies(roles: Roles) -> None:
    """``Roles._find_copies`` as first written: every MRO sliced and turned into sets for each candidate original."""

    def own(value: ClassValue) -> frozenset[str]:
        fact = roles.index.find_class(value.module, value.qualname)
        return frozenset(m for m in fact.methods if not m.startswith("_")) if fact is not None else frozenset()

    by_name: dict[str, list[ClassValue]] = defaultdict(list)
    for value, role in sorted(roles.role.items(), key=lambda p: (not roles.is_live_module(p[0].module), p[0].fullname)):
        if role == CLASS:
            for name in roles.names.name_strings(value) if roles.names else (value.qualname,):
                by_name[name].append(value)
    roles.copies = {}
    for value, role in list(roles.role.items()):
        if role not in (CLASS, ORPHAN) or roles.is_live_module(value.module):
            continue
        mine, stem = own(value), _bare_stem(value.module)
        mro = roles.resolver.mro(value)
        for original in by_name.get(value.qualname, ()):
            if original == value or original in mro or any(
                    isinstance(v, ClassValue) for v in set(mro[1:]) & set(roles.resolver.mro(original)[1:])):  # fmt: skip
                continue
            if role == ORPHAN:
                roles.copies[value] = original
                break
            theirs = own(original)
            decorated = stem != value.module.rsplit(".", 1)[-1] and original.module.rsplit(".", 1)[-1] == stem
            if ((roles.is_live_module(original.module) or decorated) and stem == _bare_stem(original.module)
                    and not _plugin_siblings(value.module, original.module) and mine
                    and len(mine & theirs) * 2 >= len(mine)):  # fmt: skip
                roles.role[value] = ORPHAN
                roles.copies[value] = original
                break


def plain_imported_modules(roles: Roles) -> frozenset[str]:
    found: set[str] = set()
    for info in roles.index.iter_modules():
        for imp in info.facts.imports:
            target = roles.index.imported_module_of(info.name, imp)
            if target is not None and target != info.name:
                parts = target.split(".")
                found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(found)


def plain_methods_with(roles: Roles, cls: ClassValue, flag: str) -> frozenset[str]:
    found: set[str] = set()
    for klass in roles.resolver.mro(cls):
        if isinstance(klass, ClassValue):
            found.update(roles._own_with(klass, flag))
    return frozenset(found)


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_roles_are_the_plain_definition(models: dict[str, ConceptModel], name: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    model = models[name]
    fast = Roles(model.index, model.resolver, model.names)
    monkeypatch.setattr(Roles, "_find_copies", plain_find_copies)
    plain = Roles(model.index, model.resolver, model.names)
    assert fast.imported == plain_imported_modules(plain)
    # what a scan gives the roles: the modules the import graph's edges reach, with their parents
    assert with_parents(ImportGraph(model.index).imported_targets()) == fast.imported
    assert fast.role == plain.role and list(fast.role) == list(plain.role)
    assert fast.copies == plain.copies
    assert fast.methods == plain.methods and list(fast.methods) == list(plain.methods)
    assert ORPHAN in fast.role.values()  # copies were looked for and found
    for value in fast.role:
        for flag in ("is_async", "delegates"):
            assert fast.methods_with(value, flag) == plain_methods_with(plain, value, flag)


def plain_public_methods(roles: Roles, value: ClassValue) -> frozenset[str]:
    """Public methods defined by the class or any project class along its MRO."""
    names: set[str] = set()
    for klass in roles.resolver.mro(value):
        fact = roles.index.find_class(klass.module, klass.qualname) if isinstance(klass, ClassValue) else None
        if fact is not None:
            names.update(m for m in fact.methods if not m.startswith("_"))
    return frozenset(names)


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_public_methods_are_the_plain_definition(models: dict[str, ConceptModel], name: str) -> None:
    roles = Roles(models[name].index, models[name].resolver, models[name].names)
    shared = 0
    for value, methods in roles.methods.items():
        assert methods == plain_public_methods(roles, value), value
        shared += any(methods is other for base, other in roles.methods.items() if base in roles.resolver.mro(value)[1:])
    assert shared  # some subclass adding no public name shares its base's set


def plain_attach(model: ConceptModel, members: list[ClassValue]) -> dict[ClassValue, str]:
    """``ConceptModel.attach`` as first written: every class sharing a word of the members' names, sorted by name,
    tested as a facade."""
    member_set = set(members)
    names = {n for m in members for n in model.names.name_strings(m) if not n.startswith("_")}
    candidates = set()
    for value, role in model.roles.role.items():
        if role in (SHIM, TEST_DOUBLE, TEST_CODE) and any(m in model.resolver.mro(value)[1:] for m in members):
            candidates.add(value)
        elif role == ORPHAN and model.roles.copied_class(value) in member_set:
            candidates.add(value)
        elif role == GUARD and names & model.names.name_strings(value):
            candidates.add(value)
    found: dict[ClassValue, str] = {}
    for value in [v for v in model.roles.role if v in candidates - member_set]:
        role = model.roles.role[value]
        found[value] = TEST_DOUBLE if role == TEST_CODE else role
    api = set().union(*(model.methods[m] for m in members))
    words = {w for m in members for w in model.similarity.words(m)}
    by_word = [v for v, role in model.roles.role.items() if role == CLASS and words & set(model.similarity.words(v))]
    for value in sorted(by_word, key=lambda v: v.fullname):
        if value not in member_set and value not in found and model._wraps(value, member_set, api):
            found[value] = FACADE
    return found


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_attach_is_the_plain_definition(models: dict[str, ConceptModel], name: str) -> None:
    model = models[name]
    assert model.concepts  # something to attach to
    for concept in model.concepts:
        expected = plain_attach(model, concept.members)
        assert list(model.attach(concept.members).items()) == list(expected.items()), concept.name



def test_all_trivial_is_the_plain_definition(models: dict[str, ConceptModel]) -> None:
    """``roles.all_trivial`` stops at the first public method that is not trivial: the same answer as listing
    them all, for every class (with and without public methods, trivial and not)."""
    answers = set()
    for model in models.values():
        for info, fact in model.index.iter_classes():
            functions = info.facts.functions
            public = [functions[q] for n, q in fact.methods.items() if not n.startswith("_") and q in functions]
            plain = bool(public) and all(f.is_trivial for f in public)
            assert all_trivial(functions, fact) == plain, fact.qualname
            answers.add((plain, bool(public)))
    assert answers == {(True, True), (False, True), (False, False)}  # each case met
