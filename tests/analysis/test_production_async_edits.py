"""The scan after an ``async def`` of production code is added: a function, a private method or a public one.

The concept model reads which public methods of a class are ``async`` (``ConceptModel.async_methods`` of a concept's
members, the similarity's agreement of the classes it compares), never a function's nor a private method's: those
are let through (``edits._model_holds``), and a public one goes to the kept model's judgement as any public method
does (``kept_judgements.public_members_unread``). The call readers' table of async defs is patched for the edited
module (``kept_calls.async_after``), and what the rules kept of the other modules is checked against the names that
came or went: the modules whose calls are named like it (SSOT402 never judged those calls) are judged again, and an
SSOT401 finding whose sync callee is named like a module-level one (its message lists the async defs of that name)
sends the scan the whole way. So does a function made async or sync. Every scan gives the cold scan's output byte
for byte (``scans_after_edit``)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.analysis.test_interface_scan import random_edits
from tests.analysis.test_production_class_edits import _project
from tests.helpers import scan_output

# Where each coroutine is written: ``pkg/tools.py`` (nothing in it is awaited, nothing else calls its names but
# ``tool_2``), or as a method of ``Service`` (``pkg/service.py``)
ADDED = {
    "function": ("pkg/tools.py", "async def fresh_coroutine(data):\n    return data\n"),
    "private method": ("pkg/service.py", "    async def _refresh(self):\n        return 1\n"),
    # ``load_rows`` is sync, awaited under another name in ``pkg/rows_user.py`` (SSOT401): no call is named like
    # it (SSOT402's check passes), but the finding now says that ``load_rows`` is also an async def, here
    "namesake": ("pkg/tools.py", "async def load_rows(data):\n    return data\n"),
    # ``pkg/m2.py`` calls ``tool_2(1)`` without awaiting it: a coroutine of that name may be what it calls (judged again)
    "called": ("pkg/tools.py", "async def tool_2(data):\n    return data\n"),
    # a public one: in a class the model never compared (``public_members_unread``), and in a concept's member
    "public method": ("pkg/service.py", "    async def refresh(self):\n        return 1\n"),
    "member's method": ("pkg/m1.py", "    async def refresh(self):\n        return 1\n"),  # its async methods are read
}
TAKEN = {"function": 2, "private method": 2, "namesake": 0, "called": 2, "public method": 2, "member's method": 0}
ROWS = {
    "pkg/rows.py": "def load_rows(x):\n    return [x]\n",
    "pkg/rows_user.py": "from pkg.rows import load_rows as fetch_rows\n\n\nasync def run():\n    return await fetch_rows(1)\n",
}


def _notes(root: Path, cache: Path | None) -> list[tuple[str, bool]]:
    """Each SSOT401 finding about ``load_rows``: its file, and whether its message lists an async def of that name."""
    found = json.loads(scan_output(root, cache))["findings"]
    return [(f["location"]["path"], "also defined as async def" in f["message"])
            for f in found if f["code"] == "SSOT401" and f["facts"]["callee"] == "pkg.rows.load_rows"]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ADDED))
def test_an_async_def_of_production_code_keeps_the_model_unless_a_kept_finding_reads_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:  # fmt: skip
    """A coroutine function or a private coroutine method written in production code keeps the model, and so does a
    public one in a class the model never compared; one named like a sync callee of a kept SSOT401 finding, or like
    a call elsewhere, or a public one in a concept's member (the plan lists which methods are async), goes the
    whole way."""
    path, code = ADDED[kind]

    def edit(root: Path, rng: random.Random) -> str:
        target = root / path
        text = target.read_text(encoding="utf-8")
        if code.startswith("    "):  # a method: above the class's last (``status``, ``close``)
            last = "    def status(" if "    def status(" in text else "    def close("
            text = text.replace(last, code + "\n" + last)
        else:
            text = text.rstrip("\n") + "\n\n\n" + code
        target.write_text(text, encoding="utf-8")
        return kind

    assert random_edits(tmp_path, monkeypatch, 0, edit, files={**_project(), **ROWS}, edits=1)[0] == TAKEN[kind]
    assert _notes(tmp_path / "proj", tmp_path / "cache") == [("pkg/rows_user.py", kind == "namesake")]


# ``run_job`` is sync and ``poll_job`` a coroutine function; ``pkg/jobs_user.py`` calls the one and
# ``pkg/poll_user.py`` the other, awaiting neither (SSOT402 judged the calls of ``pkg/poll_user.py`` alone)
JOBS = {
    "pkg/jobs.py": "def run_job(x):\n    return x\n\n\nasync def poll_job(x):\n    return x\n",
    "pkg/jobs_user.py": "from pkg.jobs import run_job\n\n\ndef go():\n    run_job(1)\n    return 3\n",
    "pkg/poll_user.py": "from pkg.jobs import poll_job\n\n\ndef go():\n    poll_job(2)\n    return 3\n",
}
MADE = {  # the edit of ``pkg/jobs.py``, and what SSOT402 reports after it in the two other files
    "made async": (("def run_job", "async def run_job"), [("pkg/jobs_user.py", 5), ("pkg/poll_user.py", 5)]),
    "made sync": (("async def poll_job", "def poll_job"), []),
}


def _replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], path: str, old: str,
              new: str) -> tuple[int, list[tuple[str, int]]]:  # fmt: skip
    """``old`` replaced by ``new`` in ``path`` of ``_project()`` and ``files`` (``random_edits``: each scan equal to a
    cold one): how many scans took the path, and where SSOT402 reports in ``files`` after it."""
    def edit(root: Path, rng: random.Random) -> str:
        target = root / path
        target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return new

    taken = random_edits(tmp_path, monkeypatch, 0, edit, files={**_project(), **files}, edits=1)[0]
    found = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["findings"]
    return taken, [(f["location"]["path"], f["location"]["line"]) for f in found
                   if f["code"] == "SSOT402" and f["location"]["path"] in files]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(MADE))
def test_a_function_made_async_or_sync_judges_again_the_modules_that_call_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:  # fmt: skip
    """The edit of a migration to asyncio: a function made ``async`` (its callers' calls, never judged by SSOT402,
    now are unawaited coroutines) or sync (their findings go). Both scans keep the model and judge again the modules
    that call it, which the edit did not touch."""
    (old, new), expected = MADE[kind]
    assert _replaced(tmp_path, monkeypatch, JOBS, "pkg/jobs.py", old, new) == (2, expected)


# a production class the model never compares (its names are its own), and a module that calls two of its methods
SERVICE_JOBS = {
    "pkg/job_service.py": "class JobService:\n    def run(self, x):\n        return x\n\n    async def poll(self, x):\n"
                          "        return x\n\n    def stop(self):\n        return None\n",
    "pkg/job_service_user.py": "from pkg.job_service import JobService\n\n\ndef go():\n    JobService().run(1)\n"
                               "    JobService().poll(2)\n    return 3\n",
}
METHOD_MADE = {  # the edit of ``pkg/job_service.py``, and what SSOT402 reports after it in the other file
    "method made async": (("    def run(", "    async def run("), [("pkg/job_service_user.py", 5),
                                                                ("pkg/job_service_user.py", 6)]),
    "method made sync": (("    async def poll(", "    def poll("), []),
}


@pytest.mark.parametrize("kind", sorted(METHOD_MADE))
def test_a_public_method_made_async_or_sync_keeps_the_model_when_it_never_read_the_class(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:  # fmt: skip
    """A public method of a production class made ``async`` or sync (``InterfaceChange.toggled``): the kept model
    judges the class as for a public method added (``kept_judgements.public_members_unread``: never compared, in no
    concept, no subclass...), and the calls of it in a module the edit did not touch are judged again (SSOT402)."""
    (old, new), expected = METHOD_MADE[kind]
    assert _replaced(tmp_path, monkeypatch, SERVICE_JOBS, "pkg/job_service.py", old, new) == (2, expected)


def test_a_method_made_async_in_a_concept_s_member_takes_the_whole_scan(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The model reads which methods of a concept's members are async (the plan lists them): ``Manager1.close`` made
    async rebuilds it (the whole scan, equal to a cold one)."""
    old = "    def close(self) -> None:"
    assert old in _project()["pkg/m1.py"]
    assert _replaced(tmp_path, monkeypatch, SERVICE_JOBS, "pkg/m1.py", old, "    async " + old.lstrip())[0] == 0
