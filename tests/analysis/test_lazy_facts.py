"""A project loaded lazily (``project.load_lazy``): every module's facts read from the packs only when first asked
for, each file's line count, suppressions, failure and imported names from its payload's head alone. It must give
the answers an eagerly loaded project gives; a damaged facts blob is a miss the scan recovers from; a payload of
the old layout is never read as one of this layout."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit import project as loading
from ssot_audit.analysis import kept_heads, state
from ssot_audit.analysis.index import LazyModuleInfo
from ssot_audit.analysis.loader import analyze_bytes, outcome_of_blob
from ssot_audit.analysis.payload import FactsUnavailable, read_head
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.walkcache import Walk
from ssot_audit.config import Config
from ssot_audit.reporters import REPORTERS

from tests.helpers import incremental_project, scanned_tree, write_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
# the generated project, with what a payload's head carries besides facts: suppressions, a parse failure
EXTRA = {
    "pkg/quiet.py": "from pkg.m1 import get_1\n\n\nasync def go():\n    await get_1()  # ssot: ignore[SSOT401]\n"
                    "# ssot: file-ignore[SSOT102]\n",
    "pkg/broken.py": "def g(:\n    pass\n",
}


def _tree(root: Path, cache: Path) -> tuple[Walk, TreeCache]:
    """The walk and tree cache of a scan of ``root`` after a scan filled ``cache``, packs read."""
    found, tree = loading.walk_tree(root, Config(), loading.scope_key(root, Config(), api.ALL_RULES), cache)
    assert tree is not None
    tree.load_payloads()
    return found, tree


def _lazy(root: Path, cache: Path) -> loading.LoadedFiles:
    found, tree = _tree(root, cache)
    return loading.load_lazy(root, Config(), found, tree=tree, started=0.0)


def _json(project: loading.Project) -> str:
    return REPORTERS["json"](api.audit(project))


@pytest.fixture(params=["sample_repo", "generated"])
def scanned(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """A tree scanned once into a cache (its packs hold every file's payload): sample_repo, or the generated
    project of the incremental tests."""
    if request.param == "generated":
        return scanned_tree(tmp_path, {**incremental_project(), **EXTRA})
    root = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, root)
    api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    return root, tmp_path / "cache"


def test_a_lazy_project_audits_as_an_eager_one(scanned: tuple[Path, Path]) -> None:
    root, cache = scanned
    eager = api.load_project(root, Config(), jobs=1)
    loaded = _lazy(root, cache)
    assert loaded.index.loaded_count() == 0  # names, lines, suppressions, failures: no module's facts read
    assert all(isinstance(info, LazyModuleInfo) for info in loaded.index.iter_modules())
    assert (loaded.files, loaded.lines, loaded.failures, loaded.paths, loaded.notes) == (
        eager.files, eager.lines, eager.failures, eager.paths, eager.notes)  # fmt: skip
    assert loaded.suppressions == eager.suppressions and list(loaded.index.modules) == list(eager.index.modules)
    if (root / "pkg/quiet.py").exists():  # the generated project: suppressions and a failure to compare
        assert set(loaded.suppressions) == {"pkg/quiet.py"} and [f.relpath for f in loaded.failures] == ["pkg/broken.py"]
    project = loading.built_project(loaded, root, Config(), tree=None)
    assert _json(project) == _json(eager)
    assert loaded.index.loaded_modules() == list(eager.index.modules)  # building the whole program read every one
    assert list(loaded.index.iter_modules()) == list(eager.index.iter_modules())  # equal to eager ModuleInfos


def test_reading_one_module_loads_that_module_only(tmp_path: Path) -> None:
    root, cache = scanned_tree(tmp_path)
    eager = api.load_project(root, Config(), jobs=1)
    loaded = _lazy(root, cache)
    info = loaded.index.get_module("pkg.m3")
    assert (info.name, info.relpath, info.is_package, info.is_test) == ("pkg.m3", "pkg/m3.py", False, False)
    assert loaded.index.loaded_modules() == []  # the name, file and flags are not the facts
    assert info.facts == eager.index.get_module("pkg.m3").facts
    assert info.facts is info.facts  # read once, then kept
    assert loaded.index.loaded_modules() == ["pkg.m3"] and loaded.index.loaded_count() == 1
    assert pickle.loads(pickle.dumps(info)) == eager.index.get_module("pkg.m3")


def _flip_in_pack(tree: TreeCache, relpath: str, *, from_end: int) -> None:
    """Flip one byte of ``relpath``'s payload in its pack, ``from_end`` bytes before the payload's end."""
    key = tree.payloads.hashes[relpath]
    payload = tree.store.find_blobs(tree.packs, [key])[key]
    for pack in tree.packs:
        path = tree.store.directory / pack
        data = bytearray(path.read_bytes())
        at = bytes(data).find(payload)
        if at > 0:
            data[at + len(payload) - from_end] ^= 0x01
            path.write_bytes(bytes(data))
            return
    raise AssertionError(f"{relpath}'s payload is in no pack")


def test_damaged_facts_are_a_miss_the_scan_recovers_from(tmp_path: Path) -> None:
    root, cache = scanned_tree(tmp_path)
    eager = api.load_project(root, Config(), jobs=1)
    _flip_in_pack(_tree(root, cache)[1], "pkg/m3.py", from_end=20)  # in the facts: the head's own CRC holds
    found, tree = _tree(root, cache)
    loaded = loading.load_lazy(root, Config(), found, tree=tree, started=0.0)
    assert loaded.index.loaded_count() == 0  # the damage is not seen before the facts are read
    key = tree.payloads.hashes["pkg/m3.py"]
    assert key in tree.payloads.stored
    assert loaded.index.get_module("pkg.m3").facts == eager.index.get_module("pkg.m3").facts  # analysed again
    assert key not in tree.payloads.stored  # dropped: compaction never copies it, the new pack holds the new one
    tree.save(None)
    found, tree = _tree(root, cache)
    new = read_head(tree.payloads.blobs[key][1])
    assert new is not None and state.open_blob(tree.payloads.blobs[key]) is not None  # the entry written again
    assert _json(loading.built_project(loading.load_lazy(root, Config(), found, tree=tree, started=0.0), root,
                                       Config(), tree=None)) == _json(eager)  # fmt: skip


def test_damaged_facts_of_a_file_changed_since_are_unavailable(tmp_path: Path) -> None:
    root, cache = scanned_tree(tmp_path)
    _flip_in_pack(_tree(root, cache)[1], "pkg/m3.py", from_end=20)
    loaded = _lazy(root, cache)
    (root / "pkg/m3.py").write_text("x = 1\n")  # after the walk hashed it: its facts cannot be had any more
    with pytest.raises(FactsUnavailable, match="changed since"):
        loaded.index.get_module("pkg.m3").facts  # noqa: B018 - reading is the test


@pytest.mark.parametrize("kept", [True, False])
def test_a_damaged_head_is_a_miss_analysed_at_load(tmp_path: Path, kept: bool) -> None:
    """Without kept heads, the damaged head is seen at load and the file analysed then; with them (the head is not
    read at load), when the facts are read."""
    root, cache = scanned_tree(tmp_path)
    if not kept:
        _tree(root, cache)[1].save_kept(kept_heads.NAME, {})
    eager = api.load_project(root, Config(), jobs=1)
    key = _tree(root, cache)[1].payloads.hashes["pkg/m3.py"]
    tree = _tree(root, cache)[1]
    payload = tree.store.find_blobs(tree.packs, [key])[key]
    head = read_head(payload)
    assert head is not None and head[0].line_digest
    # a bit of the line digest, in the pickled head: it still unpickles, to a digest of the right shape
    at = payload.index(head[0].line_digest) + len(head[0].line_digest) // 2
    _flip_in_pack(tree, "pkg/m3.py", from_end=len(payload) - at)
    loaded = _lazy(root, cache)
    assert loaded.index.loaded_modules() == ([] if kept else ["pkg.m3"])  # analysed in place of the damaged entry
    assert loaded.index.get_module("pkg.m3").facts == eager.index.get_module("pkg.m3").facts
    assert _json(loading.built_project(loaded, root, Config(), tree=None)) == _json(eager)


def test_a_payload_of_the_old_layout_is_not_read(tmp_path: Path) -> None:
    data = b"import os\n\n\ndef f():\n    return os.sep  # ssot: ignore[SSOT401]\n"
    outcome = analyze_bytes(data, "m.py")
    old = pickle.dumps((outcome.facts, outcome.failure, outcome.lines, outcome.suppressions, outcome.line_digest),
                       protocol=pickle.HIGHEST_PROTOCOL)  # fmt: skip
    assert read_head(old) is None and outcome_of_blob("m.py", old) is None
    root = write_project(tmp_path / "proj", {"m.py": data.decode()})
    old_dir = tmp_path / "cache" / "v1-0123456789abcdef"
    old_dir.mkdir(parents=True)  # a cache of the old version beside: never read
    api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    assert sorted(p.name[:3] for p in (tmp_path / "cache").iterdir()) == ["v1-", "v2-"]
    assert list(old_dir.iterdir()) == []


def test_the_eager_load_is_unchanged_by_lazy_payloads(tmp_path: Path) -> None:
    """An eager load from the packs gives plain ``ModuleInfo``s, every one loaded."""
    root, cache = scanned_tree(tmp_path, incremental_project())
    found, tree = _tree(root, cache)
    project = loading.load_walked(root, Config(), found, jobs=1, progress=None, tree=tree, started=0.0)
    assert not any(isinstance(info, LazyModuleInfo) for info in project.index.iter_modules())
    assert project.index.loaded_count() == len(project.index.modules)
