"""The last directory walk is reused while nothing it looked at changed, and never when something did: every scan
below gives the JSON of a cold scan byte for byte, and the walks counted show when discovery ran again."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from ssot_audit import api, capture
from ssot_audit import project as loading
from ssot_audit.analysis import discovery, listing, state, treecache, walkcache
from ssot_audit.config import Config
from tests.analysis.test_incremental import _cached, _cold, _edit
from tests.helpers import incremental_project, write_project


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The directories of each kept walk patched from now on (``project._patched_walk``: the walk made from the kept
    one and those directories walked again)."""
    done: list[list[str]] = []
    real = loading._patched_walk

    def counting(root: Path, config: Config, recalled: walkcache.Recalled) -> object:
        made = real(root, config, recalled)
        if made is not None:
            done.append(sorted(recalled.changed))
        return made

    monkeypatch.setattr(loading, "_patched_walk", counting)
    return done


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots discovery walked from now on; stamps count from the walk's start (the tests' files are all new:
    with the 2 s racy rule no walk of theirs would ever be kept)."""
    monkeypatch.setattr(walkcache, "_RACY_NS", 0)
    walked: list[Path] = []
    real = loading.discover_files

    def counting(root: Path, *args: object, **kwargs: object) -> object:
        walked.append(root)
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "discover_files", counting)
    return walked


def test_an_unchanged_tree_is_not_walked_again(tmp_path: Path, walks: list[Path]) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    _cached(root, store)
    (root / "pkg/m1.py").write_text((root / "pkg/m1.py").read_text() + "\nX = 1\n")  # content, not entries
    edited, reused = _cached(root, store)
    again = _cached(root, store)
    assert len(walks) == 1  # the first scan's
    assert not reused and edited == _cold(root) and again == (edited, True)
    assert str(tmp_path).encode() not in b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file())


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_with_the_walk_kept_give_the_cold_scan(tmp_path: Path, walks: list[Path],
                                                            patches: list[list[str]], seed: int) -> None:  # fmt: skip
    """Random edits, each scan with the kept walk equal to a cold scan; those that add or remove a module walk its
    directory again (the kept walk patched) or the tree."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    rng = random.Random(seed)
    _cached(root, store)
    done, cached_walks = [], 1
    for _ in range(14):
        done.append(_edit(root, rng))
        before = len(walks) + len(patches)
        warm, _ = _cached(root, store)
        cached_walks += len(walks) + len(patches) - before
        assert warm == _cold(root), done
    kinds = {d.split()[0] for d in done}
    assert cached_walks < 1 + len(done), done  # some edits left every directory as it was
    if kinds & {"delete", "new-file"}:
        assert cached_walks > 1 and patches, done  # and those that added or removed a file walked again


def test_what_changes_the_walk_is_seen(tmp_path: Path, walks: list[Path]) -> None:
    root = write_project(tmp_path / "proj", {**incremental_project(), "extra/mod.py": "from pkg.m1 import get_1\n"})
    store = tmp_path / "cache"
    _cached(root, store)
    changes = [
        lambda: (root / "extra/__init__.py").write_text(""),  # a directory becomes a package: module names change
        lambda: (root / ".gitignore").write_text("pkg/m3.py\n"),  # a new ignore file
        lambda: (root / ".gitignore").write_text("pkg/m4.py\n"),  # an ignore file edited: no entry changes
        lambda: (root / "pkg/m5.py").rename(root / "pkg/m5_new.py"),
        lambda: shutil.rmtree(root / "extra"),
    ]
    for change in changes:
        change()
        assert _cached(root, store)[0] == _cold(root)
    assert "m4.py" not in _cold(root) and "m3.py" in _cold(root)


