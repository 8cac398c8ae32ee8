"""Zero-config concepts form around a role, not a name stem: rare shared methods count, generic ones do not; a
cluster forms around a centre; facades, proxies, families, protocol implementations, async twins and variants in
one module stay out; test doubles, guards and dead copies are attached, never canonical."""

from __future__ import annotations

from pathlib import Path

from ssot_audit import api
from ssot_audit.analysis.concepts import ConceptInfo
from ssot_audit.config import Config

from tests.helpers import scan_project, triples, write_project
from tests.test_concepts_config import ROLE as CONCEPT_API

ROLE = """
class {name}:
    def register_connection(self, user_id, ws):
        self.ws = ws
    def emit_critical_event(self, kind):
        return kind
    def drain_outbox(self):
        return []
    def send_to_user(self, user_id, message):
        return message
"""


def _concepts(root: Path) -> list[ConceptInfo]:
    return api.load_project(root, Config(), jobs=1).concepts.concepts


def _members(root: Path) -> list[list[str]]:
    return [[m.fullname for m in c.members] for c in _concepts(root)]


def test_generic_method_names_do_not_make_a_role(tmp_path: Path) -> None:
    generic = "\n".join(f"    def {m}(self):\n        return 1" for m in ("initialize", "close", "get_status", "start", "stop"))
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": f"class SchedulerService:\n{generic}\n",
        "app/b.py": f"class MetricsService:\n{generic}\n",
        "app/c.py": f"class CacheService:\n{generic}\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), "SSOT101") == set()


def test_rare_shared_methods_make_a_role_whatever_the_qualifier(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": ROLE.format(name="WebSocketManager"),
        "app/b.py": ROLE.format(name="LegacyWebSocketManager"),
        "app/c.py": ROLE.format(name="WebSocketConnectionManager"),
        "app/use.py": "from app.a import WebSocketManager\n",
    })  # fmt: skip
    assert _members(tmp_path) == [["app.a.WebSocketManager", "app.b.LegacyWebSocketManager", "app.c.WebSocketConnectionManager"]]


def test_a_cluster_forms_around_a_centre_and_never_chains(tmp_path: Path) -> None:
    # A resembles B (rare methods x), B resembles C (rare methods y), A does not resemble C: with A the most used,
    # A's cluster is {A, B}; C is not glued to A through B.
    xs = "\n".join(f"    def route_{m}(self):\n        return 1" for m in ("alpha", "beta", "gamma", "delta"))
    ys = "\n".join(f"    def store_{m}(self):\n        return 1" for m in ("alpha", "beta", "gamma", "delta"))
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": f"class EventBroker:\n{xs}\n",
        "app/b.py": f"class UnifiedEventBroker:\n{xs}\n{ys}\n",
        "app/c.py": f"class LegacyEventBroker:\n{ys}\n",
        "app/u1.py": "from app.a import EventBroker\n",
        "app/u2.py": "from app.a import EventBroker\n",
    })  # fmt: skip
    assert _members(tmp_path) == [["app.a.EventBroker", "app.b.UnifiedEventBroker"]]


def test_facades_proxies_families_and_side_by_side_variants_are_not_duplicates(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": ROLE.format(name="StreamManager"),
        "app/facade.py": """
            from app.manager import StreamManager

            class StreamManagerFacade:
                def __init__(self):
                    self._inner = StreamManager()
                def register_connection(self, user_id, ws):
                    return self._inner.register_connection(user_id, ws)
                def emit_critical_event(self, kind):
                    return self._inner.emit_critical_event(kind)
                def drain_outbox(self):
                    return self._inner.drain_outbox()
        """,
        "app/proxy.py": """
            class StreamManagerProxy:
                def __init__(self, target):
                    self._target = target
                def register_connection(self, user_id, ws):
                    return self._target.register_connection(user_id, ws)
                def emit_critical_event(self, kind):
                    return self._target.emit_critical_event(kind)
                def drain_outbox(self):
                    return self._target.drain_outbox()
        """,
        "app/family.py": "class BaseChannel:\n    def open_channel(self):\n        return 1\n\n"
                         + ROLE.format(name="RedisChannel(BaseChannel)").replace("class RedisChannel(BaseChannel):", "class RedisChannel(BaseChannel):"),
        "app/family2.py": "from app.family import BaseChannel\n" + ROLE.format(name="KafkaChannel(BaseChannel)"),
        "app/variants.py": ROLE.format(name="ReadStreamManager") + ROLE.format(name="WriteStreamManager"),
        "app/asyncio_twin.py": ROLE.format(name="AsyncStreamManager"),
        "app/proto.py": """
            from typing import Protocol

            class Transport(Protocol):
                def register_connection(self, user_id, ws): ...
                def emit_critical_event(self, kind): ...
                def drain_outbox(self): ...
                def send_to_user(self, user_id, message): ...
        """,
        "app/impl_redis.py": ROLE.format(name="RedisTransport"),
        "app/impl_memory.py": ROLE.format(name="MemoryTransport"),
    })  # fmt: skip
    assert _members(tmp_path) == []


