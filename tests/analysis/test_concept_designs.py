"""Alternatives by design that looked like one concept written twice, each found on a real project (mlflow 3.18,
manila 23, cinder 29, openstack-heat 27), with the control that still makes a concept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis.class_profile import plugin_directory
from ssot_audit.config import Config

from tests.helpers import write_project

METHODS = ("register_connection", "emit_critical_event", "drain_outbox", "send_to_user", "rotate_credentials")


def _class(name: str, body: str, methods: tuple[str, ...] = METHODS) -> str:
    return f"class {name}:\n" + "".join(f"    def {m}(self, *args):\n        {body}\n" for m in methods)


def _members(root: Path) -> list[list[str]]:
    concepts = api.load_project(root, Config(), jobs=1).concepts.concepts
    return sorted(sorted(m.fullname for m in c.members) for c in concepts)


def test_two_implementations_of_an_interface_by_convention_are_not_a_copy(tmp_path: Path) -> None:
    # mlflow's GatewayStoreMixin: 36 methods that all `raise NotImplementedError`, no ABC; RestGatewayStoreMixin and
    # SqlAlchemyGatewayStoreMixin implement them (one leaves a method out) without inheriting it
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/rest.py": _class("RestConnectionStore", "return args", METHODS[:-1]),
        "app/sql.py": _class("SqlAlchemyConnectionStore", "return list(args)"),
    })  # fmt: skip
    assert _members(tmp_path) == [["app.rest.RestConnectionStore", "app.sql.SqlAlchemyConnectionStore"]]
    write_project(tmp_path, {"app/abstract.py": _class("ConnectionStore", "raise NotImplementedError")})
    assert _members(tmp_path) == []
    # the control: an interface is only one whose public methods are all stubs
    write_project(tmp_path, {"app/abstract.py": _class("ConnectionStore", "raise NotImplementedError", METHODS[:-1])
                             + "    def rotate_credentials(self):\n        return 1\n"})  # fmt: skip
    assert len(_members(tmp_path)) == 1


def test_implementations_of_a_small_interface_by_convention_define_all_of_it(tmp_path: Path) -> None:
    # below five telling names a structural implementation defines every one (3 of 4 is a coincidence of names)
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/abstract.py": _class("ConnectionStore", "raise NotImplementedError", METHODS[:3] + ("prune_sessions",)),
        "app/rest.py": _class("RestConnectionStore", "return args", METHODS[:4]),
        "app/sql.py": _class("SqlAlchemyConnectionStore", "return list(args)", METHODS[:4]),
    })  # fmt: skip
    assert _members(tmp_path) == [["app.rest.RestConnectionStore", "app.sql.SqlAlchemyConnectionStore"]]


ENUM = """
class {name}:
    \"\"\"Enum for the state of a deployment job.\"\"\"
{constants}
    _STATE_TO_STRING = {{}}

    @staticmethod
    def from_string(state_str):
        return {name}._STATE_TO_STRING[state_str]

    @staticmethod
    def to_string(state):
        return {name}._STATE_TO_STRING[state]

    @staticmethod
    def all_states():
        return list({name}._STATE_TO_STRING)
"""


def test_two_hand_written_enumerations_are_not_one_concept(tmp_path: Path) -> None:
    # mlflow's RegisteredModelDeploymentJobState and ModelVersionDeploymentJobRunState: each its own values, with the
    # same three lookups
    def files(first: list[str], second: list[str]) -> dict[str, str]:
        return {
            "app/__init__.py": "",
            "app/model_state.py": ENUM.format(name="ModelDeploymentJobState",
                                              constants="".join(f"    {c} = {i}\n" for i, c in enumerate(first))),
            "app/run_state.py": ENUM.format(name="VersionDeploymentJobRunState",
                                            constants="".join(f"    {c} = {i}\n" for i, c in enumerate(second))),
        }  # fmt: skip

    write_project(tmp_path, files(["NOT_SET_UP", "CONNECTED", "NOT_FOUND"], ["RUNNING", "SUCCEEDED", "FAILED"]))
    assert _members(tmp_path) == []
    # the control: with fewer constants than an enumeration has, the lookups are a role like any other
    write_project(tmp_path, files(["NOT_SET_UP", "CONNECTED"], ["RUNNING", "SUCCEEDED"]))
    assert _members(tmp_path) == [["app.model_state.ModelDeploymentJobState",
                                   "app.run_state.VersionDeploymentJobRunState"]]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("manila.share.drivers.huawei.v3.helper", "manila.share.drivers.macrosan.rest_helper", "manila.share.drivers"),
    ("cinder.volume.drivers.lvm", "cinder.volume.drivers.nfs", "cinder.volume.drivers"),
    ("app.backends.redis.store", "app.backends.redis.cache", ""),  # one plugin
    ("app.drivers", "app.drivers.huawei", ""),  # a package and its child
    ("app.services.drivers.x", "app.core.drivers.x", ""),  # two directories named alike
    ("drivers.a", "drivers.b", "drivers"),
])  # fmt: skip
def test_plugin_directory(a: str, b: str, expected: str) -> None:
    assert plugin_directory(a, b) == expected
    assert plugin_directory(b, a) == expected


def test_classes_of_two_plugins_are_not_versions_of_one_name(tmp_path: Path) -> None:
    # manila's Huawei and MacroSAN `RestHelper`: each vendor's driver has its own, sharing `call` and `login`
    helpers = ("login", "call_backend", "do_request")
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/share/__init__.py": "",
        "app/share/drivers/__init__.py": "",
        "app/share/drivers/huawei/__init__.py": "",
        "app/share/drivers/huawei/v3/__init__.py": "",
        "app/share/drivers/huawei/v3/helper.py": _class("RestHelper", "return args", helpers[:2] + METHODS),
        "app/share/drivers/macrosan/__init__.py": "",
        "app/share/drivers/macrosan/rest_helper.py": _class("RestHelper", "return list(args)", helpers),
    })  # fmt: skip
    assert _members(tmp_path) == []
    # the control: two packages of any other name; the same name makes two shared methods enough
    (tmp_path / "app/share/drivers").rename(tmp_path / "app/share/vendors")
    assert _members(tmp_path) == [["app.share.vendors.huawei.v3.helper.RestHelper",
                                   "app.share.vendors.macrosan.rest_helper.RestHelper"]]  # fmt: skip


def test_classes_of_two_plugins_copying_one_role_are_still_a_concept(tmp_path: Path) -> None:
    # home-assistant's geo-feed integrations each paste one `FeedEntityManager`: a plugin does not excuse a copy
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/components/__init__.py": "",
        "app/components/gdacs/__init__.py": _class("GdacsFeedEntityManager", "return args"),
        "app/components/quakes/__init__.py": _class("QuakesFeedEntityManager", "return list(args)"),
    })  # fmt: skip
    assert len(_members(tmp_path)) == 1


ABSTRACT = """
import abc


