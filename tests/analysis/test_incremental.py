"""The cached paths give byte for byte the JSON of a cold scan: nothing changed, random edits, a moved checkout."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import loader, state, treecache
from ssot_audit.cli import main
from ssot_audit.config import Config
from ssot_audit.fix import memo
from ssot_audit.fix import build
from ssot_audit.fix.build import FIXERS, FixEnv
from ssot_audit.fix.engine import Skipped
from ssot_audit.fixing import with_fixes
from ssot_audit.model import Finding
from ssot_audit.reporters import REPORTERS

from tests.helpers import MODULES, fixable_project, incremental_project, record_parsing, write_project

def _cold(root: Path) -> str:
    return REPORTERS["json"](api.scan_tree(root, Config(), jobs=1).result)


def _cached(root: Path, cache_dir: Path) -> tuple[str, bool]:
    scanned = api.scan_tree(root, Config(), jobs=1, cache_dir=cache_dir)
    return REPORTERS["json"](scanned.result), scanned.reused


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of the kinds a developer makes; returns what it did (for the failure message)."""
    modules = sorted(p for p in root.rglob("*.py"))
    path = rng.choice(modules)
    text = path.read_text(encoding="utf-8")
    kind = rng.choice(["body", "rename", "add-import", "remove-import", "add-class", "delete", "unparsable",
                       "comment", "touch", "new-file", "fix", "add-alias", "remove-alias", "drop-method",
                       "rename-file", "shadow"])  # fmt: skip
    if kind == "body" and "return" in text:
        text = text.replace("return", "x = 1\n    return", 1)
    elif kind == "rename" and "def get_" in text:
        text = text.replace("def get_", "def got_", 1)
    elif kind == "add-import":
        text = f"from pkg.m{rng.randrange(MODULES)} import fetch_{rng.randrange(MODULES)}\n" + text
    elif kind == "remove-import" and "\nfrom " in "\n" + text:
        lines = text.splitlines(keepends=True)
        imports = [n for n, line in enumerate(lines) if line.startswith("from ")]
        del lines[rng.choice(imports)]
        text = "".join(lines)
    elif kind == "add-class":
        text += f"\n\nclass Manager{rng.randrange(3)}:\n    def connect(self) -> None:\n        pass\n"
    elif kind == "delete" and len(modules) > 3:
        path.unlink()
        return f"delete {path.name}"
    elif kind == "unparsable":
        text += "\ndef broken(:\n"
    elif kind == "comment":
        text = "# a comment\n" + text
    elif kind == "new-file":
        path = root / "pkg" / f"extra{rng.randrange(1000)}.py"
        text = "from pkg.m2 import get_2\n\nasync def extra():\n    await get_2()\n"
    elif kind == "rename-file" and path.name != "__init__.py":  # its importers now miss it (the graph's reads)
        target = path.with_name(f"moved_{path.name}")
        path.rename(target)
        return f"rename {path.name} -> {target.name}"
    elif kind == "shadow":  # ``from pkg import ManagerK`` now names a module: the importers' edges change
        path, text = root / "pkg" / f"Manager{rng.randrange(3)}.py", "from pkg.m1 import get_1\n"
    elif kind == "fix":
        text = text.replace("\ndef broken(:\n", "\n")
    elif kind == "add-alias":  # a second name for a class (SSOT102), or a renamed import of a function
        n = rng.randrange(MODULES)
        text += f"\nManagerAlias{n} = Manager{n % 3}\n" if rng.random() < 0.5 else ""
        text = (f"from pkg.m{n} import get_{n} as get_alias{n}\n" if not text.startswith("from pkg.m") else "") + text
    elif kind == "remove-alias":
        lines = text.splitlines(keepends=True)
        aliases = [n for n, line in enumerate(lines) if " as " in line or line.startswith("ManagerAlias")]
        if aliases:
            del lines[rng.choice(aliases)]
        text = "".join(lines)
    elif kind == "drop-method":  # a class offers fewer methods: its role and its concept can change
        text = re.sub(r"\n    def send\(self, data: bytes\) -> int:\n        return len\(data\)\n", "\n", text, count=1)
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    rng = random.Random(seed)
    first, reused = _cached(root, store)
    assert not reused and first == _cold(root)
    assert '"SSOT401"' in first and '"SSOT101"' in first  # the edits have findings to move and change
    done = []
    for _ in range(12):
        done.append(_edit(root, rng))
        warm, reused = _cached(root, store)
        assert warm == _cold(root), done
        again, reused = _cached(root, store)
        assert reused and again == warm, done


def _with_fixes(root: Path, cache_dir: Path | None) -> str:
    """The JSON the CLI writes: with each finding's fix (kept between scans in the cache)."""
    scanned = api.scan_tree(root, Config(), jobs=1, cache_dir=cache_dir, finish=with_fixes, finish_name="fixes")
    return REPORTERS["json"](scanned.result)


