"""The heads a full scan keeps (``analysis.kept_heads``): the lazy load after calls-only edits reads the payload heads
of the changed files alone, and gives what reading every head from the packs gives (``project.load_lazy`` without
the entry) and what an eager load gives; a damaged, stale or foreign entry is a miss, never a wrong answer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit import project as loading
from ssot_audit.analysis import kept_heads, loader
from ssot_audit.analysis.discovery import SourceFile
from ssot_audit.analysis.walkcache import Walk
from ssot_audit.analysis.loader import PayloadCache
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.config import Config

from tests.helpers import incremental_project, scanned_tree, write_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
EXTRA = {  # what a head carries besides facts: suppressions, a parse failure, a test file
    "pkg/quiet.py": "from pkg.m1 import get_1\n\n\nasync def go():\n    await get_1()  # ssot: ignore[SSOT401]\n",
    "pkg/broken.py": "def g(:\n    pass\n",
    "tests/test_m.py": "from pkg.m1 import get_1\n\n\ndef test_it():\n    assert get_1()\n",
}
# calls-only edits of the generated project: one adding a suppression comment, one to the file that failed to
# parse (it still fails), one to a test file; each a call added to a function body
EDITS = {
    "suppression": ("pkg/quiet.py", "    await get_1()  # ssot: ignore[SSOT401]\n",
                    "    await get_1()  # ssot: ignore[SSOT401]\n    print(1)  # ssot: ignore[SSOT999]\n"),
    "failed": ("pkg/broken.py", "    pass\n", "    print(2)\n"),
    "test file": ("tests/test_m.py", "    assert get_1()\n", "    print(3)\n    assert get_1()\n"),
}


def _tree(root: Path, cache: Path) -> tuple[loading.Walk, TreeCache]:
    found, tree = loading.walk_tree(root, Config(), loading.scope_key(root, Config(), api.ALL_RULES), cache)
    assert tree is not None
    tree.load_payloads()
    return found, tree


@pytest.fixture
def heads_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files whose payload head the loads of the test read from the packs."""
    read: list[str] = []
    original = PayloadCache.head

    def counted(self: PayloadCache, relpath: str, *args: object) -> object:
        read.append(relpath)
        return original(self, relpath, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PayloadCache, "head", counted)
    yield read


def _loads(root: Path, cache: Path) -> tuple[loading.LoadedFiles, loading.LoadedFiles]:
    """The lazy load with the kept heads, and without them (every head read from the packs: the plain definition)."""
    found, tree = _tree(root, cache)
    with_kept = loading.load_lazy(root, Config(), found, tree=tree, started=0.0)
    found, tree = _tree(root, cache)
    kept = tree.load_kept(kept_heads.NAME)
    tree.save_kept(kept_heads.NAME, {})  # a miss
    without = loading.load_lazy(root, Config(), found, tree=tree, started=0.0)
    tree.save_kept(kept_heads.NAME, kept)
    return with_kept, without


def _fields(loaded: loading.LoadedFiles) -> tuple[object, ...]:
    return (loaded.names, loaded.files, loaded.lines, loaded.suppressions, loaded.failures, loaded.paths,
            loaded.notes, [(i.name, i.relpath, i.is_package, i.is_test) for i in loaded.index.iter_modules()])  # fmt: skip


def _assert_equal_loads(root: Path, cache: Path, heads_read: list[str], changed: set[str]) -> None:
    """The load from kept heads equals the load from the packs' heads and the eager load; it read the heads of
    ``changed`` alone."""
    heads_read.clear()
    with_kept, without = _loads(root, cache)
    assert set(heads_read[: len(heads_read) - len(with_kept.paths)]) == changed  # the kept load came first
    eager = api.load_project(root, Config(), jobs=1)
    assert _fields(with_kept) == _fields(without)
    assert _fields(with_kept)[1:] == (eager.files, eager.lines, eager.suppressions, eager.failures, eager.paths,
                                      eager.notes, _fields(without)[-1])  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:  # every module's facts come from the packs, none analysed again
        patch.setattr(loader, "analyze_to_blob", _no_analysis)
        assert [i.facts for i in with_kept.index.iter_modules()] == [i.facts for i in eager.index.iter_modules()]


