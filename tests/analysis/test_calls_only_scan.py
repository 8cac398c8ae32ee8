"""Calls-only edits: the scan restores the last concept model, runs only the rules that read calls, keeps every other
rule's findings from the last result, and gives byte for byte what a cold scan gives (JSON with fixes, text)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ssot_audit import api, project, rerun
from ssot_audit.rules import base
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.rerun import NARROWED, RERUN
from ssot_audit.rules import GROUPED_CALL_READERS

from tests.helpers import fixable_project, incremental_project, scan_output, scanned_tree, write_project

# statements inserted before a ``return`` inside a function body: each adds or changes a call there, nothing else
# (``{j}``: another module's number, whose ``get_``/``fetch_`` the module imports)
CALLS = ("print({n})", "len([{n}])", "get_{j}()", "fetch_{j}()", "_x_{n} = get_{j}()", "Manager{k}()")
AWAIT = "await fetch_{j}()"  # inside an ``async def`` only
OTHER = ("comment", "rename", "import")  # an unseen edit, and two every reader may see
SUPPRESSION_ONLY = RERUN - NARROWED - GROUPED_CALL_READERS  # SSOT901: what a calls-only scan runs first, whole


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a random module of ``incremental_project``; returns what it did."""
    path = rng.choice(sorted(root.rglob("m*.py")))
    i = int(path.stem[1:])
    j, k = (i + 1) % 8, (i + 3) % 8 % 3
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = rng.randrange(1000)
    kind = rng.choice(CALLS + (AWAIT,) * 2 + OTHER)
    if kind == "comment":
        lines.insert(rng.randrange(len(lines) + 1), f"# note {n}\n")
    elif kind == "rename":
        lines = (text.replace("def get_", "def got_", 1) if "def get_" in text
                 else text.replace("def got_", "def get_", 1)).splitlines(keepends=True)  # fmt: skip
    elif kind == "import":
        lines.insert(2, f"import os as os_{n}\n")
    else:
        # a return of an ``async def`` for an await; of any function but one returning a constant otherwise (a body
        # that only returns a constant is trivial, what test doubles are made of: a statement more is seen)
        asyncs = _returns_in(lines, asynchronous=True)
        at = rng.choice(asyncs if kind == AWAIT else [
            m for m in _returns_in(lines) if not re.fullmatch(r"\s*return (None|\d+)\n", lines[m])])  # fmt: skip
        indent = re.match(r"\s*", lines[at]).group()  # type: ignore[union-attr]
        lines.insert(at, indent + kind.format(n=n, j=j, k=k) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return f"{kind.format(n=n, j=j, k=k)} {path.name}"


def _returns_in(lines: list[str], asynchronous: bool = False) -> list[int]:
    """Indexes of the ``return`` lines (of ``async def`` bodies only, with ``asynchronous``)."""
    found, inside_async = [], False
    for n, line in enumerate(lines):
        statement = line.lstrip()
        if re.match(r"(async )?def ", statement):
            inside_async = statement.startswith("async ")
        elif statement.startswith("return ") and (inside_async or not asynchronous):
            found.append(n)
    return found


def _called(kwargs: dict[str, object]) -> object:
    """What ``_record`` notes of a rules run by default: its ``only`` (with its ``calls_in`` when given)."""
    return kwargs.get("only") if kwargs.get("calls_in") is None else (kwargs.get("only"), kwargs["calls_in"])


def _record(monkeypatch: pytest.MonkeyPatch,
            noted: Callable[[dict[str, object]], object] = _called) -> tuple[list[str], list[object]]:  # fmt: skip
    """Two lists every scan appends to: one entry per concept model built, and what ``noted`` says of each rules run
    (given its keyword arguments)."""
    built: list[str] = []
    ran: list[object] = []
    real_rules = api.run_rules

    class Counted(ConceptModel):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append("model")
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def rules(*args: object, **kwargs: object) -> object:
        ran.append(noted(kwargs))
        return real_rules(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(project, "ConceptModel", Counted)
    monkeypatch.setattr(api, "run_rules", rules)
    return built, ran


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_random_call_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root, cache = scanned_tree(tmp_path, fixable_project(), both_scopes=True)
    rng = random.Random(seed)
    built, ran = _record(monkeypatch)
    done: list[str] = []
    restored = 0
    for _ in range(12):
        done.append(_edit(root, rng))
        for fmt, fixes in (("json", True), ("text", False)):  # CI's JSON scans and the hook's text scans
            built.clear()
            ran.clear()
            assert scan_output(root, cache, fmt, fixes) == scan_output(root, None, fmt, fixes), (done, fmt)
            # the cold scan builds a model and runs every rule; the cached one, after a calls-only edit, restores
            # the model and runs only the rules that read calls
            if ran[0] is not None:
                edited = "pkg." + done[-1].rsplit(" ", 1)[1].removesuffix(".py")
                assert built == ["model"] and ran[:2] == [SUPPRESSION_ONLY, (NARROWED, ran[1][1])], (done, fmt, ran)
                assert edited in ran[1][1] and ran[2:] in ([None], [GROUPED_CALL_READERS, None]), (done, fmt, ran)
                restored += 1
            else:  # an unseen edit moves the last result (only the cold scan runs rules), any other runs them all
                assert ran == ([None] if done[-1].startswith("comment") else [None, None]), (done, fmt)
    assert restored >= 8, done  # most random edits are calls-only: the test exercised the path


def test_suppressions_are_judged_again_against_the_new_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", incremental_project())
    path = root / "pkg/m2.py"
    # a suppression that silences nothing yet (SSOT901): the edit below makes it silence an unawaited coroutine
    text = path.read_text().replace("\n    fetch_3()\n", "\n    get_3()  # ssot: ignore[SSOT402] -- later\n    fetch_3()\n")
    path.write_text(text)
    cache = tmp_path / "cache"
    before = scan_output(root, cache)
    assert "SSOT901" in before
    _, ran = _record(monkeypatch)
    # that call becomes a dropped coroutine; an await gets a suppression of its own (SSOT401), and another one of a
    # rule that is not a call reader (SSOT203: unused, so SSOT901)
    edited = text.replace("    get_3()  # ssot", "    fetch_3()  # ssot").replace(
        "\n    await get_3()\n", "\n    await get_3()  # ssot: ignore[SSOT401] -- x\n    await get_3()  # ssot: ignore[SSOT203]\n")
    assert edited.count("fetch_3()") == 2 and edited.count("await get_3()") == 2
    path.write_text(edited)
    after = scan_output(root, cache)
    assert after == scan_output(root, None)
    assert ran[:2] == [SUPPRESSION_ONLY, (NARROWED, {"pkg.m2"})]
    assert after.count("SSOT901") == before.count("SSOT901")  # one gone, one new


def test_without_the_kept_model_the_scan_builds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = scanned_tree(tmp_path)
    for kept in cache.rglob("kept-*"):
        kept.write_bytes(kept.read_bytes()[:-3])  # damaged: every kept entry is a miss
    built, ran = _record(monkeypatch)
    path = root / "pkg/m4.py"
    path.write_text(path.read_text().replace("        return len(data)\n", "        print(data)\n        return len(data)\n"))
    assert scan_output(root, cache) == scan_output(root, None)
    assert (built, ran) == (["model", "model"], [None, None])


def test_after_an_unseen_edit_the_kept_model_still_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = scanned_tree(tmp_path)
    built, ran = _record(monkeypatch)
    path = root / "pkg/m4.py"
    path.write_text("# a comment: the last result is moved\n" + path.read_text())
    assert scan_output(root, cache) == scan_output(root, None)
    assert ran == [None]  # the cold scan's alone
    built.clear()
    ran.clear()
    path.write_text(path.read_text().replace("        return len(data)\n", "        print(data)\n        return len(data)\n"))
    assert scan_output(root, cache) == scan_output(root, None)
    assert built == ["model"] and ran[0] == SUPPRESSION_ONLY  # restored, not built, by the cached scan


@pytest.mark.parametrize("user", [
    "from pkg.legacy import LegacyManager\n\n\ndef build():\n    print(1)\n    return LegacyManager()\n",
    "def build():\n    print(1)\n    from pkg.legacy import LegacyManager\n\n    return LegacyManager()\n",
], ids=["module-level import", "function-local import"])
def test_a_kept_fix_that_edits_the_edited_file_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              user: str) -> None:  # fmt: skip
    # SSOT102's finding is in pkg/legacy.py; its fix edits the import and the use in pkg/old_user.py, where a call
    # inserted above the use moves it (and the import, when it is local to the function): the kept fix (unchecked
    # after a calls-only edit) must not be served, nor the import's recorded position (``fix.memo._recorded_uses``)
    root, cache = scanned_tree(tmp_path, {**fixable_project(), "pkg/old_user.py": user}, both_scopes=True)
    _, ran = _record(monkeypatch)
    (root / "pkg/old_user.py").write_text(user.replace("    print(1)\n", "    len([2])\n    print(1)\n"))
    cached = scan_output(root, cache, "json", True)
    assert ran[0] == SUPPRESSION_ONLY  # the calls-only path, with the fixes kept from the last scan
    assert cached == scan_output(root, None, "json", True)
    fixed = [f["fix"]["edits"] for f in json.loads(cached)["findings"] if f["code"] == "SSOT102" and f.get("fix")]
    lines = [user.replace("    print(1)\n", "    len([2])\n    print(1)\n").splitlines().index(text) + 1
             for text in ("    return LegacyManager()", next(t for t in user.splitlines() if "import" in t))]
    assert [(e["path"], e["line"]) for e in fixed[0]] == [("pkg/old_user.py", line) for line in lines]  # moved


def test_a_calls_only_scan_reads_the_facts_of_the_modules_it_looks_at_only(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root, cache = scanned_tree(tmp_path, fixable_project(), both_scopes=True)
    indexes = []
    real = api.restored_project

    def spy(*args: object, **kwargs: object) -> object:
        loaded = real(*args, **kwargs)  # type: ignore[arg-type]
        indexes.append(loaded[0].index)
        return loaded

    monkeypatch.setattr(api, "restored_project", spy)
    path = root / "pkg/m4.py"
    path.write_text(path.read_text().replace("        return len(data)\n", "        print(data)\n        return len(data)\n"))
    for fmt, fixes in (("json", True), ("text", False)):
        indexes.clear()
        assert scan_output(root, cache, fmt, fixes) == scan_output(root, None, fmt, fixes)
        loaded = set(indexes[0].loaded_modules())
        # the edited module, what its names resolve through (m5's get_5/fetch_5, Manager1 by way of pkg.legacy and
        # m0) and, for the JSON scan, a module a rebuilt fix parses (m3): never the other 13 of 18 (app.*, m1, m2...)
        assert "pkg.m4" in loaded and loaded <= {"pkg.m4", "pkg.m5", "pkg.legacy", "pkg.m0", "pkg.m3"}, (fmt, loaded)
        assert len(indexes[0].modules) == 18


def test_a_damaged_entry_of_a_file_changed_during_the_scan_is_scanned_again(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from tests.analysis.test_lazy_facts import _flip_in_pack, _tree  # noqa: PLC0415 - that test's pack surgery

    root, cache = scanned_tree(tmp_path)
    _flip_in_pack(_tree(root, cache)[1], "pkg/m5.py", from_end=20)  # m5's facts: read when m4's calls are judged
    path = root / "pkg/m4.py"
    path.write_text(path.read_text().replace("        return len(data)\n", "        print(data)\n        return len(data)\n"))
    real, attempts = api.restored_project, []

    def changing_m5(*args: object, **kwargs: object) -> object:
        if not attempts:  # after the walk hashed it: its damaged entry cannot be analysed again to that hash
            (root / "pkg/m5.py").write_text((root / "pkg/m5.py").read_text() + "\nLATE = 1\n")
        attempts.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "restored_project", changing_m5)
    assert scan_output(root, cache) == scan_output(root, None)
    assert attempts == [1]  # the second attempt sees m5's new content: a change no calls-only scan takes


COPIES = {  # one factory in two packages, async in one (SSOT104 reports the copy in two/, one/'s being canonical),
    # and SSOT401 in app/client.py, which reads the calls of Base.get in app/base.py (``test_local_call_readers``)
    "one/__init__.py": "", "one/factory.py": "async def make_client():\n    return {}\n",
    "two/__init__.py": "", "two/factory.py": "def make_client():\n    return {}\n",
}
CHANGES = {  # calls-only edits: one changes a finding in another module, one changes no finding
    "app/base.py": ("        self.request()\n", "        print()\n"),
    "one/factory.py": ("    return {}\n", "    print(1)\n    return {}\n"),
}


@pytest.mark.parametrize("path", sorted(CHANGES))
def test_an_edit_judged_with_other_modules_gives_the_cold_scan(tmp_path: Path, path: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # SSOT401 in app/client.py is judged again when app/base.py's calls change; SSOT104's finding of make_client,
    # in two/factory.py, when one/factory.py's calls do (and it is found once: it is in another file)
    from tests.rules.test_local_call_readers import FOLLOWED  # noqa: PLC0415 - that test's project

    root = write_project(tmp_path / "proj", {**{k: v for k, v in FOLLOWED.items() if k.startswith("app/")}, **COPIES})
    cache = tmp_path / "cache"
    before = scan_output(root, cache)
    assert _located(before) == [("SSOT104", "two/factory.py"), ("SSOT401", "app/other.py")]
    _, ran = _record(monkeypatch)
    old, new = CHANGES[path]
    (root / path).write_text((root / path).read_text().replace(old, new))
    after = scan_output(root, cache)
    assert ran[:2] == [SUPPRESSION_ONLY, (NARROWED, ran[1][1])]  # the calls-only path
    assert after == scan_output(root, None)
    assert _located(after) == [("SSOT104", "two/factory.py"), *([("SSOT401", "app/client.py")] if path == "app/base.py"
                                                                else []), ("SSOT401", "app/other.py")]  # fmt: skip


def _located(output: str) -> list[tuple[str, str]]:
    """(code, path) of each SSOT104 and SSOT401 finding of a JSON report, in code and path order."""
    return sorted((f["code"], f["location"]["path"]) for f in json.loads(output)["findings"]
                  if f["code"] in ("SSOT104", "SSOT401"))  # fmt: skip


def test_past_the_pending_maps_the_kept_state_is_dropped_then_kept_anew(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # the kept state holds lines; each scan that does not keep it again records its edit's line map, up to
    # ``rerun.MAX_PENDING`` maps: the scan that would record a third does not re-key the state, so the next one runs
    # whole (and keeps the state anew), and the one after is calls-only again
    monkeypatch.setattr(rerun, "MAX_PENDING", 2)
    root, cache = scanned_tree(tmp_path)
    built, ran = _record(monkeypatch)
    path = root / "pkg/m4.py"
    paths_taken = []
    for n in range(5):
        path.write_text(path.read_text().replace("        return len(data)\n", f"        print({n})\n        return len(data)\n"))
        ran.clear()
        assert scan_output(root, cache) == scan_output(root, None)
        paths_taken.append("calls-only" if ran[0] == SUPPRESSION_ONLY else "whole")
    assert paths_taken == ["calls-only", "calls-only", "calls-only", "whole", "calls-only"]


def test_a_calls_only_scan_takes_the_names_bound_to_targets_from_the_full_scan(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``names_bound_to`` (SSOT301/303/402: the names a call may reach a target by) resolves every module-level
    alias of the project: a full scan keeps its answers (``CallTables.bound_names``), a calls-only scan asks them."""
    root, cache = scanned_tree(tmp_path, fixable_project(), both_scopes=True)
    computed: list[frozenset[object]] = []
    real = base._names_bound

    def counted(sites: object, names: object, targets: frozenset[object]) -> frozenset[str]:
        computed.append(frozenset(targets))
        return real(sites, names, targets)  # type: ignore[arg-type]

    monkeypatch.setattr(base, "_names_bound", counted)
    path = root / "pkg/m4.py"
    for n in range(2):  # the second edit: the kept answers still serve after a calls-only scan
        path.write_text(path.read_text().replace("        return len(data)\n", f"        print({n})\n        return len(data)\n"))
        for fmt, fixes in (("json", True), ("text", False)):
            computed.clear()
            cached = scan_output(root, cache, fmt, fixes)
            assert computed == [], (n, fmt)
            assert cached == scan_output(root, None, fmt, fixes), (n, fmt)
            assert computed, (n, fmt)  # the cold scan computes them (SSOT402's async defs at least)
    path.write_text(path.read_text().replace("def ", "def renamed_", 1))  # a full scan: computed and kept anew
    computed.clear()
    assert scan_output(root, cache) == scan_output(root, None)
    assert len(computed) == 2


def _print_in_m4(root: Path, n: int) -> None:
    path = root / "pkg/m4.py"
    path.write_text(path.read_text().replace("        return len(data)\n", f"        print({n})\n        return len(data)\n"))


def test_after_a_full_scan_whose_resolver_gave_up_no_state_is_kept(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """An answer built on a give-up (``fixpoint.CycleMemo.gave_up``: an alias chain past the nesting limit) may
    depend on the order of queries: the state of such a scan is not kept, the next calls-only edit runs whole."""
    files = incremental_project()
    files["pkg/chain.py"] = "class A0:\n    pass\n" + "".join(f"A{i} = A{i - 1}\n" for i in range(1, 400))
    files["pkg/use_chain.py"] = "from pkg.chain import A399\n\n\ndef make():\n    return A399()\n"
    root, cache = scanned_tree(tmp_path, files)
    built, ran = _record(monkeypatch)
    _print_in_m4(root, 1)
    assert scan_output(root, cache) == scan_output(root, None)
    assert (built, ran) == (["model", "model"], [None, None])  # the cached scan and the cold one: both whole


def test_a_calls_only_scan_whose_resolver_gives_up_runs_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = scanned_tree(tmp_path)
    built, ran = _record(monkeypatch)
    real = api._audit

    def giving_up(project: object, **kwargs: object) -> object:
        result = real(project, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("reused") is not None:
            project.resolver.gave_up += 1  # type: ignore[attr-defined]
        return result

    monkeypatch.setattr(api, "_audit", giving_up)
    _print_in_m4(root, 1)
    assert scan_output(root, cache) == scan_output(root, None)
    # the calls-only attempt (a model restored: not built; narrowed rules), then the whole scan, then the cold one
    assert built == ["model", "model"] and ran[0] == SUPPRESSION_ONLY and ran[-2:] == [None, None], ran