def test_versions_of_one_name_implementing_a_protocol_are_one_concept_written_twice(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/proto.py": "from typing import Protocol\n\nclass Transport(Protocol):\n"
                        "    def register_connection(self, user_id, ws): ...\n    def drain_outbox(self): ...\n",
        "app/a.py": ROLE.format(name="Transport2"),
        "app/b.py": ROLE.format(name="UnifiedTransport"),
    })  # fmt: skip
    assert _members(tmp_path) == [["app.a.Transport2", "app.b.UnifiedTransport"]]


def test_the_real_implementation_is_canonical_never_a_mock_a_guard_or_a_dead_copy(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/impl.py": ROLE.format(name="_WebSocketManagerImplementation")
                          + "\nWebSocketManager = _WebSocketManagerImplementation\n"
                          + "UnifiedWebSocketManager = _WebSocketManagerImplementation\n",
        "app/ws/factory.py": "from app.ws.impl import _WebSocketManagerImplementation\n\n"
                             "def get_websocket_manager(user_id):\n    return _WebSocketManagerImplementation()\n",
        "app/ws/guard.py": "class _Factory:\n    def __init__(self, *a):\n        raise RuntimeError('use the factory')\n\n"
                           "WebSocketManager = _Factory\n",
        "app/legacy.py": ROLE.format(name="LegacyWebSocketManager"),
        "app/use.py": "from app.ws.impl import WebSocketManager\nfrom app.ws.guard import WebSocketManager as G\n",
        "test_framework/__init__.py": "",
        "test_framework/mocks.py": ROLE.format(name="MockWebSocketManager"),
        "test_framework/users.py": "\n".join(f"from test_framework.mocks import MockWebSocketManager as M{i}" for i in range(5)),
        "backup/impl.py": ROLE.format(name="_WebSocketManagerImplementation"),
    })  # fmt: skip
    (concept,) = _concepts(tmp_path)
    assert concept.canonical.fullname == "app.ws.impl._WebSocketManagerImplementation"
    assert concept.canonical_reason == "returned by its factory get_websocket_manager()"
    assert [m.fullname for m in concept.members] == ["app.ws.impl._WebSocketManagerImplementation", "app.legacy.LegacyWebSocketManager"]
    assert {(v.fullname, role) for v, role in concept.lookalikes} == {
        ("app.ws.guard._Factory", "guard"),
        ("test_framework.mocks.MockWebSocketManager", "test-double"),
        ("backup.impl._WebSocketManagerImplementation", "orphaned-copy"),
    }
    result = scan_project(tmp_path)
    (finding,) = [f for f in result.findings if f.code == "SSOT101"]
    assert finding.message.startswith("2 classes implement the concept 'web-socket-manager': WebSocketManager "
                                      "(defined as _WebSocketManagerImplementation)")  # fmt: skip
    assert finding.facts["canonical_public"] == "app.ws.impl.WebSocketManager"
    assert "_WebSocketManagerImplementation" not in finding.fix_hint


def _forwarding(name: str, held: str, init: str, methods: tuple[str, ...]) -> str:
    """A class that hands ``methods`` (the concept's, with their parameters) on to the object in ``self.<held>``."""
    params = {"register_connection": "user_id, ws", "emit_critical_event": "kind", "drain_outbox": ""}
    body = "".join(f"    def {m}(self{', ' if params[m] else ''}{params[m]}):\n"
                   f"        return self.{held}.{m}({params[m]})\n" for m in methods)
    return f"class {name}:\n    def __init__(self{init}):\n        self.{held} = {init.lstrip(', ') or 'StreamManager()'}\n{body}"


