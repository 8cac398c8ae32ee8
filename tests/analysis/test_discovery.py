"""Discovery: which files are scanned, and the module name Python would import each one as."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis.discovery import SourceFile, assign_module_names, discover, is_test_path, names_after_changes
from ssot_audit.config import Config

from tests.helpers import scan_project, triples, write_project


def module_names(tmp_path: Path, files: dict[str, str], **config: object) -> dict[str, str]:
    """relpath -> module name, as the scan assigns them."""
    write_project(tmp_path, files)
    project = api.load_project(tmp_path, Config(**config), jobs=1)  # type: ignore[arg-type]
    return {info.relpath: name for name, info in project.index.modules.items()}


def test_namespace_package_between_regular_packages(tmp_path: Path) -> None:
    names = module_names(tmp_path, {
        "app/__init__.py": "",
        "app/plugins/chat/__init__.py": "",
        "app/plugins/chat/bot.py": "from app.plugins.chat import helpers\n",
        "app/plugins/chat/helpers.py": "",
    })  # fmt: skip
    assert names == {
        "app/__init__.py": "app",
        "app/plugins/chat/__init__.py": "app.plugins.chat",
        "app/plugins/chat/bot.py": "app.plugins.chat.bot",
        "app/plugins/chat/helpers.py": "app.plugins.chat.helpers",
    }


def test_namespace_package_at_the_top_is_kept_when_imported_that_way(tmp_path: Path) -> None:
    files = {"company/billing/__init__.py": "", "company/billing/api.py": "", "main.py": ""}
    names = module_names(tmp_path, {**files, "main.py": "from company.billing.api import charge\n"})
    assert names["company/billing/api.py"] == "company.billing.api"
    # Nobody imports "company": the regular package is the top level.
    assert module_names(tmp_path, files)["company/billing/api.py"] == "billing.api"


def test_src_layout(tmp_path: Path) -> None:
    names = module_names(tmp_path, {
        "src/pkg/__init__.py": "",
        "src/pkg/mod.py": "",
        "src/pkg/sub/__init__.py": "",
        "src/pkg/sub/deep.py": "",
        "setup.py": "",
    })  # fmt: skip
    assert names == {
        "src/pkg/__init__.py": "pkg",
        "src/pkg/mod.py": "pkg.mod",
        "src/pkg/sub/__init__.py": "pkg.sub",
        "src/pkg/sub/deep.py": "pkg.sub.deep",
        "setup.py": "setup",
    }


def test_two_top_level_packages_side_by_side(tmp_path: Path) -> None:
    names = module_names(tmp_path, {
        "projects/alpha/__init__.py": "",
        "projects/alpha/core.py": "",
        "projects/beta/__init__.py": "",
        "projects/beta/core.py": "from alpha.core import thing\n",
    })  # fmt: skip
    assert names == {
        "projects/alpha/__init__.py": "alpha",
        "projects/alpha/core.py": "alpha.core",
        "projects/beta/__init__.py": "beta",
        "projects/beta/core.py": "beta.core",
    }


MONOREPO = {
    "services/a/app/__init__.py": "",
    "services/a/app/util.py": "def helper():\n    return 1\n",
    "services/a/app/main.py": "from app.util import helper\n\nasync def run():\n    await helper()\n",
    "services/b/app/__init__.py": "",
    "services/b/app/util.py": "async def helper():\n    return 1\n",
    "services/b/app/main.py": "from app.util import helper\nimport app.util\n\nasync def run():\n    await helper()\n"
    "    await app.util.helper()\n",
    "services/b/app/extra.py": "",
}


@pytest.mark.parametrize("roots", [(), ("services/a", "services/b")])
def test_monorepo_services_with_the_same_package_name(tmp_path: Path, roots: tuple[str, ...]) -> None:
    names = module_names(tmp_path, MONOREPO, roots=roots)
    assert names == {
        "services/a/app/__init__.py": "app",
        "services/a/app/util.py": "app.util",
        "services/a/app/main.py": "app.main",
        "services/b/app/__init__.py": "app#2",
        "services/b/app/util.py": "app#2.util",
        "services/b/app/main.py": "app#2.main",
        "services/b/app/extra.py": "app#2.extra",
    }
    # Each service's absolute imports reach its own package: only service a awaits a plain def.
    result = scan_project(tmp_path, {"roots": list(roots)} if roots else None)
    assert triples(result, "SSOT401") == {("SSOT401", "services/a/app/main.py", 4)}


def test_default_excludes(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        ".venv/lib/site.py": "",
        "venv/x.py": "",
        "node_modules/pkg/x.py": "",
        "build/lib/app/__init__.py": "",
        "dist/x.py": "",
        "app/__pycache__/x.py": "",
        "pkg.egg-info/x.py": "",
        ".git/hooks/x.py": "",
        "app/build/__init__.py": "",
        "app/build/steps.py": "",
    })  # fmt: skip
    # build/ and dist/ are build output, unless they are one of the project's packages.
    assert [f.relpath for f in discover(tmp_path)] == ["app/__init__.py", "app/build/__init__.py", "app/build/steps.py"]


def test_exclude_globs_on_names_and_paths(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/generated_pb2.py": "",
        "legacy/old.py": "",
        "legacy2/kept.py": "",
        "app/legacy/kept_too.py": "",
    })  # fmt: skip
    # A bare name matches that name at any depth; a path glob matches repo-relative paths.
    found = [f.relpath for f in discover(tmp_path, excludes=["*_pb2.py", "legacy"])]
    assert found == ["app/__init__.py", "legacy2/kept.py"]
    assert [f.relpath for f in discover(tmp_path, excludes=["legacy/*"])] == [
        "app/__init__.py",
        "app/generated_pb2.py",
        "app/legacy/kept_too.py",
        "legacy2/kept.py",
    ]


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("tests/test_x.py", True),
        ("app/tests/helpers.py", True),
        ("test/x.py", True),
        ("app/test_models.py", True),
        ("app/models_test.py", True),
        ("conftest.py", True),
        ("app/testing.py", False),
        ("app/contest.py", False),
        ("app/latest/x.py", False),
        ("app/attest_test_data.py", False),
    ],
)
def test_test_file_detection(relpath: str, expected: bool) -> None:
    assert is_test_path(relpath) is expected


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/mod.py": ""})
    (tmp_path / "app" / "loop").symlink_to(tmp_path / "app", target_is_directory=True)
    (tmp_path / "alias").symlink_to(tmp_path / "app", target_is_directory=True)
    assert [f.relpath for f in discover(tmp_path)] == ["app/__init__.py", "app/mod.py"]


def test_single_file_scan(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/mod.py": ""})
    (found,) = discover(tmp_path / "app" / "mod.py")
    assert (found.relpath, found.candidates) == ("mod.py", ("app.mod",))


def test_unlistable_directories_and_broken_symlinks_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/locked/inner.py": "",
        "app/ok.py": "",
        "tests/locked/test_x.py": "",
    })  # fmt: skip
    (tmp_path / "app" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "app" / "dir_link.py").symlink_to(tmp_path / "app" / "locked", target_is_directory=True)
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    errors: list[tuple[str, str]] = []
    assert [f.relpath for f in discover(tmp_path, errors=errors)] == ["app/__init__.py", "app/ok.py"]
    assert errors == [
        ("app/gone.py", "cannot read file: broken symbolic link"),
        ("app/locked", "cannot list directory: Permission denied"),
        ("tests/locked", "cannot list directory: Permission denied"),
    ]
    result = scan_project(tmp_path)
    assert triples(result, "SSOT900") == {
        ("SSOT900", "app/gone.py", 1),
        ("SSOT900", "app/locked", 1),
        ("SSOT900", "tests/locked", 1),
    }
    assert [f.in_tests for f in result.findings if f.code == "SSOT900"] == [False, False, True]
    result = scan_project(tmp_path, {"paths": ["app"]})
    assert triples(result, "SSOT900") == {("SSOT900", "app/gone.py", 1), ("SSOT900", "app/locked", 1)}


@pytest.mark.parametrize("exclude", ["app/legacy/*", "app/legacy", "legacy", "legacy/", "./app/legacy/"])
def test_exclude_globs_are_repo_relative_when_paths_are_set(tmp_path: Path, exclude: str) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/legacy/__init__.py": "",
        "app/legacy/old.py": "",
        "app/new.py": "",
        "tools/run.py": "",
    })  # fmt: skip
    for paths in (["."], ["app"], ["app", "tools"]):
        config = Config(paths=tuple(paths), exclude=(exclude,))
        project = api.load_project(tmp_path, config, jobs=1)
        scanned = sorted(info.relpath for info in project.index.modules.values())
        expected = ["app/__init__.py", "app/new.py"] + (["tools/run.py"] if paths != ["app"] else [])
        assert scanned == expected, paths


_LAYOUT = (  # directories a random tree's files go in: packages, a namespace directory, two roots of one package
    "app", "app/sub", "services/a/app", "services/b/app", "services/b/app/core", "lib", "plain", "", "tools#x")


def test_names_after_changes_are_the_names_chosen_again(tmp_path: Path) -> None:
    """``names_after_changes`` gives what ``assign_module_names`` gives for the new files, or None: random trees of
    packages, a namespace directory, a package under two roots (tagged), files named as a package beside it (two
    files, one name: suffixed) and a name with ``#``; random files added and removed, many times over."""
    served = refused = 0
    for seed in range(30):
        served, refused = _names_after_changes_of(tmp_path / f"proj{seed}", random.Random(seed), served, refused)
    assert served > 30 and refused > 30


