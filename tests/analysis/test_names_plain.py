"""``Names`` counts the import paths of every class and function in plain dicts: the counts (and their order, which
breaks ties in ``public_name``) are exactly those of the plain definition, a ``Counter`` of (module imported from,
name imported) per target over the import sites that cross modules outside ``TYPE_CHECKING``."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.names import Names, Target
from tests.analysis.test_concepts_plain import EDGES, SAMPLE, _model
from tests.helpers import write_project

# Two paths to one class, used twice and three times, a self-import and a TYPE_CHECKING import that do not count.
PATHS = {
    "pkg/__init__.py": "from pkg.core import Engine\n",
    "pkg/core.py": "class Engine:\n    def run(self): pass\n\ndef make():\n    from pkg.core import Engine\n    return Engine()\n",
    "pkg/a.py": "from pkg import Engine\n",
    "pkg/b.py": "from pkg import Engine as Motor\n",
    "pkg/c.py": "from pkg.core import Engine\n",
    "pkg/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.core import Engine\n",
    "pkg/e.py": "import pkg.b\nfrom pkg import Engine\n",
}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ConceptModel]:
    paths = write_project(tmp_path_factory.mktemp("paths"), PATHS)
    edges = write_project(tmp_path_factory.mktemp("edges"), EDGES)
    return {"sample_repo": _model(SAMPLE), "edges": _model(edges), "paths": _model(paths)}


@pytest.mark.parametrize("name", ["sample_repo", "edges", "paths"])
def test_import_paths_are_the_plain_counts(models: dict[str, ConceptModel], name: str) -> None:
    model = models[name]
    names = Names(model.index, model.resolver, model.sites)
    expected: dict[Target, Counter[tuple[str, str]]] = defaultdict(Counter)
    for site in model.sites.sites:
        if site.importer != site.target.module and not site.type_checking:
            expected[site.target][(site.source, site.name)] += 1
    assert expected  # something counted
    assert list(names._paths) == list(expected)
    for target, counts in expected.items():
        assert list(names._paths[target].items()) == list(counts.items()), target


def test_import_paths_count_each_importer(models: dict[str, ConceptModel]) -> None:
    model = models["paths"]
    engine = next(v for v in model.roles.role if v.qualname == "Engine")
    assert dict(model.names._paths[engine]) == {("pkg.core", "Engine"): 2, ("pkg", "Engine"): 3}
    assert model.names.public_name(engine).dotted == "pkg.Engine"  # the most used path