class {name}(metaclass=abc.ABCMeta):
{methods}
"""


def test_implementations_of_two_abstract_bases_declaring_one_api_are_not_a_copy(tmp_path: Path) -> None:
    # manila: Huawei's V3StorageConnection implements HuaweiBase, Dell EMC's connections StorageConnection; both
    # ABCs declare the share-driver API (create_share, delete_share...) and a few methods of their own vendor's
    huawei, dell = METHODS + ("add_qos_policy", "split_pair"), METHODS + ("get_managed_ports", "dedupe_settings")

    def declared(methods: tuple[str, ...]) -> str:
        return "".join(f"    @abc.abstractmethod\n    def {m}(self, *args):\n        pass\n" for m in methods)

    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/huawei_base.py": ABSTRACT.format(name="HuaweiBase", methods=declared(huawei)),
        "app/dell_base.py": ABSTRACT.format(name="StorageConnection", methods=declared(dell)),
        "app/huawei.py": "from app.huawei_base import HuaweiBase\n\n"
                         + _class("V3StorageConnection(HuaweiBase)", "return args", huawei),
        "app/dell.py": "from app.dell_base import StorageConnection\n\n"
                       + _class("PowerMaxStorageConnection(StorageConnection)", "return list(args)", dell),
    })  # fmt: skip
    assert _members(tmp_path) == []
    # the control: the same two classes with no abstract base declaring their methods
    (tmp_path / "app/huawei_base.py").unlink()
    (tmp_path / "app/dell_base.py").unlink()
    write_project(tmp_path, {"app/huawei.py": _class("V3StorageConnection", "return args", huawei),
                             "app/dell.py": _class("PowerMaxStorageConnection", "return list(args)", dell)})
    assert _members(tmp_path) == [["app.dell.PowerMaxStorageConnection", "app.huawei.V3StorageConnection"]]


def test_the_actions_of_web_controllers_are_generic_names(tmp_path: Path) -> None:
    # openstack-heat's SoftwareDeploymentController and SoftwareConfigController: index/show/create/delete/default
    actions = ("index", "show", "create", "delete", "default")
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/deployments.py": _class("SoftwareDeploymentController", "return args", actions + ("metadata",)),
        "app/configs.py": _class("SoftwareConfigController", "return list(args)", actions + ("global_index",)),
    })  # fmt: skip
    assert _members(tmp_path) == []
    rare = actions + ("metadata", "validate_template", "render_config")  # the control: rare names make a role
    write_project(tmp_path, {"app/configs.py": _class("SoftwareConfigController", "return list(args)", rare),
                             "app/deployments.py": _class("SoftwareDeploymentController", "return args", rare)})
    assert len(_members(tmp_path)) == 1


def test_a_zope_style_interface_is_not_an_implementation(tmp_path: Path) -> None:
    # ckan's `IDatasetForm(Interface)` declares what its plugins implement, with default bodies; DefaultDatasetForm
    # implements it without inheriting it
    files = {
        "app/__init__.py": "",
        "app/base.py": "class Interface:\n    pass\n",
        "app/interfaces.py": "from app.base import Interface\n\n\n" + _class("IConnectionStore(Interface)", "return None"),
        "app/default.py": _class("DefaultConnectionStore", "return list(args)"),
    }
    write_project(tmp_path, files)
    assert _members(tmp_path) == []
    # the control: a class named like no interface, subclassing something called Interface (home-assistant's
    # `CloudClient(Interface)` implements hass_nabucasa's client interface)
    write_project(tmp_path, {"app/interfaces.py": files["app/interfaces.py"].replace("IConnection", "ConnectionIn")})
    assert _members(tmp_path) == [["app.default.DefaultConnectionStore", "app.interfaces.ConnectionInStore"]]
