"""``MemberLookup.base_classes`` reads the bases the MRO was worked out from (kept when resolved outside any other
query) instead of resolving them again: on several projects, every class's answer is what resolving its bases again
(the plain definition, kept here) gives, and the kept bases are what the MROs were built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import ClassValue, Value
from ssot_audit.config import Config
from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"

EDGES = {
    "pkg/__init__.py": "from pkg.base import Base as PublicBase\n",
    "pkg/base.py": """
        import abc
        from typing import Generic, TypeVar
        T = TypeVar("T")

        class Base(abc.ABC):
            class Inner:
                def run(self): pass

        class Mid(Base, Generic[T]):
            pass

        class FromInner(Base.Inner):  # a base that is a member of another class
            pass

        class Later(Mid.Inner, Base):  # a member found along another class's MRO
            pass
    """,
    "pkg/cycle.py": """
        from pkg import cycle_b

        class A(cycle_b.B):
            pass
    """,
    "pkg/cycle_b.py": """
        from pkg import cycle

        class B(cycle.A):
            pass

        class C(B.Missing):  # looked up along a cycle
            pass
    """,
    "pkg/choice.py": """
        try:
            from pkg.base import Base as Impl
        except ImportError:
            from pkg.base import Mid as Impl

        if Impl:
            class Either(Impl):  # two candidates for one base: sorted
                pass
        def make():
            class Local(Impl):  # a function-local class
                pass
            return Local
    """,
    "pkg/sub.py": """
        from pkg import PublicBase
        import pkg.base as b

        class Sub(PublicBase):
            pass

        class Twice(b.Mid, b.FromInner, b.Later):
            pass

        class Self(Sub):
            class Nested(Sub):
                pass
    """,
}


def plain_base_classes(resolver: Resolver, cls: ClassValue) -> list[ClassValue]:
    """The project classes ``cls`` names as its bases, each base expression resolved again."""
    fact = resolver.index.find_class(cls.module, cls.qualname)
    if fact is None:
        return []
    values: list[Value] = []
    for base in fact.bases:
        values.extend(sorted(resolver.resolve_expr(cls.module, fact.scope, base), key=repr))
    return [v for v in values if isinstance(v, ClassValue) and v != cls]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    monorepo = tmp_path_factory.mktemp("monorepo") / "tree"
    generate(monorepo, files=260, seed=11)
    return {"sample_repo": SAMPLE, "edges": write_project(tmp_path_factory.mktemp("edges"), EDGES),
            "monorepo": monorepo}  # fmt: skip


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_base_classes_are_the_plain_definition(projects: dict[str, Path], name: str) -> None:
    loaded = api.load_project(projects[name], Config(), jobs=1)  # Roles has asked every class's bases
    resolver = loaded.concepts.resolver
    classes = [ClassValue(info.name, cls.qualname) for info, cls in loaded.index.iter_classes()]
    kept = [v for v in classes if v in resolver._bases]
    assert len(kept) * 2 > len(classes)  # most answers come from the kept bases
    answers = {v: resolver.base_classes(v) for v in classes}
    for value in classes:
        assert answers[value] == plain_base_classes(resolver, value), value
    again = {v: resolver.base_classes(v) for v in classes}  # asked twice (the roles, then the kept snapshot)
    assert again == answers
    fresh = Resolver(loaded.index)  # nothing memoised: the other order of work
    for value in classes:
        assert fresh.base_classes(value) == answers[value], value


@pytest.mark.parametrize("name", ["sample_repo", "edges", "monorepo"])
def test_kept_bases_are_what_the_mro_was_built_from(projects: dict[str, Path], name: str) -> None:
    loaded = api.load_project(projects[name], Config(), jobs=1)
    resolver = loaded.concepts.resolver
    for value, bases in resolver._bases.items():
        mro = resolver.mro(value)
        for base in bases:
            assert base == value or base in mro, (value, base)


def test_a_class_that_names_itself_as_a_base_is_left_out_of_its_bases(tmp_path: Path) -> None:
    """``class Loop(Loop, Base)`` resolves its first base to itself (an equal value, not the same object):
    ``base_classes`` leaves it out, as the plain definition does, and keeps the others."""
    source = "class Base:\n    pass\n\n\nclass Loop(Loop, Base):\n    pass\n"
    root = write_project(tmp_path, {"app/__init__.py": "", "app/loop.py": source})
    resolver = api.load_project(root, Config(), jobs=1).concepts.resolver
    loop = ClassValue("app.loop", "Loop")
    assert loop in resolver.direct_bases(loop)  # it does name itself
    assert resolver.base_classes(loop) == [ClassValue("app.loop", "Base")] == plain_base_classes(resolver, loop)