def _stamp_changed(directory: Path) -> None:
    """Move ``directory``'s mtime (and so its ctime) a second on: a change within the file system's timestamp
    granularity may keep it, and then the stamp alone would vouch for the walk."""
    st = directory.stat()
    os.utime(directory, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def _written_by_rename(path: Path, text: str) -> None:
    """Write ``path`` as editors, ``sed -i`` and git's checkouts do: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
    _stamp_changed(path.parent)


def test_a_directory_whose_stamp_changed_with_the_same_entries_is_not_walked_again(
        tmp_path: Path, walks: list[Path]) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    path = root / "pkg/m1.py"
    _written_by_rename(path, path.read_text().replace("def get_1", "def got_1"))  # a rename, written by rename
    renamed, _ = _cached(root, store)
    assert len(walks) == 1
    assert renamed == _cold(root) and renamed != first  # the edit was read


def test_names_that_change_no_answer_serve_the_saved_result(tmp_path: Path, walks: list[Path]) -> None:
    """An editor's swap file beside the file it has open, bytecode: the directory listing the rules read
    (``discovery.list_directories``) leaves them out, so they change neither the walk nor the result's key (the
    scans after a swap file came, and after it went, were whole ones)."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    (root / "pkg/.m2.py.swp").write_text("swap")
    (root / "pkg/__pycache__").mkdir()
    (root / "pkg/__pycache__/m2.cpython-311.pyc").write_bytes(b"")
    _stamp_changed(root / "pkg")
    assert _cached(root, store) == (first, True)
    (root / "pkg/.m2.py.swp").unlink()
    _stamp_changed(root / "pkg")
    assert _cached(root, store) == (first, True)
    assert len(walks) == 1


@pytest.mark.parametrize("change", ["py-added", "stub-added", "data-added", "package-made", "file-to-directory",
                                    "directory-to-file", "py-to-directory", "py-to-link", "gitignore-added",
                                    "unlistable"])  # fmt: skip
def test_a_directory_whose_stamp_changed_with_other_entries_is_walked_again(
        tmp_path: Path, walks: list[Path], patches: list[list[str]], change: str) -> None:  # fmt: skip
    """The changed directory alone is walked again, with what is new in it, where it keeps its ``__init__.py`` and
    ``.gitignore`` and is not the scanned directory (the kept walk patched: ``project._patched_walk``); the whole
    tree is walked otherwise. Either way, the cold scan's output."""
    root = write_project(tmp_path / "proj", {**incremental_project(), "extra/mod.py": "X = 1\n", "data": "d\n"})
    store = tmp_path / "cache"
    _cached(root, store)
    if change == "py-added":
        (root / "pkg/added.py").write_text("def get_added():\n    return 1\n")
    elif change == "stub-added":  # what a module may bind without its source saying (SSOT203 asks the listing)
        (root / "pkg/m1.pyi").write_text("def get_1() -> int: ...\n")
    elif change == "data-added":  # a name the importers may mean (``from pkg import templates``)
        (root / "pkg/templates").write_text("")
    elif change == "package-made":
        (root / "extra/__init__.py").write_text("")
    elif change == "file-to-directory":  # a name the walk skipped as a file, which it enters as a directory
        (root / "data").unlink()
        write_project(root / "data", {"inner.py": "Y = 2\n"})
    elif change == "directory-to-file":
        shutil.rmtree(root / "extra")
        (root / "extra").write_text("now a file\n")
    elif change == "py-to-directory":  # the same name, another kind
        (root / "extra/mod.py").unlink()
        write_project(root / "extra/mod.py", {"inner.py": "Y = 2\n"})
    elif change == "py-to-link":  # a link's target can change with no stamp changing: no walk of it is kept
        (root / "extra/mod.py").unlink()
        (root / "extra/mod.py").symlink_to(root / "pkg/m1.py")
    elif change == "gitignore-added":
        (root / ".gitignore").write_text("pkg/m3.py\n")
    else:
        if os.geteuid() == 0:
            pytest.skip("root lists any directory")
        (root / "extra").chmod(0)
    parent = root / "extra" if change in ("package-made", "py-to-directory", "py-to-link") \
        else root / "pkg" if change in ("py-added", "stub-added", "data-added") else root  # fmt: skip
    _stamp_changed(parent)
    try:
        scanned, _ = _cached(root, store)
        patched = change in ("py-added", "stub-added", "data-added", "py-to-directory", "py-to-link")
        assert (len(walks), len(patches)) == ((1, 1) if patched else (2, 0))
        assert scanned == _cold(root)
    finally:
        if (root / "extra").is_dir():
            (root / "extra").chmod(0o755)