def _no_analysis(*args: object) -> object:
    raise AssertionError(f"analysed again: {args}")


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_after_a_calls_only_edit_only_the_changed_head_is_read(tmp_path: Path, heads_read: list[str], edit: str) -> None:
    root, cache = scanned_tree(tmp_path, {**incremental_project(), **EXTRA})
    path, old, new = EDITS[edit]
    text = (root / path).read_text()
    assert old in text
    (root / path).write_text(text.replace(old, new, 1))
    _assert_equal_loads(root, cache, heads_read, {path})


def test_sample_repo_after_edits(tmp_path: Path, heads_read: list[str]) -> None:
    root = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, root)
    api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    _assert_equal_loads(root, tmp_path / "cache", heads_read, set())  # nothing changed: no head read
    edited = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py") if p.stat().st_size)[:3]
    for rel in edited:
        (root / rel).write_text((root / rel).read_text() + "\n# edited\n")
    _assert_equal_loads(root, tmp_path / "cache", heads_read, set(edited))


def test_names_are_chosen_again_when_the_imported_names_change(tmp_path: Path, heads_read: list[str]) -> None:
    """``lib/pkg`` is named ``lib.pkg`` while only ``lib`` is imported, ``pkg`` once ``pkg`` is: kept names for the
    old imports would be wrong."""
    files = {"lib/pkg/__init__.py": "", "lib/pkg/mod.py": "X = 1\n", "user.py": "import lib.pkg.mod\n"}
    root, cache = scanned_tree(tmp_path, files)
    (root / "user.py").write_text("import pkg.mod\n")
    _assert_equal_loads(root, cache, heads_read, {"user.py"})
    assert _loads(root, cache)[0].names["lib/pkg/mod.py"] == "pkg.mod"


def test_a_foreign_entry_serves_rows_but_not_names(tmp_path: Path, heads_read: list[str]) -> None:
    """An entry kept for other files (a scan of the tree before a file was added, written back): its rows are still
    right by content hash, its names are not taken."""
    root, cache = scanned_tree(tmp_path)
    old = {name: _tree(root, cache)[1].load_kept(name) for name in (kept_heads.NAME, kept_heads.NAMES)}
    write_project(root, {"pkg/extra.py": "from pkg.m1 import get_1\n"})
    api.scan_tree(root, Config(), jobs=1, cache_dir=cache)
    for name, kept in old.items():
        _tree(root, cache)[1].save_kept(name, kept)
    _assert_equal_loads(root, cache, heads_read, {"pkg/extra.py"})


def test_names_after_a_file_added_or_removed_come_from_kept_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file added (or removed) since the kept names: the lazy load chooses no name (``names_after_changes``), and
    its names are an eager load's."""
    root, cache = scanned_tree(tmp_path)
    for change in ("added", "removed"):
        if change == "added":
            write_project(root, {"pkg/extra.py": "from pkg.m1 import get_1\n"})
        else:
            (root / "pkg/m2.py").unlink()
        eager = {i.relpath: i.name for i in api.load_project(root, Config(), jobs=1).index.iter_modules()}
        found, tree = _tree(root, cache)
        expected = (("pkg/extra.py",), []) if change == "added" else ((), ["pkg/m2.py"])
        assert (tree.added, list(tree.removed)) == expected
        with monkeypatch.context() as patch:
            patch.setattr(loading, "assign_module_names", _no_analysis)
            assert loading.load_lazy(root, Config(), found, tree=tree, started=0.0).names == eager
        api.scan_tree(root, Config(), jobs=1, cache_dir=cache)


