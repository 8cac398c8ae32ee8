"""SSOT103 shim-subclass: a subclass of a project class that adds nothing."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.model import Severity

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT103"
BASE = """
class Manager:
    def send(self, message):
        return message

    def close(self):
        return None
"""


def test_empty_docstring_and_super_only_subclasses(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": BASE,
        "app/shims.py": """
            from app.base import Manager

            class A(Manager):
                pass

            class B(Manager):
                '''Kept for old imports.'''
                ...

            class C(Manager):
                def send(self, message):
                    return super().send(message)
        """,
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/shims.py", 3), (CODE, "app/shims.py", 6), (CODE, "app/shims.py", 10)}
    assert {f.severity for f in result.findings if f.code == CODE} == {Severity.NOTE}


def test_shim_of_a_concept_is_a_warning(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": BASE,
        "app/shims.py": "from app.base import Manager\n\nclass LegacyManager(Manager):\n    pass\n",
    })  # fmt: skip
    result = scan_project(tmp_path, {"concepts": {"m": {"canonical": "app.base.Manager"}}})
    assert triples(result, CODE) == {(CODE, "app/shims.py", 3)}
    assert [f.severity for f in result.findings if f.code == CODE] == [Severity.WARNING]


def test_subclasses_that_add_something_or_are_not_shims(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": BASE,
        "app/subs.py": """
            import enum
            from dataclasses import dataclass
            from app.base import Manager
            from external import Thing

            class Adds(Manager):
                def send(self, message):
                    return super().send(message.upper())

            class Attr(Manager):
                retries = 3

            class OtherName(Manager):
                def close(self):
                    return super().send(None)

            class ExternalBase(Thing):
                pass

            class Error(Exception):
                pass

            class MoreError(Error):
                pass

            class Color(enum.Enum):
                RED = 1

            @dataclass
            class Record(Manager):
                pass

            class WithMeta(Manager, metaclass=type):
                pass
        """,
        "tests/test_subs.py": "from app.base import Manager\n\nclass FakeManager(Manager):\n    pass\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_empty_class_combining_two_bases_is_not_a_shim(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": BASE + "\nclass Mixin:\n    def extra(self):\n        return 1\n",
        "app/combo.py": """
            import codecs
            from app.base import Manager, Mixin

            class Both(Mixin, Manager):
                pass

            class WithLibrary(Manager, codecs.StreamWriter):
                pass

            class Plain(Manager, object):
                pass
        """,
    })  # fmt: skip
    # object adds nothing: Plain is still a shim of Manager.
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/combo.py", 10)}


def test_exceptions_in_a_module_with_getattr_are_left_alone(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/errors.py": """
            class AppError(Exception):
                pass

            class NotFound(AppError):
                pass

            def __getattr__(name):
                raise AttributeError(name)
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_subclasses_of_a_library_exception_are_left_alone(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/errors.py": """
            from werkzeug.exceptions import HTTPException
            from library import Base

            class RESTError(HTTPException):
                code = 400

            class NotFound(RESTError):
                pass

            class Thing(Base):
                kind = 1

            class Other(Thing):
                pass
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/errors.py", 13)}


def test_a_family_of_empty_subclasses_next_to_their_base_is_type_tags_unless_it_shims_a_concept(tmp_path: Path) -> None:
    family = "".join(f"\nclass Kind{i}(Field):\n    pass\n" for i in range(3))
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/fields.py": "class Field:\n    def value(self):\n        return 1\n" + family,
        "app/managers.py": (
            "class Manager:\n    def send(self):\n        return 1\n"
            + "".join(f"\nclass Legacy{i}(Manager):\n    pass\n" for i in range(3))
        ),
    })  # fmt: skip
    result = scan_project(tmp_path, {"concepts": {"m": {"canonical": "app.managers.Manager"}}})
    assert {(c, p, line) for c, p, line in triples(result) if c == "SSOT103"} == {
        ("SSOT103", "app/managers.py", 5), ("SSOT103", "app/managers.py", 8), ("SSOT103", "app/managers.py", 11)
    }


def test_a_typed_specialization_is_not_a_shim(tmp_path: Path) -> None:
    # home-assistant's ``class ToonEntity(CoordinatorEntity[ToonDataUpdateCoordinator])`` with a docstring, and
    # sqlalchemy's ``class TypedReturnsRows(ExecutableReturnsRows, Generic[...])``: type arguments are what they add
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": "from typing import Generic, TypeVar\n\nT = TypeVar('T')\n\n\n"
                       "class Entity(Generic[T]):\n    def update(self):\n        return 1\n",
        "app/toon.py": 'from app.base import Entity\n\n\nclass ToonEntity(Entity[int]):\n    """A base Toon entity."""\n',
        "app/rows.py": "from typing import Generic, TypeVar\n\nfrom app.base import Entity\n\nT = TypeVar('T')\n\n\n"
                       "class TypedEntity(Entity, Generic[T]):\n    pass\n",
        "app/legacy.py": "from app.base import Entity\n\n\nclass LegacyEntity(Entity):\n    pass\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), "SSOT103") == {("SSOT103", "app/legacy.py", 4)}


