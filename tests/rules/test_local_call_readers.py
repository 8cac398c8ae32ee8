"""Every call reader answers ``RuleContext.calls_in`` and ``call_reads`` as ``rules`` documents: asked about some
modules, the local and following readers give exactly their findings in those modules; the following ones record
the other modules whose calls a judgement read, so that after a calls-only edit judging the edited modules and
those that read them gives a cold run's findings; the grouped ones (SSOT104) give exactly the findings of the groups
of copies with a copy in those modules.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.model import Finding
from ssot_audit.rules import CALL_READERS, FOLLOWING_CALL_READERS, GROUPED_CALL_READERS, LOCAL_CALL_READERS
from ssot_audit.rules.duplicate_factory import duplicated_factories

from tests.helpers import incremental_project, write_project
from tests.test_calls_only import judge

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
NARROWED = LOCAL_CALL_READERS | FOLLOWING_CALL_READERS  # the readers ``calls_in`` narrows to modules
READERS = NARROWED | GROUPED_CALL_READERS

# A base method whose ``self`` call reaches an async override (so ``await c.get()`` is fine) until an edit of the
# base's module drops that call: SSOT401 in ``app/client.py`` reads ``app/base.py``'s calls. A factory copy that
# wraps another (no finding) until an edit drops the call: SSOT104 reads the copies' modules' calls.
FOLLOWED = {
    "pyproject.toml": "[tool.ssot-audit.rules.SSOT104]\nreport-all = true\n",
    "app/__init__.py": "",
    "app/base.py": """
        class Base:
            def get(self):
                self.request()
                return 1

            def request(self):
                return 1
    """,
    "app/client.py": """
        from app.base import Base


        class Client(Base):
            async def request(self):
                return 2


        async def main():
            c = Client()
            return await c.get()
    """,
    "app/other.py": "def sync_job():\n    return 1\n\n\nasync def run():\n    await sync_job()\n",
    "one/__init__.py": "",
    "one/factory.py": "def make_client():\n    return {}\n",
    "two/__init__.py": "",
    "two/factory.py": "from one import factory\n\n\ndef make_client():\n    factory.make_client()\n    return {}\n",
}
EDITS = {  # calls-only edits, each keeping every line where it was
    "app/base.py": ("        self.request()\n", "        print()\n"),
    "two/factory.py": ("    factory.make_client()\n", "    factory.make_client\n"),  # the same attribute read, no call
}


def _project(root: Path) -> api.Project:
    return api.load_project(root, load_config(root))


def _run(project: api.Project, codes: Collection[str], calls_in: frozenset[str] | None = None,
         reads: dict[str, set[str]] | None = None) -> tuple[Finding, ...]:  # fmt: skip
    return api.run_rules(project, only=codes, calls_in=calls_in, call_reads=reads)


def _root(tmp_path: Path, which: str) -> Path:
    if which == "sample_repo":
        return SAMPLE
    return write_project(tmp_path / "proj", incremental_project() if which == "generated" else FOLLOWED)


def test_every_call_reader_but_ssot901_answers_calls_in_one_way() -> None:
    assert READERS == CALL_READERS - {"SSOT901"}
    assert len(LOCAL_CALL_READERS) + len(FOLLOWING_CALL_READERS) + len(GROUPED_CALL_READERS) == len(READERS)


@pytest.mark.parametrize("which", ["sample_repo", "generated", "followed"])
def test_asked_about_some_modules_they_give_their_findings_there(tmp_path: Path, which: str) -> None:
    project = _project(_root(tmp_path, which))
    reads: dict[str, set[str]] = {}
    full = _run(project, READERS, reads=reads)
    expected = {"sample_repo": READERS, "generated": {"SSOT103", "SSOT401", "SSOT402"}, "followed": {"SSOT401"}}[which]
    assert {f.code for f in full} == expected  # each rule has findings to lose
    rng = random.Random(7)
    names = sorted(project.index.modules)
    for size in (1, 1, 2, 3, len(names) // 2, len(names)):
        chosen = frozenset(rng.sample(names, size))
        paths = {project.index.modules[n].relpath for n in chosen}
        asked: dict[str, set[str]] = {}
        assert _run(project, NARROWED, chosen, asked) == tuple(
            f for f in full if f.location.path in paths and f.code in NARROWED), sorted(chosen)  # fmt: skip
        # what a narrowed run records is the full run's record of the modules it judged: the scan merges the two
        assert asked == {m: r for m, r in reads.items() if m in chosen}
        groups = _groups_with_a_copy_in(project, chosen)
        assert _run(project, GROUPED_CALL_READERS, chosen) == tuple(
            f for f in full if f.code in GROUPED_CALL_READERS and f.facts["factory"] in groups)  # fmt: skip
    assert _run(project, NARROWED, frozenset()) == ()


def test_the_reads_are_the_modules_followed(tmp_path: Path) -> None:
    reads: dict[str, set[str]] = {}
    _run(_project(_root(tmp_path, "followed")), READERS, reads=reads)
    assert reads == {"app.client": {"app.base"}}


def _edited(root: Path, path: str) -> Path:
    source = (root / path).read_text(encoding="utf-8")
    old, new = EDITS[path]
    assert source.count(old) == 1
    assert judge(source, source.replace(old, new))  # what the scan takes for a calls-only edit
    (root / path).write_text(source.replace(old, new), encoding="utf-8")
    return root


@pytest.mark.parametrize("path", sorted(EDITS))
def test_after_a_calls_only_edit_the_recorded_readers_judged_again_give_a_cold_run(tmp_path: Path, path: str) -> None:
    last_project = _project(_root(tmp_path, "followed"))
    reads: dict[str, set[str]] = {}
    last = _run(last_project, READERS, reads=reads)
    project = _project(_edited(tmp_path / "proj", path))
    cold = _run(project, READERS)
    assert cold != last  # the edit changes a finding of a module (or group of copies) it does not hold
    edited = frozenset(n for n, i in project.index.modules.items() if i.relpath == path)
    judged = edited | {m for m, read in reads.items() if read & edited}
    groups = _groups_with_a_copy_in(last_project, judged)
    paths = {project.index.modules[n].relpath for n in judged if n in project.index.modules}
    kept = [f for f in last if (f.code in NARROWED and f.location.path not in paths)
            or (f.code in GROUPED_CALL_READERS and f.facts["factory"] not in groups)]  # fmt: skip
    found = _run(project, READERS, frozenset(judged))
    assert tuple(sorted((*kept, *found), key=lambda f: f.sort_key)) == cold


def _groups_with_a_copy_in(project: api.Project, modules: Collection[str]) -> set[str]:
    """The factory names SSOT104 judges when asked about ``modules``: those with a copy in one of them."""
    return {name for name, copies in duplicated_factories(project.index, project.concepts).items()
            if any(d.module in modules for d in copies)}  # fmt: skip
