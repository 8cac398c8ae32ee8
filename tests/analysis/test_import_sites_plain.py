"""``ImportSites`` walks every import of the project with shortcuts (the importer-independent answer per source and
name worked out once, sites made with ``tuple.__new__``, candidates sorted only when there are several): on
sample_repo, a generated monorepo, the incremental project and a project with tagged roots, relative imports and
conditional bindings, its sites (in order, with their types) and its index by target are the plain definition's,
kept here."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ImportSite, ImportSites, _type_checking_only
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.config import Config
from tests.helpers import incremental_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"

EDGES = {
    "pkg/__init__.py": "from .a import A, make\nfrom pkg.b import *\n",
    "pkg/a.py": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from pkg.b import B
        try:
            from pkg.b import Fast as Impl
        except ImportError:
            from pkg.c import Slow as Impl
        class A:
            pass
        def make():
            from . import b
            from .c import Slow
            return Slow()
    """,
    "pkg/b.py": "class B:\n    pass\nclass Fast:\n    pass\n",
    "pkg/c.py": "from pkg.a import A as Alias, Impl\nfrom pkg import A, make\nclass Slow:\n    pass\n",
    "pkg/d.py": "from pkg.a import B\nif B:\n    Either = B\nelse:\n    from pkg.b import Fast as Either\n",
    "pkg/e.py": "from pkg.d import Either\nfrom os import path\nimport pkg.b\n",
    # a second source root with the same top-level package (tagged ``app#2``): imports reach their own root
    "one/app/__init__.py": "",
    "one/app/core.py": "from app.util import helper\n",
    "one/app/util.py": "def helper():\n    pass\n",
    "two/app/__init__.py": "",
    "two/app/core.py": "from app.util import helper\n",
    "two/app/util.py": "def helper():\n    pass\n",
}


def plain_sites(index: ProjectIndex, resolver: Resolver) -> tuple[list[ImportSite], dict[object, list[ImportSite]]]:
    """Every import of a name, each resolved on its own: one site per module-level project class or function it
    reaches (by repr), in module and import order."""
    sites: list[ImportSite] = []
    by_target: dict[object, list[ImportSite]] = defaultdict(list)
    for info in index.iter_modules():
        for imp in info.facts.imports:
            if imp.name is None or imp.name == "*":
                continue
            source = index.absolute_import_module(info.name, imp)
            targets = sorted((v for v in resolver.module_attr(source, imp.name)
                              if isinstance(v, ClassValue | FunctionValue) and "." not in v.qualname), key=repr)  # fmt: skip
            checking_only = bool(targets) and _type_checking_only(index, source, imp.name)
            for value in targets:
                site = ImportSite(importer=info.name, line=imp.line, col=imp.col, source=source, name=imp.name,
                                  bound=imp.bound, target=value, scope=imp.scope, type_checking=imp.type_checking,
                                  runtime=not imp.type_checking and not checking_only)  # fmt: skip
                sites.append(site)
                by_target[value].append(site)
    return sites, dict(by_target)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    monorepo = tmp_path_factory.mktemp("monorepo") / "tree"
    generate(monorepo, files=260, seed=5)
    return {"sample_repo": SAMPLE, "monorepo": monorepo,
            "incremental": write_project(tmp_path_factory.mktemp("incremental"), incremental_project()),
            "edges": write_project(tmp_path_factory.mktemp("edges"), EDGES)}  # fmt: skip


@pytest.mark.parametrize("name", ["sample_repo", "monorepo", "incremental", "edges"])
def test_import_sites_are_the_plain_definition(projects: dict[str, Path], name: str) -> None:
    loaded = api.load_project(projects[name], Config(), jobs=1)
    found = ImportSites(loaded.index, Resolver(loaded.index))  # a fresh resolver: nothing asked before
    sites, by_target = plain_sites(loaded.index, Resolver(loaded.index))
    assert len(sites) > 3
    assert list(found.sites) == sites
    assert all(type(site) is ImportSite for site in found.sites)
    assert [site._asdict() for site in found.sites] == [site._asdict() for site in sites]  # field by field
    assert {t: found.find_sites(t) for t in by_target} == {t: tuple(s) for t, s in by_target.items()}
    assert found._by_target.keys() == by_target.keys()