@pytest.mark.parametrize("seed", [4, 5])
def test_random_edits_give_the_cold_scans_fixes_byte_for_byte(tmp_path: Path, seed: int) -> None:
    root = write_project(tmp_path / "proj", fixable_project())
    store = tmp_path / "cache"
    rng = random.Random(seed)
    first = _with_fixes(root, store)
    assert first == _with_fixes(root, None)
    assert {"SSOT102", "SSOT201", "SSOT401", "SSOT402"} <= {f["code"] for f in json.loads(first)["findings"] if f.get("fix")}
    done = []
    for _ in range(10):
        done.append(_edit(root, rng))
        assert _with_fixes(root, store) == _with_fixes(root, None), done


def test_an_edit_rebuilds_only_the_fixes_that_read_the_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", fixable_project())
    store = tmp_path / "cache"
    _with_fixes(root, store)
    parsed: list[str] = []
    real = build.attach_fixes

    def attach(findings: Sequence[Finding], env: FixEnv) -> tuple[tuple[Finding, ...], tuple[Skipped, ...]]:
        parsed.extend(sorted({f.location.path for f in findings}))
        return real(findings, env)

    monkeypatch.setattr(memo, "attach_fixes", attach)  # where fix_by_file looks it up
    path = root / "pkg/m4.py"  # a body edit that moves no line: other files' findings are unchanged
    path.write_text(path.read_text().replace("return len(data)", "return len(data) + 0"))
    assert _with_fixes(root, store) == _with_fixes(root, None)
    assert parsed == ["pkg/m4.py", *sorted({f["location"]["path"] for f in json.loads(_cold(root))["findings"]
                                            if f["code"] in FIXERS})]  # then the cold scan builds every file's
    parsed.clear()
    user = root / "pkg/old_user.py"  # the SSOT102 fix of pkg/legacy.py edits this file: it is rebuilt too
    user.write_text("# moved down a line\n" + user.read_text())
    assert _with_fixes(root, store) == _with_fixes(root, None)
    assert parsed[:2] == ["pkg/legacy.py", "pkg/old_user.py"] and "pkg/m4.py" not in parsed[:2]


def test_nothing_changed_reuses_the_result_and_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    cold, _ = _cached(root, store)
    monkeypatch.setattr(loader, "analyze_bytes", _no_parsing)
    warm, reused = _cached(root, store)
    assert reused and warm == cold
    (root / "pkg/m1.py").touch()  # a new mtime, same bytes: hashed again, still nothing to parse
    assert _cached(root, store) == (cold, True)


def test_a_stub_added_beside_a_module_is_an_input_of_the_saved_result(tmp_path: Path) -> None:
    # SSOT203 stays silent when a stub could supply the name: the directory's listing is part of the result's key
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/native.py": "import os\n",
                                             "pkg/use.py": "from pkg.native import speedup\n"})  # fmt: skip
    store = tmp_path / "cache"
    before, _ = _cached(root, store)
    assert [f["code"] for f in json.loads(before)["findings"]] == ["SSOT203"]
    (root / "pkg/native.pyi").write_text("def speedup() -> None: ...\n")
    after, reused = _cached(root, store)
    assert not reused and after == _cold(root) and json.loads(after)["findings"] == []


def test_a_cache_built_in_one_directory_serves_a_copy_in_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_project(tmp_path / "job1" / "proj", incremental_project())
    store = tmp_path / "cache"
    _cached(first, store)
    second = tmp_path / "job2" / "proj"
    shutil.copytree(first, second)  # new inodes, another absolute path: what actions/cache gives another job
    for path in second.rglob("*.py"):  # older than the 2 s in which a same-size rewrite could keep its mtime
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    shutil.rmtree(first)
    expected = _cold(second)
    monkeypatch.setattr(loader, "analyze_bytes", _no_parsing)
    assert _cached(second, store) == (expected, True)
    hashed: list[str] = []
    monkeypatch.setattr(treecache, "_hash_file", lambda path: hashed.append(path.name) or state.content_hash(path.read_bytes()))
    assert _cached(second, store) == (expected, True) and hashed == []  # the new stats were recorded
    assert str(tmp_path).encode() not in b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file())


def test_a_body_edit_parses_only_the_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    _cached(root, store)
    parsed = record_parsing(monkeypatch)
    path = root / "pkg/m4.py"
    path.write_text(path.read_text().replace("return len(data)", "size = len(data)\n        return size"))
    warm, reused = _cached(root, store)
    assert not reused and parsed == ["pkg/m4.py"]
    assert warm == _cold(root)


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_cache_is_a_miss(tmp_path: Path, damage: bytes | None) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    store = tmp_path / "cache"
    expected, _ = _cached(root, store)
    (root / "pkg/m2.py").write_text("x = 1\n")
    expected = _cold(root)
    for entry in (p for p in store.rglob("*") if p.is_file()):
        data = entry.read_bytes()
        if damage is None:  # one flipped byte in the middle: checksums catch what unpickling would not
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        else:
            data = damage
        entry.write_bytes(data)
    assert _cached(root, store) == (expected, False)


def _no_parsing(data: bytes, relpath: str) -> loader.FileOutcome:
    raise AssertionError(f"{relpath} was parsed again")