def _names_after_changes_of(root: Path, rng: random.Random, served: int, refused: int) -> tuple[int, int]:
    for directory in ("app", "app/sub", "services/a/app", "services/b/app", "services/b/app/core", "lib"):
        write_project(root, {f"{directory}/__init__.py": ""})
    imported = rng.choice([{"app", "lib"}, {"app"}, {"core", "app"}, set()])
    for _ in range(12):
        for _ in range(rng.randint(1, 3)):  # files added
            directory = rng.choice(_LAYOUT)
            name = rng.choice(["m1", "m2", "m3", "app", "sub", "lib", "x"])
            write_project(root, {f"{directory}/{name}.py".lstrip("/"): "X = 1\n"})
        before = discover(root)
        kept = assign_module_names(before, imported)
        paths = [f.relpath for f in before if not f.relpath.endswith("__init__.py")]
        gone = set(rng.sample(paths, min(len(paths), rng.randint(0, 2))))
        for relpath in gone:
            (root / relpath).unlink()
        for _ in range(rng.randint(0, 2)):
            directory = rng.choice(_LAYOUT)
            write_project(root, {f"{directory}/n{rng.randrange(4)}.py".lstrip("/"): "Y = 2\n"})
        after = discover(root)
        if [f for f in before if f.relpath not in gone] != [f for f in after if f.relpath in kept]:
            continue  # a kept file's name candidates changed (a package came or went): not this function's case
        added = [f for f in after if f.relpath not in kept]
        names = names_after_changes(kept, added, gone, imported)
        refused += names is None
        if names is not None:
            served += 1
            assert names == assign_module_names(after, imported), (sorted(gone), [f.relpath for f in added])
    return served, refused


def test_names_after_changes_refuses_a_clash(tmp_path: Path) -> None:
    files = [SourceFile(f"/r/{rel}", rel, (name,), False, False) for rel, name in
             (("a/m.py", "m"), ("b/x.py", "x"), ("svc1/app/y.py", "app.y"), ("svc2/app/y.py", "app#2.y"))]  # fmt: skip
    kept = {f.relpath: f.candidates[0] for f in files}
    clash = SourceFile("/r/c/m.py", "c/m.py", ("m",), False, False)
    fresh = SourceFile("/r/c/z.py", "c/z.py", ("z",), False, False)
    tagged = SourceFile("/r/svc1/app/w.py", "svc1/app/w.py", ("app.w",), False, False)
    assert names_after_changes(kept, [clash], (), ()) is None  # one name for two files: tags and suffixes change
    assert names_after_changes(kept, [tagged], (), ()) is None  # under a tagged top-level name
    assert names_after_changes(kept, [], ("svc2/app/y.py",), ()) is None  # a tagged file removed
    assert names_after_changes(kept, [fresh], ("b/x.py",), ()) == {
        "a/m.py": "m", "svc1/app/y.py": "app.y", "svc2/app/y.py": "app#2.y", "c/z.py": "z"}