def test_an_empty_subclass_its_own_module_constructs_is_a_marker_type(tmp_path: Path) -> None:
    # prefect: `class RemoveValue(Placeholder): pass`, returned by hydration.py's handlers and told apart with
    # isinstance; home-assistant: per-device entity classes its platform module constructs. A shim kept for old
    # imports is made by its old callers, not by the module that declares it.
    marker = BASE + "\nclass RemoveValue(Manager):\n    pass\n\n\nclass LegacyManager(Manager):\n    pass\n\n\n" \
                    "def handle(value):\n    return RemoveValue() if value is None else value\n"
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": marker,
        "app/compat.py": "from app.base import Manager\n\n\nclass Legacy(Manager):\n    pass\n",
        "app/old_caller.py": "from app.compat import Legacy\n\n\ndef make():\n    return Legacy()\n",
    })  # fmt: skip
    legacy = {(CODE, "app/base.py", 12), (CODE, "app/compat.py", 4)}
    assert triples(scan_project(tmp_path), CODE) == legacy


def test_a_message_class_its_widget_posts_is_a_marker_type_wherever_its_base_lives(tmp_path: Path) -> None:
    # textual: `class Toggle(Message): """Request toggle."""` nested in the widget that posts it (its base lives in
    # textual/message.py); message classes are told apart by type. Not constructed where it is declared: a shim.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/message.py": BASE,
        "app/widget.py": "from app.message import Manager\n\n\nclass Select:\n    class Toggle(Manager):\n"
                         "        pass\n\n    def click(self):\n        return self.Toggle()\n\n\n"
                         "class Legacy(Manager):\n    pass\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/widget.py", 12)}


def test_an_empty_subclass_documented_as_a_type_of_its_own_is_not_a_shim(tmp_path: Path) -> None:
    # nova: `class DeviceRemovedEvent(DeviceEvent): """Libvirt sends this event after a successful device detach"""`
    # is an event type the driver tells apart; langchain's `LlamaChatContentFormatter`, documented "Deprecated: Kept
    # for backwards compatibility", is the shim its docstring says it is. Inside a concept a shim is always reported.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": BASE,
        "app/events.py": "from app.base import Manager\n\n\n"
                         "class Removed(Manager):\n    \"\"\"Sent after a detach, handled here instead of above.\"\"\"\n\n\n"
                         "class Failed(Manager):\n    \"\"\"Sent after an unsuccessful device detach.\"\"\"\n    pass\n\n\n"
                         "class Formatter(Manager):\n    \"\"\"Deprecated: Kept for backwards compatibility.\"\"\"\n\n\n"
                         "class Named(Manager):\n    \"\"\"Alias of Manager; use Manager instead.\"\"\"\n\n\n"
                         "class Blank(Manager):\n    \"\"\" \"\"\"\n\n\n"
                         "class Transitional(Manager):\n    \"\"\"Sends with a div template.\"\"\"\n\n"
                         "    def __init__(self, *args):\n        warnings.warn('Use Manager', RemovedInDjango60Warning)\n"
                         "        super().__init__(*args)\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/events.py", 13), (CODE, "app/events.py", 17),
                                                     (CODE, "app/events.py", 21), (CODE, "app/events.py", 25)}
    # Formatter, Named, Blank, Transitional


def test_two_empty_subclasses_with_names_of_their_own_next_to_their_base_are_type_tags(tmp_path: Path) -> None:
    # wagtail's LinkHandler and EmbedHandler(EntityHandler), pretix's ConfirmPaymentForm and ReactivateOrderForm,
    # superset's TagPostSchema and TagPutSchema: named variants declared beside their base; a version of the base's
    # name beside them (LegacyEntityHandler) is a name kept for old imports
    handlers = "class EntityHandler:\n    def expand(self):\n        return 1\n" \
               "\n\nclass LinkHandler(EntityHandler):\n    pass\n\n\nclass EmbedHandler(EntityHandler):\n    pass\n"
    write_project(tmp_path, {"app/__init__.py": "", "app/rich_text.py": handlers})
    assert triples(scan_project(tmp_path), CODE) == set()
    legacy = "\n\nclass LegacyEntityHandler(EntityHandler):\n    pass\n"
    write_project(tmp_path, {"app/rich_text.py": handlers + legacy})
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/rich_text.py", 14)}
    # the control: one empty subclass alone, even with a name of its own, is reported
    write_project(tmp_path, {"app/rich_text.py": handlers.rpartition("\n\nclass EmbedHandler")[0] + "\n"})
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/rich_text.py", 6)}


def test_an_empty_subclass_of_a_model_is_a_model_of_its_own(tmp_path: Path) -> None:
    # wagtail's `class Workflow(AbstractWorkflow): pass` (an abstract model on modelcluster's base, which the scan
    # cannot see into) and `class HomePage(Page): pass` (a django model: a table and a page type of its own)
    abstract = "from modelcluster.models import ClusterableModel\n\n\nclass AbstractWorkflow(ClusterableModel):\n" \
               "    def start(self):\n        return 1\n\n    class Meta:\n        abstract = True\n"
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/workflows.py": abstract + "\n\nclass Workflow(AbstractWorkflow):\n    pass\n",
        "app/pages.py": "from django.db import models\n\n\nclass Page(models.Model):\n    def serve(self):\n"
                        "        return 1\n\n\nclass HomePage(Page):\n    pass\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()
    # the controls: the same subclasses of a base that is no model
    write_project(tmp_path, {
        "app/workflows.py": abstract.replace("    class Meta:\n        abstract = True\n", "")
                            + "\n\nclass Workflow(AbstractWorkflow):\n    pass\n",
        "app/pages.py": "class Page:\n    def serve(self):\n        return 1\n\n\nclass HomePage(Page):\n    pass\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/workflows.py", 10), (CODE, "app/pages.py", 6)}
