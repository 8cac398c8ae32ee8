"""The scan after a private method (``_name``) is added to, removed from or renamed in a class of production code:
the concept model reads a class's public methods and dunders, never a private one (``edits.private_members_only``),
so the interface path keeps it and judges again what the member lookups recorded of the class (``trace.CLASS``: an
``await self._prepare(key)`` that finds another method, or none). Anything the model reads refuses the path: a
public method, a dunder, an abstract one, an instance attribute (what a facade wraps), an ``async def`` outside
test code (SSOT401's table). Every scan gives the cold scan's output byte for byte."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis.edits import _model_holds, private_members_only
from ssot_audit.analysis.interface_change import interface_change

from tests.analysis.test_class_edits import _class_project, logged_edits
from tests.analysis.test_interface_scan import random_edits
from tests.helpers import scan_output
from tests.test_unseen import facts_of, line_map

SERVICE = (
    "from pkg.m1 import Manager1\n\n\n"
    "class Service:\n"
    "    def _prepare(self, key):\n        return str(key)\n\n"
    "    def _connect(self):\n        return Manager1()\n\n"
    "    async def serve(self, key):\n        data = await self._prepare(key)\n        conn = self._connect()\n"
    "        return await conn.send(data)\n\n"
    "    def status(self):\n        return self._prepare('s')\n"
)
SERVICE_USER = (
    "from pkg.service import Service\n\n\n"
    "async def ask():\n    return await Service()._connect().close()\n"
)
RENAMED = ("_prepare", "_connect")
# what each kind of edit adds (``{n}``: a number): on the path, or the whole way
ADDED = {
    "private": "    def _added_{n}(self):\n        return {n}\n",
    "attribute": "    def _remember_{n}(self):\n        self._memo_{n} = {n}\n",  # ``Similarity.held`` reads them
    "public": "    def added_{n}(self):\n        return {n}\n",
    "dunder": "    def __len__(self):\n        return {n}\n",
    "abstract": "    @abstractmethod\n    def _hook_{n}(self):\n        return {n}\n",  # ``Roles._kind_by_base``
    "async": "    async def _later_{n}(self):\n        return {n}\n",  # SSOT401's table of async defs
}
ON_PATH = ("private", "remove", "rename", "abstract-again")


def _project() -> dict[str, str]:
    """``_class_project`` with a production class whose methods call its private ones (a sync one awaited: SSOT401)
    and a module that calls one from outside."""
    return {**_class_project(), "pkg/service.py": SERVICE, "pkg/service_user.py": SERVICE_USER}


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a production class's members: a method of some kind added above another (so the class
    ends where it did), a private one added before taken away, or a private one renamed (or its name put back). A
    private abstract method added to a class that has one already changes nothing the model reads."""
    path = root / "pkg" / rng.choice(["service.py", "pool_a.py", "holder.py", "m0.py", "m1.py"])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    added = re.findall(r"^    def _added_\d+\(self\):\n        return \d+\n\n", text, re.M)
    kinds = [*ADDED, "private", "rename", *(["remove"] * 2 if added else [])]
    kind = rng.choice(kinds)
    if kind == "rename":  # the file with private methods of its own
        path, text = root / "pkg/service.py", (root / "pkg/service.py").read_text(encoding="utf-8")
    if kind == "remove":
        text = text.replace(rng.choice(added), "", 1)
    elif kind == "rename":
        names = [name for name in (*RENAMED, *re.findall(r"def (_added_\d+)\(", text))
                 if re.search(rf"def {name}(_r\d+)?\(", text)]
        if not names:
            return f"none {path.name}"
        name = rng.choice(names)
        text = re.sub(rf"def {name}(_r\d+)?\(", lambda m: f"def {name}(" if m.group(1) else f"def {name}_r{n}(",
                      text, count=1)  # fmt: skip
    else:
        at = rng.choice([m.start() for m in re.finditer(r"^    (?:async )?def |^    @", text, re.M)])
        # each file edited has one class with methods: one abstract already, another changes nothing the model reads
        kind = "abstract-again" if kind == "abstract" and "@abstractmethod" in text else kind
        text = text[:at] + ADDED[kind.split("-")[0]].format(n=n) + "\n" + text[at:]
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [91, 92])
def test_random_private_method_edits_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after a private method added, removed or
    renamed take the path, in a concept's member and in a class two others are compared with too; none after any
    other kind (``ADDED``)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, _project())
    for done, *scans in log:
        kind = done.split()[0]
        assert len(scans) == (2 if kind in ON_PATH else 0), (done, scans, [entry[0] for entry in log])
    assert {entry[0].split()[0] for entry in log} >= {"private", "rename"}, log  # the seeds exercise the path