def test_ignore_rules_from_outside_the_tree_are_read_each_scan(tmp_path: Path, walks: list[Path]) -> None:
    repo = tmp_path / "repo"
    (repo / ".git" / "info").mkdir(parents=True)
    root = write_project(repo / "proj", incremental_project())
    store = tmp_path / "cache"
    _cached(root, store)
    (repo / ".git" / "info" / "exclude").write_text("proj/pkg/m2.py\n")
    scanned, _ = _cached(root, store)
    assert scanned == _cold(root) and "m2.py" not in scanned


def test_a_walk_that_met_a_py_link_or_a_just_changed_ignore_file_is_walked_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    walked: list[Path] = []
    real = loading.discover_files
    monkeypatch.setattr(loading, "discover_files", lambda root, *a, **k: walked.append(root) or real(root, *a, **k))
    root = write_project(tmp_path / "proj", {**incremental_project(), ".gitignore": "*.txt\n"})
    store = tmp_path / "cache"
    # just written: within the 2 s in which an added entry may keep its directory's mtime. A window of an hour, so
    # that two scans on a loaded machine (which can take more than 2 s) still fall in it.
    monkeypatch.setattr(walkcache, "_RACY_NS", 3_600 * 10**9)
    _cached(root, store)
    _cached(root, store)
    assert len(walked) == 2  # the ``.gitignore`` was read just after it was written: its stamp cannot vouch
    monkeypatch.setattr(walkcache, "_RACY_NS", 0)
    os.symlink(root / "pkg/m1.py", root / "pkg/link.py")
    _cached(root, store)
    _cached(root, store)
    assert len(walked) == 4  # a link's target can change with no stamp of the walk changing: never kept