def test_a_facade_by_delegation_alone_offers_as_many_methods_as_implementations_share(tmp_path: Path) -> None:
    # home-assistant's vacuum entity handed async_update and async_stop on to its device and was taken for a facade
    # of the feed managers: delegating to an object of unknown type vouches only with three methods or more
    two, three = ("register_connection", "emit_critical_event"), ("register_connection", "emit_critical_event",
                                                                   "drain_outbox")  # fmt: skip
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": CONCEPT_API.format(name="StreamManager"),
        "app/b.py": CONCEPT_API.format(name="UnifiedStreamManager"),
        "app/entity.py": _forwarding("StreamManagerEntity", "_device", ", device", two),
        "app/adapter.py": _forwarding("StreamManagerAdapter", "_target", ", target", three),
        "app/holder.py": "from app.a import StreamManager\n\n" + _forwarding("StreamManagerHolder", "_inner", "", two),
    })  # fmt: skip
    (concept,) = scan_project(tmp_path).concepts
    assert {m.qualname: m.role for m in concept.members} == {
        "app.a.StreamManager": "canonical", "app.b.UnifiedStreamManager": "duplicate",
        "app.adapter.StreamManagerAdapter": "facade", "app.holder.StreamManagerHolder": "facade",
    }  # fmt: skip


HOOKS = """
from {base_module} import BaseHandler

class {name}(BaseHandler):
    def on_stream_start(self, run):
        return run
    def on_stream_token(self, token):
        return token
    def on_stream_end(self, run):
        return run
    def on_stream_error(self, error):
        return error
{extra}"""


def test_hooks_of_an_external_base_are_its_interface_not_a_copy(tmp_path: Path) -> None:
    # langchain-community: eleven integrations' callback handlers override langchain_core's BaseCallbackHandler
    # hooks (on_llm_start, on_chain_end...), which the scan cannot see: they were one "concept". Imported through
    # two paths of one package, the base is still one base.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/argilla.py": HOOKS.format(base_module="framework.callbacks", name="ArgillaCallbackHandler", extra=""),
        "app/arize.py": HOOKS.format(base_module="framework.callbacks.base", name="ArizeCallbackHandler", extra=""),
        "app/label.py": HOOKS.format(base_module="framework.callbacks", name="LabelStudioCallbackHandler", extra=""),
    })  # fmt: skip
    assert _members(tmp_path) == []


def test_versions_of_one_name_on_an_external_base_are_still_one_concept(tmp_path: Path) -> None:
    extra = "    def flush_buffered_spans(self):\n        return []\n"
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/argilla.py": HOOKS.format(base_module="framework.callbacks", name="ArgillaCallbackHandler", extra=""),
        "app/arize.py": HOOKS.format(base_module="framework.callbacks", name="ArizeCallbackHandler", extra=""),
        "app/tracing.py": HOOKS.format(base_module="framework.callbacks", name="TracingHandler", extra=extra),
        "app/legacy.py": HOOKS.format(base_module="framework.callbacks", name="LegacyTracingHandler", extra=extra),
    })  # fmt: skip
    assert [sorted(c) for c in _members(tmp_path)] == [["app.legacy.LegacyTracingHandler", "app.tracing.TracingHandler"]]


def test_a_class_copied_under_one_name_does_not_make_its_methods_a_bases_hooks(tmp_path: Path) -> None:
    extra = "    def flush_buffered_spans(self):\n        return []\n    def export_spans(self):\n        return []\n"
    write_project(tmp_path, {
        "app/__init__.py": "",
        **{f"app/copy{i}.py": HOOKS.format(base_module="framework.callbacks", name="SpanExporter", extra=extra)
           for i in range(3)},
        "app/other.py": HOOKS.format(base_module="framework.callbacks", name="OtelSpanExporter",
                                     extra=extra.replace("flush_buffered_spans", "flush_spans_now")),
    })  # fmt: skip
    concepts = _members(tmp_path)
    assert len(concepts) == 1 and "app.other.OtelSpanExporter" in concepts[0], concepts


def test_a_protocol_implemented_but_for_its_generic_names_is_still_the_interface(tmp_path: Path) -> None:
    # airflow: SafeDogStatsdLogger and SafeOtelLogger implement StatsLogger's incr/decr/gauge/timing but not its
    # `initialize` classmethod (the facade's); two backends of one protocol, not a copy.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/proto.py": "from typing import Protocol\n\nclass StatsLogger(Protocol):\n"
                        "    def initialize(self): ...\n    def register_connection(self, user_id, ws): ...\n"
                        "    def emit_critical_event(self, kind): ...\n    def drain_outbox(self): ...\n"
                        "    def send_to_user(self, user_id, message): ...\n",
        "app/dog.py": ROLE.format(name="SafeDogStatsLogger"),
        "app/otel.py": ROLE.format(name="SafeOtelStatsLogger"),
    })  # fmt: skip
    assert _members(tmp_path) == []