def _awaited_sync(root: Path, cache: Path | None) -> list[int]:
    """The lines of ``pkg/service.py`` that SSOT401 reports."""
    found = json.loads(scan_output(root, cache))["findings"]
    return [f["location"]["line"] for f in found
            if f["code"] == "SSOT401" and f["location"]["path"] == "pkg/service.py"]  # fmt: skip


def test_a_renamed_private_method_changes_what_its_callers_find(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``await self._prepare(key)`` awaits a sync method (SSOT401); once it is renamed the call finds nothing, and the
    finding goes: the scan takes the path and says what the cold scan says (``scans_after_edit``)."""
    before: list[int] = []

    def edit(root: Path, rng: random.Random) -> str:
        before.extend(_awaited_sync(root, None))
        path = root / "pkg/service.py"
        path.write_text(path.read_text(encoding="utf-8").replace("def _prepare(", "def _prepare_r1("), encoding="utf-8")
        return "rename"

    assert random_edits(tmp_path, monkeypatch, 0, edit, files=_project(), edits=1)[0] == 2
    lines = SERVICE.splitlines()
    sent = lines.index("        return await conn.send(data)") + 1  # ``Manager1.send`` is sync too
    assert before == [lines.index("        data = await self._prepare(key)") + 1, sent]
    assert _awaited_sync(tmp_path / "proj", tmp_path / "cache") == [sent]


@pytest.mark.parametrize("kind", sorted(ADDED))
def test_what_the_model_reads_of_a_production_class_is_refused(kind: str) -> None:
    """Judged by the facts: a private method alone keeps the model (but an ``async def`` outside test code:
    ``_model_holds``); each other kind changes what the model reads of the class."""
    new = SERVICE.replace("    def status(", ADDED[kind].format(n=7) + "\n    def status(")
    found = interface_change(facts_of(SERVICE), facts_of(new), line_map(SERVICE, new))
    assert found is not None and found.classes == {"Service"}
    private = private_members_only(facts_of(SERVICE), facts_of(new), "Service")
    assert private == (kind in ("private", "async")), kind
    holds = _model_holds(facts_of(SERVICE), facts_of(new), found, False, frozenset({"Service"} if private else ()))
    assert holds == (kind == "private"), kind


STORE = "class {name}:\n{methods}"


def _store(name: str, *methods: str) -> str:
    return STORE.format(name=name, methods="\n".join(f"    def {m}(self, key):\n        return key\n" for m in methods))


def test_a_public_method_that_makes_two_classes_one_concept_takes_the_whole_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Two versions of one name that share one public method play two roles; a second shared one makes them one
    concept (``similarity``: versions of a name need ``MIN_SHARED - 1``). The kept model would miss it: the scan
    goes the whole way and finds the duplicate, as the cold scan does (``scans_after_edit``)."""
    files = {**_project(), "pkg/store_a.py": _store("SessionStore", "load_session", "expire_sessions", "touch_session"),
             "pkg/store_b.py": _store("UnifiedSessionStore", "load_session", "purge_stores", "count_stores"),
             "pkg/store_user.py": "from pkg.store_a import SessionStore\nfrom pkg.store_b import UnifiedSessionStore\n"}

    def edit(root: Path, rng: random.Random) -> str:
        path = root / "pkg/store_b.py"
        added = "    def expire_sessions(self, key):\n        return key\n\n    def purge_stores("
        path.write_text(path.read_text(encoding="utf-8").replace("    def purge_stores(", added), encoding="utf-8")
        return "public"

    assert random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)[0] == 0
    found = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["findings"]
    assert {f["location"]["path"] for f in found if f["code"] == "SSOT101"} >= {"pkg/store_b.py"}