def test_directories_changed_just_before_the_walk_are_compared_by_their_listing(
        tmp_path: Path, walks: list[Path], patches: list[list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The hook after pre-commit's stash of unstaged changes, which rewrites files just before it: the directories
    it walks are recorded as never matching their stamps (an entry added within the timestamp granularity may keep
    the mtime), and the next hook, after the next stash, walked again. Their listings vouch for them instead."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    monkeypatch.setattr(walkcache, "_RACY_NS", 3_600 * 10**9)  # every directory just changed, as in the test above
    first, _ = _cached(root, store)
    path = root / "pkg/m1.py"
    _written_by_rename(path, path.read_text().replace("def get_1", "def got_1"))
    renamed, _ = _cached(root, store)
    assert len(walks) == 1
    assert renamed == _cold(root) != first  # (a cold scan walks too)
    (root / "pkg/added.py").write_text("from pkg.m1 import got_1\n")  # same mtime or not, another listing
    walked = len(walks)
    added, _ = _cached(root, store)
    assert len(walks) == walked and patches == [["pkg"]]  # that directory walked again, not the tree
    assert added == _cold(root) != renamed


def test_directories_found_the_same_by_their_listing_are_stamped_anew(
        tmp_path: Path, walks: list[Path], patches: list[list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """After a fresh checkout, a copy of the tree or pre-commit's stash, the directories walked are recorded as never
    matching their stamps, and every scan after listed each of them again (984 directories at 4M lines after a copy,
    every hook). The first scan that finds one the same by its listing, when its stamp is more than 2 s old, keeps that
    stamp in the walk's place: the scans after stat it alone, and still see a file added there."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    monkeypatch.setattr(walkcache, "_RACY_NS", 3_600 * 10**9)  # every directory just changed
    first, _ = _cached(root, store)
    listed: list[int] = []
    real = walkcache.listed_of
    monkeypatch.setattr(walkcache, "listed_of", lambda entries: listed.append(1) or real(entries))

    def scan() -> int:
        before = len(listed)
        assert _cached(root, store) == (first, True)
        return len(listed) - before

    counts = [scan(), scan()]  # still within the hour: not stamped anew
    monkeypatch.setattr(walkcache, "_RACY_NS", 0)  # an hour on
    counts += [scan(), scan()]
    dirs = counts[0]
    assert dirs > 1 and counts == [dirs, dirs, dirs, 0]
    assert len(walks) == 1
    (root / "pkg/added.py").write_text("from pkg.m1 import get_1\n")
    added, _ = _cached(root, store)
    assert len(walks) == 1 and patches == [["pkg"]]
    assert added == _cold(root) != first


def test_a_package_file_just_written_above_a_patched_directory_is_compared_by_being_one(
        tmp_path: Path, walks: list[Path], patches: list[list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A walk patched for ``tests/unit/`` (a test module added) looks at ``tests/__init__.py`` without listing
    ``tests/``: all it reads of it is that it is a file. One written within 2 s of the walk (pre-commit's stash, a
    checkout) was recorded as never matching, and the next scan walked the whole tree; it is compared by being a
    file, and one removed is still seen (the tree is walked, the modules below are named anew)."""
    test = "from pkg.m1 import get_1\n\n\ndef test_{n}():\n    assert get_1()\n"
    root = write_project(tmp_path / "proj", {**incremental_project(), "tests/__init__.py": "",
                                             "tests/unit/__init__.py": "", "tests/unit/test_a.py": test.format(n="a")})
    store = tmp_path / "cache"
    monkeypatch.setattr(walkcache, "_RACY_NS", 3_600 * 10**9)  # every stamp just changed
    first, _ = _cached(root, store)
    (root / "tests/unit/test_b.py").write_text(test.format(n="b"))
    added, _ = _cached(root, store)
    assert len(walks) == 1 and patches == [["tests/unit"]]
    assert _cached(root, store) == (added, True)
    assert len(walks) == 1  # not walked again
    assert added == _cold(root) != first  # (a cold scan walks too)
    walked = len(walks)
    (root / "tests/__init__.py").unlink()
    removed, _ = _cached(root, store)
    assert len(walks) == walked + 1
    assert removed == _cold(root) != added


def test_a_package_made_above_the_scanned_directory_renames_its_modules(tmp_path: Path, walks: list[Path]) -> None:
    files = {"inner/__init__.py": "", "inner/core.py": "def get():\n    return 1\n",
             "inner/use.py": "from outer.inner.core import get\nfrom inner.core import get as got\n"}  # fmt: skip
    root = write_project(tmp_path / "outer", files) / "inner"
    store = tmp_path / "cache"
    before, _ = _cached(root, store)
    (tmp_path / "outer" / "__init__.py").write_text("")  # now ``outer.inner.core`` is a module of the scan
    after, _ = _cached(root, store)
    assert after == _cold(root) and after != before


def test_scans_completed_differently_share_the_walk_and_the_kept_entries(tmp_path: Path, walks: list[Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The hook's text scan after CI's JSON scan (which completes its result with fixes) of the same tree: each
    has its own saved result, but the walk, the excerpts' lines and the cycles are kept once for both."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"

    def finish(loaded: api.Loaded, result: api.AuditResult, kept: dict[str, object]) -> api.AuditResult:
        return result

    completed = api.scan_tree(root, Config(), jobs=1, cache_dir=store, finish=finish, finish_name="fixes")
    assert completed.result.excerpts  # lines around findings, read from the files
    read: list[str] = []
    real = capture.read_scanned
    monkeypatch.setattr(capture, "read_scanned", lambda path, *a: read.append(path) or real(path, *a))
    plain = api.scan_tree(root, Config(), jobs=1, cache_dir=store)
    assert len(walks) == 1 and read == []  # the JSON scan's walk and excerpts
    assert not plain.reused and plain.result == completed.result
    assert len(list(store.rglob("state-*.bin"))) == 2 and api.scan_tree(root, Config(), jobs=1, cache_dir=store).reused


def test_an_editors_lock_file_is_neither_scanned_nor_a_reason_to_walk_again(
        tmp_path: Path, walks: list[Path]) -> None:  # fmt: skip
    """emacs marks a file with unsaved changes by a link named ``.#NAME`` to nowhere: a ``.py`` link, which made the
    walk unkept, and a broken one, which the scan reported as unreadable (so the result's key changed)."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    os.symlink("someone@host.4242:1765000000", root / "pkg/.#m1.py")
    _stamp_changed(root / "pkg")
    assert _cached(root, store) == (first, True)
    assert len(walks) == 1 and _cold(root) == first


def test_what_happens_inside_an_excluded_directory_is_not_a_reason_to_walk_again(
        tmp_path: Path, walks: list[Path]) -> None:  # fmt: skip
    """Of a directory the default excludes skip (``.git``, ``.venv``, a tool's cache) or of build output, the walk
    reads only whether it holds an ``__init__.py``: a commit, which changes ``.git``'s entries, walked the tree
    again (0.45 CPU-s at 4M lines, in every hook of a real ``git commit``)."""
    root = write_project(tmp_path / "proj", {**incremental_project(), ".git/HEAD": "ref: refs/heads/main\n",
                                             "build/lib.txt": "", ".venv/lib/site.py": "X = 1\n"})  # fmt: skip
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    (root / ".git/index.lock").write_text("")
    (root / ".git/index.lock").rename(root / ".git/index")
    (root / "build/more.txt").write_text("")
    for directory in (".git", "build"):
        _stamp_changed(root / directory)
    assert _cached(root, store) == (first, True)
    assert len(walks) == 1
    (root / ".venv/__init__.py").write_text("")  # a package only the default excludes skip: a note
    (root / "build/__init__.py").write_text("")  # build output that is a package of the project: scanned
    scanned, _ = _cached(root, store)
    assert len(walks) == 2
    assert scanned == _cold(root) != first


def test_the_listing_leaves_out_names_that_change_no_answer(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "X = 1\n", "pkg/mod.pyi": "X: int\n",
                                             "pkg/.mod.py.swp": "", "pkg/__pycache__/mod.cpython-311.pyc": "",
                                             "pkg/#mod.py#": "", "pkg/mod.py~": "",
                                             "pkg/data.json": "{}", "pkg/.gitignore": ""})  # fmt: skip
    listings = discovery.list_directories(discovery.discover(root))
    assert listings == {"pkg": frozenset({"__init__.py", "mod.py", "mod.pyi", "data"})}  # data: ``answering``


def test_the_listing_keeps_one_name_for_each_answer() -> None:
    """What the rules ask a listing, by a name's stem: is a ``.py`` file, a stub, an extension or its source there
    (each kept as it is), is anything there for a stem an import can name (one name for all: the stem)."""
    names = ["__init__.py", "mod.py", "mod.py.orig", "mod.py.rej", "mod.pyi", "mod.txt", "fast.pyx", "fast.c",
             "fast.cpython-312-x86_64-linux-gnu.so", "fast.html", "notes.txt", "notes.json", "templates",
             "release-notes.md", "0001_data.json", "my-script.py", "my-script.pyi", "my-script.cfg", "old.pyc"]
    assert listing.answering(names) == frozenset({
        "__init__.py", "mod.py", "mod.pyi", "fast.pyx", "fast.c", "fast.cpython-312-x86_64-linux-gnu.so", "notes",
        "templates", "my-script.py", "my-script.pyi", "old"})  # fmt: skip

    def answers(entries: Iterable[str], stem: str) -> tuple[bool, bool, bool]:  # as ``namespace._suffixes``' readers
        suffixes = [name.partition(".")[2] for name in entries if name.partition(".")[0] == stem]
        return (bool(suffixes) or not stem.isidentifier(), any(map(listing.is_implementation, suffixes)),
                any(s == "py" or listing.is_implementation(s) for s in suffixes))  # fmt: skip

    kept = listing.answering(names)
    assert all(answers(names, n.partition(".")[0]) == answers(kept, n.partition(".")[0]) for n in names)


@pytest.mark.parametrize("name", ["m1.py.orig", "m2.py.rej", "m1.txt", "release-notes.md", "0002_fixture.json"])
def test_a_name_that_answers_as_the_listing_did_serves_the_saved_result(
        tmp_path: Path, walks: list[Path], patches: list[list[str]], name: str) -> None:  # fmt: skip
    """A merge's or a patch's leftover beside a module (``m1.py.orig``), a file beside one of the same stem, a name no
    import can name: each answers what the rules ask the listing as it did (``listing.answering``), so the scan
    after it came is the saved result (it was a whole one). The directory's digest still sees it: that directory is
    walked again (the kept walk patched)."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    (root / "pkg" / name).write_text("leftover\n")
    _stamp_changed(root / "pkg")
    assert _cached(root, store) == (first, True)
    assert len(walks) == 1 and patches == [["pkg"]]
    assert _cold(root) == first


def test_data_named_as_an_imported_name_is_a_change_of_the_listing(tmp_path: Path, walks: list[Path]) -> None:
    """Data of a name a module imports from a package (``from pkg import notes`` with ``notes.txt`` there) silences
    SSOT203 (something on disk may supply it): a name of a new stem changes the listing, and the result with it."""
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "from pkg import notes\n"})
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    (root / "pkg/notes.txt").write_text("notes\n")
    _stamp_changed(root / "pkg")
    scanned, reused = _cached(root, store)
    assert not reused and scanned == _cold(root) != first
    assert [f["code"] for f in json.loads(first)["findings"]] == ["SSOT203"] and not json.loads(scanned)["findings"]


def test_data_of_a_name_no_import_names_serves_the_saved_result(tmp_path: Path, walks: list[Path]) -> None:
    """Data beside the modules, of a name no judgement asked whether something on disk supplies (``notes.txt``, a
    ``README.md``): the saved result, not a whole scan; gone again, the same."""
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    for name in ("notes.txt", "README.md"):
        (root / "pkg" / name).write_text("notes\n")
        _stamp_changed(root / "pkg")
        assert _cached(root, store) == (first, True)
        (root / "pkg" / name).unlink()
        _stamp_changed(root / "pkg")
        assert _cached(root, store) == (first, True)
    assert _cold(root) == first


def test_a_damaged_record_of_the_listings_asked_is_a_whole_scan(
        tmp_path: Path, walks: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The kept questions of the listings, damaged (not a set of pairs of strings): no crash, and no saved result
    served on a key that does not hold them."""
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "from pkg import notes\n"})
    store = tmp_path / "cache"
    first, _ = _cached(root, store)
    real = treecache._load_kept

    def damaged(kept_store: state.StateStore, name: str) -> dict[str, object]:
        return {"asked": frozenset({1, ("pkg",)})} if name == treecache._ASKED else real(kept_store, name)

    monkeypatch.setattr(treecache, "_load_kept", damaged)
    scanned, reused = _cached(root, store)
    assert scanned == first == _cold(root) and not reused
    monkeypatch.setattr(treecache, "_load_kept", real)
    (root / "pkg/notes.txt").write_text("notes\n")
    _stamp_changed(root / "pkg")
    assert _cached(root, store)[0] == _cold(root) != first


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_data_and_the_imports_of_its_name_in_any_order_give_the_cold_scan(
        tmp_path: Path, walks: list[Path], seed: int) -> None:  # fmt: skip
    """Data files of names modules import from a package (``from pkg import notes``: SSOT203 is silent while
    something on disk may supply it) come and go as those imports do, in a random order, with edits between (of the
    importing module, or of another: a call added, so that the scan judges that module alone, asks nothing of the
    listings and reuses the answers read before): after each, the cached scan gives the cold JSON. A name a scan
    asked about is watched by every later one, whichever path (saved result, calls-only, interface or whole) the
    scan that asked took."""
    files = {**incremental_project(), "app/__init__.py": "", "app/use.py": "import os\n\n\ndef run():\n    return 1\n",
             "app/sub/__init__.py": "", "app/sub/mod.py": "X = 1\n"}  # fmt: skip
    root = write_project(tmp_path / "proj", files)
    store = tmp_path / "cache"
    rng = random.Random(seed)
    _cached(root, store)
    places = {"pkg": "pkg", "app.sub": "app/sub"}
    done: list[str] = []
    for _ in range(16):
        kind, stem, package = rng.choice(["data", "import", "body", "body"]), rng.choice(["notes", "extra"]), \
            rng.choice(sorted(places))  # fmt: skip
        data = root / places[package] / f"{stem}.{rng.choice(['txt', 'json'])}"
        use = root / rng.choice(["app/use.py", "pkg/m2.py"]) if kind == "body" else root / "app/use.py"
        text = use.read_text()
        line = f"from {package} import {stem}\n"
        if kind == "data":
            present = sorted((root / places[package]).glob(f"{stem}.*"))
            for each in present:
                each.unlink()
            if not present:
                data.write_text("{}\n")
            _stamp_changed(data.parent)
        elif kind == "import":
            use.write_text(text.replace(line, "") if line in text else line + text)
        else:
            head, _, tail = text.rpartition("return ")  # a function's, not a method's: a calls-only edit
            use.write_text(f"{head}print({len(done)})\n    return {tail}")
        done.append(f"{kind} {use.name}" if kind == "body" else f"{kind} {package} {stem}")
        warm, _ = _cached(root, store)
        assert warm == _cold(root), done
    assert {d.split()[0] for d in done} == {"data", "import", "body"}, done


def test_what_the_walk_reads_of_a_directory_it_listed_comes_from_that_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The kept walk's digest of a directory's listing vouches for everything the walk read there: so no file of it
    is looked at apart (an ``__init__.py`` read apart could differ from the listing, in a directory changing as it
    is walked). Above the scanned directory, which is not listed, the walk looks."""
    files = {"src/app/__init__.py": "", "src/app/mod.py": "", "pkg/__init__.py": "", "pkg/sub/__init__.py": "",
             "pkg/sub/m.py": "", "loose/x.py": ""}  # fmt: skip
    root = write_project(tmp_path / "proj", files)
    expected = [(f.relpath, f.candidates, f.is_package) for f in discovery.discover(root)]
    looked: list[str] = []
    real_isfile, real_exists = os.path.isfile, os.path.exists

    def isfile(path: str) -> bool:
        looked.append(str(path))
        return real_isfile(path)

    def exists(path: str) -> bool:
        looked.append(str(path))
        return real_exists(path)

    monkeypatch.setattr(os.path, "isfile", isfile)
    monkeypatch.setattr(os.path, "exists", exists)
    found = [(f.relpath, f.candidates, f.is_package) for f in discovery.discover(root)]
    assert found == expected == [("loose/x.py", ("loose.x",), False), ("pkg/__init__.py", ("pkg",), True),
                                 ("pkg/sub/__init__.py", ("pkg.sub",), True), ("pkg/sub/m.py", ("pkg.sub.m",), False),
                                 ("src/app/__init__.py", ("app",), True), ("src/app/mod.py", ("app.mod",), False)]
    assert [p for p in looked if p.startswith(str(root) + os.sep)] == []


def test_ignore_rules_added_below_the_root_walk_the_tree(tmp_path: Path, walks: list[Path],
                                                        patches: list[list[str]]) -> None:  # fmt: skip
    """A ``.gitignore`` written into a directory may ignore what its subdirectories hold, which a walk of that
    directory alone would keep: the tree is walked again (``project._patched_walk``), and the scan is a cold one's."""
    root = write_project(tmp_path / "proj", {**incremental_project(), "pkg/sub/__init__.py": "",
                                             "pkg/sub/skip_me.py": "def skipped():\n    return 1\n"})  # fmt: skip
    store = tmp_path / "cache"
    _cached(root, store)
    (root / "pkg/.gitignore").write_text("skip_*.py\n")
    _stamp_changed(root / "pkg")
    scanned, _ = _cached(root, store)
    walked = (len(walks), patches)
    assert scanned == _cold(root)
    assert walked == (2, [])


# A tree of the layouts the walk decides differently for: regular packages, a namespace directory, a test package, a
# ``src`` layout, a directory ``.gitignore`` rules ignore part of, an excluded directory, a build directory
LAYOUTS = {
    "app/__init__.py": "", "app/core.py": "X = 1\n", "app/sub/__init__.py": "", "app/sub/deep.py": "Y = 2\n",
    "app/.gitignore": "generated_*.py\nscratch/\n", "app/generated_a.py": "Z = 3\n",
    "plain/tool.py": "T = 1\n", "tests/__init__.py": "", "tests/test_core.py": "def test_x():\n    pass\n",
    "src/lib/__init__.py": "", "src/lib/api.py": "A = 1\n", "node_modules/dep/index.py": "N = 1\n",
    "build/out.py": "B = 1\n", "docs/conf.py": "C = 1\n",
}  # fmt: skip


def _change_tree(root: Path, rng: random.Random, n: int) -> str:
    """One random change of the entries of a directory below the root: a module added or removed, a directory of
    modules added (a package or not, with a subdirectory), a module git ignores, data, an ``__init__.py`` or a
    ``.gitignore`` added or removed, a directory removed; returns what it did."""
    directories = sorted(p for p in root.rglob("*") if p.is_dir() and p != root)
    where = rng.choice(directories)
    modules = sorted(where.glob("*.py"))
    kind = rng.choice(["module", "module", "remove", "directory", "ignored", "data", "init", "remove-directory",
                       "gitignore"])  # fmt: skip
    if kind == "remove" and modules:
        rng.choice(modules).unlink()
    elif kind == "directory":
        new = where / f"new_{n}"
        write_project(new, {"m.py": "M = 1\n", "inner/i.py": "I = 1\n",
                            **({"__init__.py": ""} if rng.random() < 0.5 else {})})  # fmt: skip
    elif kind == "ignored":
        (where / f"generated_{n}.py").write_text("G = 1\n")
    elif kind == "data":
        (where / f"notes_{n}.txt").write_text("n\n")
    elif kind == "init":
        init = where / "__init__.py"
        init.unlink() if init.exists() else init.write_text("")  # type: ignore[func-returns-value]
    elif kind == "gitignore":  # ignore rules that come or go (what is walked below them)
        rules = where / ".gitignore"
        rules.unlink() if rules.exists() else rules.write_text("added_*.py\n")  # type: ignore[func-returns-value]
    elif kind == "remove-directory" and where.parent != root:
        shutil.rmtree(where)
        where = where.parent
    else:
        kind = "module"
        (where / f"added_{n}.py").write_text(f"V = {n}\n")
    _stamp_changed(where)
    return f"{kind} {where.relative_to(root)}"


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_a_patched_walk_is_the_walk_of_the_tree(tmp_path: Path, patches: list[list[str]], seed: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """After random changes of directories' entries, the walk made from the kept one (``project._patched_walk``)
    finds what a walk of the whole tree finds: the same files in the same order, each with its module-name
    candidates and flags, the same listings, notes and what could not be looked at."""
    monkeypatch.setattr(walkcache, "_RACY_NS", 0)
    root = write_project(tmp_path / "proj", LAYOUTS)
    store, config = tmp_path / "cache", Config(exclude=("docs",))
    scope = loading.scope_key(root, config, loading.ALL_RULES)
    rng = random.Random(seed)
    loading.walk_tree(root, config, scope, store)
    done = []
    for n in range(24):
        done.append(_change_tree(root, rng, n))
        kept, _ = loading.walk_tree(root, config, scope, store)
        fresh, _ = loading.walk_tree(root, config, scope, None)
        assert (kept.files, kept.listings, kept.unreadable, kept.notes) \
            == (fresh.files, fresh.listings, fresh.unreadable, fresh.notes), done  # fmt: skip
    assert len(patches) >= 6, done  # many changes patched the kept walk


@pytest.mark.parametrize("how", ["excluded", "ignored"])
@pytest.mark.parametrize("change", ["removed", "added"])
def test_an_init_file_the_scan_skips_still_names_the_modules_below_it(
        tmp_path: Path, patches: list[list[str]], monkeypatch: pytest.MonkeyPatch, how: str, change: str) -> None:
    """An ``__init__.py`` the configuration excludes or git ignores is no file of the scan, but the walk reads it from
    its directory's listing: the modules below it are named under it. One that comes or goes walks the tree (the
    kept walk patched with its directory alone would keep their old names)."""
    monkeypatch.setattr(walkcache, "_RACY_NS", 0)
    files = {"app/__init__.py": "", "app/mod.py": "X = 1\n", "app/sub/deep/__init__.py": "",
             "app/sub/deep/m.py": "Y = 2\n", ".gitignore": "app/sub/__init__.py\n"}  # fmt: skip
    if change == "removed":
        files["app/sub/__init__.py"] = ""
    root = write_project(tmp_path / "proj", files)
    config = Config(exclude=("app/sub/__init__.py",), respect_gitignore=False) if how == "excluded" \
        else Config(respect_gitignore=True)  # fmt: skip
    store = tmp_path / "cache"
    scope = loading.scope_key(root, config, loading.ALL_RULES)
    before, _ = loading.walk_tree(root, config, scope, store)
    if change == "removed":
        (root / "app/sub/__init__.py").unlink()
    else:
        (root / "app/sub/__init__.py").write_text("")
    _stamp_changed(root / "app/sub")
    kept, _ = loading.walk_tree(root, config, scope, store)
    fresh, _ = loading.walk_tree(root, config, scope, None)
    names = {f.relpath: f.candidates for f in kept.files}
    assert names == {f.relpath: f.candidates for f in fresh.files}
    assert names["app/sub/deep/m.py"][0] == ("app.sub.deep.m" if change == "added" else "deep.m")
    assert {f.relpath: f.candidates for f in before.files}["app/sub/deep/m.py"][0] \
        == ("deep.m" if change == "added" else "app.sub.deep.m")  # fmt: skip
    assert patches == []