def test_caches_of_shards_merged_into_one_directory_serve_the_whole_tree(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", incremental_project())
    merged = tmp_path / "merged"
    for shard, part in enumerate(["pkg/m1.py", "pkg"]):  # each CI job scans part of the tree with its own cache
        api.scan_tree(root / part, Config(), jobs=1, cache_dir=tmp_path / f"shard{shard}")
        shutil.copytree(tmp_path / f"shard{shard}", merged, dirs_exist_ok=True)
    expected = _cold(root)
    monkeypatch.setattr(loader, "analyze_bytes", _no_parsing)
    assert _cached(root, merged) == (expected, False)


def test_a_scan_that_changed_nothing_writes_its_saved_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    args = ["scan", str(root), "-q", "--cache-dir", str(tmp_path / "cache"), "--format", "json", "-o"]
    assert main([*args, str(tmp_path / "first.json")]) == 1
    from ssot_audit.reporters import json_reporter, json_splice

    def no_rendering(*args: object) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(json_reporter, "render", no_rendering)
    monkeypatch.setattr(json_splice, "render", no_rendering)  # the scan's JSON report is rendered through it
    assert main([*args, str(tmp_path / "second.json")]) == 1
    assert (tmp_path / "second.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    (root / "pkg/m3.py").write_text("x = 1\n")  # a changed tree renders again
    with pytest.raises(AssertionError, match="rendered again"):
        main([*args, str(tmp_path / "third.json")])


def test_states_of_trees_that_never_come_back_are_dropped(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    for i in range(20):  # as ``history`` scans one temporary checkout per revision
        api.scan_tree(write_project(tmp_path / f"checkout{i}", {"app.py": f"X = {i}\n"}), Config(), jobs=1,
                      cache_dir=store)  # fmt: skip
    states = list(store.rglob("state-*.bin"))
    assert 0 < len(states) <= 16


def test_kept_entries_go_with_the_last_state_of_their_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept entries (the walk, excerpts, cycles, fixes) are shared by the scopes of a tree: they are deleted once
    no state of the tree is left (and they are old enough that no first scan of it is under way)."""
    monkeypatch.setattr(state, "_ORPHAN_AGE", 0.0)
    store = tmp_path / "cache"
    for i in range(20):
        api.scan_tree(write_project(tmp_path / f"checkout{i}", {"app.py": f"X = {i}\n"}), Config(), jobs=1,
                      cache_dir=store)  # fmt: skip
    trees = {p.stem.split("-")[2] for p in store.rglob("state-*.bin")}
    kept = {p.stem.split("-")[2] for p in store.rglob("kept-*.bin")}
    assert len(trees) == 16 and kept == trees


def test_old_packs_no_state_names_are_deleted_and_the_others_kept(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A save deletes the packs no state of the cache names once they are old enough (a concurrent scan may be
    writing a young one), and reads the other states to know theirs only then: two trees share the cache, each
    scan's packs stay while its state names them, a stray pack goes."""
    store = tmp_path / "cache"
    first, second = (write_project(tmp_path / name, {"app.py": f"X = {i}\n"}) for i, name in enumerate("ab"))
    api.scan_tree(first, Config(), jobs=1, cache_dir=store)
    api.scan_tree(second, Config(), jobs=1, cache_dir=store)
    named = {pack for path in store.rglob("state-*.bin") for pack in state._read_state(path).packs}  # type: ignore[union-attr]
    stray = next(store.rglob("pack-*.bin")).with_name("pack-0123456789abcdef.bin")
    stray.write_bytes(b"not a pack anyone names")
    monkeypatch.setattr(state, "_ORPHAN_AGE", 0.0)
    (first / "app.py").write_text("X = 2\n")  # a scan that saves
    api.scan_tree(first, Config(), jobs=1, cache_dir=store)
    left = {p.name for p in store.rglob("pack-*.bin")}
    now = {pack for path in store.rglob("state-*.bin") for pack in state._read_state(path).packs}  # type: ignore[union-attr]
    assert stray.name not in left
    assert left == now  # every pack a state names is there (the other tree's too), and no other
    assert named & now  # the other tree's state still names the packs it named


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be\n")
    assert _cached(root, blocked) == (_cold(root), False)
    assert _cached(root, blocked / "sub") == (_cold(root), False)


def test_watch_scans_again_when_a_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", {"app.py": "async def f():\n    return 1\n\nasync def g():\n    f()\n"})
    polls: list[float] = []

    def sleep(seconds: float) -> None:  # each poll: the first edits a file, the second leaves it, the third stops
        polls.append(seconds)
        if len(polls) == 1:
            (root / "app.py").write_text("def f():\n    return 1\n\nasync def g():\n    f()\n")
        elif len(polls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr("ssot_audit.commands.scan.time.sleep", sleep)
    code = main(["scan", str(root), "--watch", "--format", "json", "--cache-dir", str(tmp_path / "cache"), "-q"])
    reports = [json.loads(r) for r in capsys.readouterr().out.replace("}\n{", "}\n\0{").split("\0")]
    assert [[f["code"] for f in r["findings"]] for r in reports] == [["SSOT402"], []]  # two scans, not three
    assert code == 0 and len(polls) == 3