RPC_CLIENT = """
class {name}:
    def __init__(self, client):
        self.client = client
    def _cast(self, context, method, **kwargs):
        self.client.prepare().cast(context, method, **kwargs)
    def register_connection(self, context, user_id, ws):
        self._cast(context, 'register_connection', user_id=user_id, ws=ws)
    def emit_critical_event(self, context, kind):
        self._cast(context, method='emit_critical_event', kind=kind)
    def drain_outbox(self, context):
        return self.client.call(context, 'drain_outbox')
    def send_to_user(self, context, user_id, message):
        {send}
"""


def test_an_rpc_client_that_sends_each_call_by_its_own_name_is_not_a_copy(tmp_path: Path) -> None:
    # nova's conductor ComputeTaskAPI and neutron's L3AgentNotifyAPI name the methods of the agent they call
    # (`cctxt.cast(context, 'router_deleted', ...)`): the client side of an RPC API, not the agent written twice.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/agent.py": ROLE.format(name="ConnectionAgent"),
        "app/notify.py": RPC_CLIENT.format(name="ConnectionAgentNotifyAPI",
                                           send="self._cast(context, 'send_to_user', user_id=user_id)"),
    })  # fmt: skip
    assert _members(tmp_path) == []


def test_a_client_class_that_does_the_work_itself_is_still_a_copy(tmp_path: Path) -> None:
    # the control: the same client class doing the work in most methods (its own name is passed in one of four)
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/agent.py": ROLE.format(name="ConnectionAgent"),
        "app/notify.py": RPC_CLIENT.replace("self._cast(context, 'register_connection', user_id=user_id, ws=ws)",
                                            "self.ws = ws")
                                   .replace("self._cast(context, method='emit_critical_event', kind=kind)", "return kind")
                                   .format(name="ConnectionAgentCopy", send="return message"),
    })  # fmt: skip
    assert _members(tmp_path) == [["app.agent.ConnectionAgent", "app.notify.ConnectionAgentCopy"]]


def test_test_classes_naming_an_external_base_show_its_hooks(tmp_path: Path) -> None:
    # neutron: two production ML2 drivers (OVN, l2population) override neutron_lib's MechanismDriver hooks; the
    # test drivers that subclass MechanismDriver themselves show the methods are that base's, not a shared role
    names = ("RecordingDriver", "LoggerDriver", "FaultyDriver")
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ovn.py": HOOKS.format(base_module="framework.callbacks", name="OvnStreamDriver", extra=""),
        "app/l2pop.py": HOOKS.format(base_module="framework.callbacks", name="PopulationStreamDriver", extra=""),
        "tests/__init__.py": "",
        **{f"tests/test_{n.lower()}.py": HOOKS.format(base_module="framework.callbacks", name=n, extra="") for n in names},
    })  # fmt: skip
    assert _members(tmp_path) == []


def test_test_doubles_of_a_project_class_do_not_make_hooks_of_its_external_base(tmp_path: Path) -> None:
    # a test double subclassing a production class shows nothing about that class's external base
    doubles = "".join(f"\n\nclass {n}(OvnStreamDriver):\n    def on_stream_start(self, run):\n        return None\n"
                      f"    def on_stream_end(self, run):\n        return None\n" for n in ("FakeOne", "FakeTwo", "FakeThree"))
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ovn.py": HOOKS.format(base_module="framework.callbacks", name="OvnStreamDriver", extra=""),
        "app/l2pop.py": HOOKS.format(base_module="framework.callbacks", name="PopulationStreamDriver", extra=""),
        "tests/__init__.py": "",
        "tests/fakes.py": "from app.ovn import OvnStreamDriver\n" + doubles,
    })  # fmt: skip
    assert _members(tmp_path) == [["app.ovn.OvnStreamDriver", "app.l2pop.PopulationStreamDriver"]]


def test_a_wrapper_that_hands_the_rest_to_another_object_is_not_a_copy(tmp_path: Path) -> None:
    # neutron's DeferredOVSBridge queues add_flow/mod_flow/delete_flows of the bridge it wraps and passes the rest
    # on through __getattr__: a wrapper of the bridge, not a second bridge
    wrapper = ROLE.format(name="DeferredConnectionManager") + (
        "    def __init__(self, manager):\n        self.manager = manager\n"
        "    def __getattr__(self, name):\n        return getattr(self.manager, name)\n"
    )
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": ROLE.format(name="ConnectionManager"),
        "app/deferred.py": wrapper,
    })  # fmt: skip
    assert _members(tmp_path) == []
    write_project(tmp_path, {"app/deferred.py": wrapper.replace("getattr(self.manager, name)", "getattr(self, name)")})
    assert sorted(map(sorted, _members(tmp_path))) == [["app.deferred.DeferredConnectionManager",
                                                        "app.manager.ConnectionManager"]]  # fmt: skip