def test_names_chosen_again_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan that chose the names again (a file added since they were kept) keeps them: the scan after it chooses
    none, and its names are those of a load that chooses them."""
    root, cache = scanned_tree(tmp_path)
    write_project(root, {"pkg/extra.py": "from pkg.m1 import get_1\n"})
    found, tree = _tree(root, cache)
    assert kept_heads.read_names(tree.load_kept(kept_heads.NAMES)).names_for(found, frozenset({"pkg"})) is None
    chosen = loading.load_lazy(root, Config(), found, tree=tree, started=0.0).names
    assert chosen["pkg/extra.py"] == "pkg.extra"
    assert chosen == {i.relpath: i.name for i in api.load_project(root, Config(), jobs=1).index.iter_modules()}
    monkeypatch.setattr(loading, "assign_module_names", _no_analysis)
    found, tree = _tree(root, cache)
    assert loading.load_lazy(root, Config(), found, tree=tree, started=0.0).names == chosen


def test_a_damaged_entry_is_a_miss(tmp_path: Path, heads_read: list[str]) -> None:
    root, cache = scanned_tree(tmp_path)
    entries = list(cache.rglob("kept-*.bin"))
    assert entries
    for entry in entries:  # every kept entry damaged in its body: each fails its checksum
        data = bytearray(entry.read_bytes())
        data[-5] ^= 0x01
        entry.write_bytes(bytes(data))
    found, tree = _tree(root, cache)
    assert kept_heads.read(tree.load_kept(kept_heads.NAME)) is None
    heads_read.clear()
    loaded = loading.load_lazy(root, Config(), found, tree=tree, started=0.0)
    assert sorted(heads_read) == sorted(loaded.paths)  # every head read from the packs
    eager = api.load_project(root, Config(), jobs=1)
    assert (loaded.names, loaded.lines) == ({i.relpath: i.name for i in eager.index.iter_modules()}, eager.lines)


def test_names_for_checks_both_inputs() -> None:
    files = [SourceFile("/r/a.py", "a.py", ("a",), False, False)]
    found = Walk(files, [], [], {}, "files-1")
    kept = kept_heads.KeptNames("files-1", frozenset({"os"}), ["a"])
    assert kept.names_for(found, frozenset({"os"})) == {"a.py": "a"}
    assert kept.names_for(found, frozenset({"os", "sys"})) is None  # other imported names
    assert kept.names_for(Walk(files, [], [], {}, "files-2"), frozenset({"os"})) is None  # other files
    assert kept.names_for(Walk(files, [], [], {}), frozenset({"os"})) is None  # files of no known digest
    unknown = kept_heads.KeptNames("", frozenset({"os"}), ["a"])
    assert unknown.names_for(Walk(files, [], [], {}), frozenset({"os"})) is None


def test_a_new_walk_finding_the_same_files_serves_the_kept_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The names are keyed on the files' digest, not on one walk: a directory touched (the walk is made again) still
    finds them; a file renamed is worked out from them (``names_after_changes``); a package made a namespace
    directory (every name candidate below it changes) is not."""
    root, cache = scanned_tree(tmp_path)
    (root / "pkg/scratch.txt").write_text("x")
    (root / "pkg/scratch.txt").unlink()  # the directory's stamps change: walked again, the same files found
    expected = _loads(root, cache)[1].names
    monkeypatch.setattr(loading, "assign_module_names", _no_analysis)
    found, tree = _tree(root, cache)
    assert loading.load_lazy(root, Config(), found, tree=tree, started=0.0).names == expected
    (root / "pkg/m3.py").rename(root / "pkg/m33.py")
    found, tree = _tree(root, cache)
    names = loading.load_lazy(root, Config(), found, tree=tree, started=0.0).names
    assert names == {**{path: name for path, name in expected.items() if path != "pkg/m3.py"}, "pkg/m33.py": "pkg.m33"}
    monkeypatch.undo()
    api.scan_tree(root, Config(), jobs=1, cache_dir=cache)
    monkeypatch.setattr(loading, "assign_module_names", _no_analysis)
    (root / "pkg/__init__.py").unlink()
    found, tree = _tree(root, cache)
    with pytest.raises(AssertionError, match="analysed again"):  # other candidates: the names are chosen again
        loading.load_lazy(root, Config(), found, tree=tree, started=0.0)
