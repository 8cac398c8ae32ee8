"""The scan after a method is added to, removed from or renamed in a class of production code.

The concept model reads a class's public methods and dunders, never a private one (``edits.changed_classes``):
after a private method's edit the interface path keeps the model and judges again what the member lookups recorded
of that name (``trace.MEMBER``: an ``await self._prepare(key)`` that finds another method, or none), in a class the
model compared too (a concept's member), unless the model looked the name up itself (a facade's ``self._make()``). A public
method's edit keeps it when the kept model shows nothing reads the class's methods
(``kept_judgements.public_members_unread``): never compared, in no concept, no subclass, and names no other class
defines. Anything else the model reads refuses the path: a dunder, an abstract method, an instance attribute (what a
facade wraps), an ``async def`` outside test code (SSOT401's table). Every scan gives the cold scan's output byte
for byte."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis import edits, loader
from ssot_audit.analysis.edits import _model_holds, changed_classes, public_members
from ssot_audit.analysis.interface_change import interface_change

from tests.analysis.test_class_edits import _class_project, logged_edits
from tests.analysis.test_interface_scan import random_edits
from tests.helpers import scan_output, scanned_tree, write_project
from tests.test_unseen import facts_of, line_map

SERVICE = (
    "from pkg.m1 import Manager1\n\n\n"
    "class Service:\n"
    "    def _prepare(self, key):\n        return str(key)\n\n"
    "    def _connect(self):\n        return Manager1()\n\n"
    "    async def serve(self, key):\n        data = await self._prepare(key)\n        conn = self._connect()\n"
    "        return await conn.send(data)\n\n"
    "    def drain_queue(self):\n        return []\n\n"
    "    def status(self):\n        return self._prepare('s')\n"
)
SERVICE_USER = (
    "from pkg.service import Service\n\n\n"
    "async def ask():\n    return await Service()._connect().close()\n"
)
RENAMED = {"private": ("_prepare", "_connect"), "public": ("drain_queue", "status")}
# what each kind of edit adds (``{n}``: a number)
ADDED = {
    "private": "    def _added_{n}(self):\n        return {n}\n",
    "attribute": "    def _remember_{n}(self):\n        self._memo_{n} = {n}\n",  # ``held`` reads them, as a member
    "public": "    def added_{n}(self):\n        return {n}\n",
    "dunder": "    def __len__(self):\n        return {n}\n",
    "abstract": "    @abstractmethod\n    def _hook_{n}(self):\n        return {n}\n",  # ``Roles._kind_by_base``
    "async": "    async def _later_{n}(self):\n        return {n}\n",  # the call readers' table patched (``kept_calls``)
    "public_async": "    async def later_{n}(self):\n        return {n}\n",  # ``ConceptModel.async_methods``
}
ON_PATH = ("private", "private-remove", "private-rename", "abstract-again", "async")
# a public method's edit keeps the path in classes the model never compared (``Service``, ``Holder``), not in a
# concept's member (``Manager0``, ``Manager1``: held, and subclassed by a shim) nor in a compared one (``ChannelPool``)
PUBLIC = ("public", "public-remove", "public-rename", "public_async")
UNREAD = ("service.py", "holder.py")


def _project() -> dict[str, str]:
    """``_class_project`` with a production class whose methods call its private ones (a sync one awaited: SSOT401)
    and a module that calls one from outside."""
    return {**_class_project(), "pkg/service.py": SERVICE, "pkg/service_user.py": SERVICE_USER}


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a production class's members: a method of some kind added above another (so the class
    ends where it did), a private or public one added before taken away, or one renamed (or its name put back). A
    private abstract method added to a class that has one already changes nothing the model reads."""
    path = root / "pkg" / rng.choice(["service.py", "pool_a.py", "holder.py", "m0.py", "m1.py"])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    added = {visibility: re.findall(rf"^    def {prefix}added_\d+\(self\):\n        return \d+\n\n", text, re.M)
             for visibility, prefix in (("private", "_"), ("public", ""))}  # fmt: skip
    kind = rng.choice([*ADDED, "private", "public", "private-rename", "public-rename",
                       *(f"{v}-remove" for v, found in added.items() for _ in range(2) if found)])  # fmt: skip
    if kind.endswith("-remove"):
        text = text.replace(rng.choice(added[kind.split("-")[0]]), "", 1)
    elif kind.endswith("-rename"):
        path = root / "pkg/service.py"  # the file with methods of its own to rename
        text = path.read_text(encoding="utf-8")
        name = rng.choice(RENAMED[kind.split("-")[0]])
        text = re.sub(rf"def {name}(_r\d+)?\(", lambda m: f"def {name}(" if m.group(1) else f"def {name}_r{n}(",
                      text, count=1)  # fmt: skip
    else:
        if kind == "abstract" and path.name in UNREAD:  # an abstract class is no candidate of the model's: kept out
            path = root / "pkg/pool_a.py"  # of the classes whose public methods the path lets change
            text = path.read_text(encoding="utf-8")
        at = rng.choice([m.start() for m in re.finditer(r"^    (?:async )?def |^    @", text, re.M)])
        # each file edited has one class with methods: one abstract already, another changes nothing the model reads
        kind = "abstract-again" if kind == "abstract" and "@abstractmethod" in text else kind
        text = text[:at] + ADDED[kind.split("-")[0]].format(n=n) + "\n" + text[at:]
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [91, 92, 95, 99])
def test_random_production_class_edits_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after a private method added, removed or
    renamed take the path, in a class two others are compared with too and in a concept's member (no lookup of the
    model's asked for those names: ``trace.MEMBER``), and after a public one in a class the model never compared;
    none after any other kind (``ADDED``)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, _project())
    for done, *scans in log:
        kind, name = done.split()
        on_path = kind in ON_PATH or (kind in PUBLIC and name in UNREAD)
        assert len(scans) == (2 if on_path else 0), (done, scans, [entry[0] for entry in log])
    kinds = {entry[0].split()[0] for entry in log}
    assert {"private", "private-rename", "public"} <= kinds and kinds & {"public-rename", "public-remove"}, log


def _awaited_in(root: Path, cache: Path | None, path: str) -> list[int]:
    """The lines of ``path`` that SSOT401 reports."""
    found = json.loads(scan_output(root, cache))["findings"]
    return [f["location"]["line"] for f in found if f["code"] == "SSOT401" and f["location"]["path"] == path]


def _awaited_sync(root: Path, cache: Path | None) -> list[int]:
    """The lines of ``pkg/service.py`` that SSOT401 reports."""
    return _awaited_in(root, cache, "pkg/service.py")


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


def test_a_private_method_made_a_property_changes_what_another_module_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``await Service()._connect().close()`` in another module awaits a sync method (SSOT401); once ``_connect`` is
    a property, the call is of what it returns, unknown, and the finding goes. What that module's judgement read of
    the method (its ``HEAD``, ``members.MemberLookup._is_property``, and its ``FUNCTION``, what it returns; the
    name's ``MEMBER`` rows are the same) the decorator fires: the scan takes the path and says what the cold scan
    says."""
    before: list[int] = []

    def edit(root: Path, rng: random.Random) -> str:
        before.extend(_awaited_in(root, None, "pkg/service_user.py"))
        path = root / "pkg/service.py"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    def _connect(", "    @property\n    def _connect("), encoding="utf-8")
        return "property"

    assert random_edits(tmp_path, monkeypatch, 0, edit, files=_project(), edits=1)[0] == 2
    assert before == [SERVICE_USER.splitlines().index("    return await Service()._connect().close()") + 1]
    assert _awaited_in(tmp_path / "proj", tmp_path / "cache", "pkg/service_user.py") == []


@pytest.mark.parametrize("kind", sorted(ADDED))
def test_what_the_model_reads_of_a_production_class_is_judged_by_its_facts(kind: str) -> None:
    """Judged by the facts: a private method alone keeps the model (an ``async def`` too: the call readers' table is
    patched); a public one is for the kept model to judge (``public_members``), an ``async def`` too (the model reads
    which public methods are async only of the classes it compares and of a concept's members, which the kept model
    refuses); an instance attribute is a member, read under the class's leaf (``Moved.attrs``); each other kind
    changes what the model reads of the class."""
    new = SERVICE.replace("    def status(", ADDED[kind].format(n=7) + "\n    def status(")
    old_facts, new_facts = facts_of(SERVICE), facts_of(new)
    found = interface_change(old_facts, new_facts, line_map(SERVICE, new))
    assert found is not None and found.classes == {"Service"}
    private = "Service" in changed_classes(old_facts, new_facts, found, False)[0]
    assert private == (kind in ("private", "async")), kind
    public = public_members(old_facts, new_facts, "Service")
    was = ("serve", "drain_queue", "status")
    added = {"public": "added_7", "public_async": "later_7"}.get(kind)
    assert public == (None if kind in ("dunder", "abstract") else
                      (was, ("serve", "drain_queue", added, "status") if added else was)), kind
    # an instance attribute: read under the class's leaf (``Similarity.held``), which fires (``Moved.attrs``)
    assert ("Service" in changed_classes(old_facts, new_facts, found, False)[2]) == (kind == "attribute"), kind
    judged = frozenset({"Service"} if public is not None else ())
    holding = ("private", "public", "async", "public_async", "attribute")
    assert _model_holds(old_facts, new_facts, found, False, judged) == (kind in holding), kind
    assert not _model_holds(old_facts, new_facts, found, False, frozenset()) or kind in ("private", "async"), kind


def _store(name: str, *methods: str) -> str:
    return f"class {name}:\n" + "\n".join(f"    def {m}(self, key):\n        return key\n" for m in methods)


STORES = {
    "pkg/store_a.py": _store("SessionStore", "load_session", "expire_sessions", "touch_session"),
    "pkg/store_b.py": _store("UnifiedSessionStore", "load_session", "purge_stores", "count_stores"),
    "pkg/store_c.py": _store("LegacySessionStore", "load_session", "expire_sessions"),
    "pkg/store_user.py": "from pkg.store_a import SessionStore\nfrom pkg.store_b import UnifiedSessionStore\n"
                         "from pkg.store_c import LegacySessionStore\n",
}  # fmt: skip


@pytest.mark.parametrize("path, added, taken", [
    ("pkg/store_b.py", "expire_sessions", 0),  # a name another class defines: the two share two now, one concept
    ("pkg/store_c.py", "vacuum_legacy", 0),  # a third method: a candidate now, which shares two with SessionStore
    ("pkg/store_b.py", "purge_expired", 2),  # a name of its own, in a class never compared: the model holds
])  # fmt: skip
def test_a_public_method_the_model_would_read_takes_the_whole_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, added: str, taken: int) -> None:  # fmt: skip
    """Versions of one name share ``MIN_SHARED - 1`` public methods to play one role (``similarity``), and the
    discovery compares only classes with ``MIN_SHARED`` methods. A public method another class defines, or one that
    makes a class a candidate, could make a concept the kept model does not have: the scan goes the whole way and
    finds the concept, as the cold scan does (``scans_after_edit``); a name of its own keeps the path."""

    def edit(root: Path, rng: random.Random) -> str:
        target = root / path
        text = target.read_text(encoding="utf-8")
        target.write_text(text + f"\n    def {added}(self, key):\n        return key\n", encoding="utf-8")
        return added

    assert random_edits(tmp_path, monkeypatch, 0, edit, files={**_project(), **STORES}, edits=1)[0] == taken
    concepts = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["concepts"]
    members = {m["location"]["path"] for c in concepts for m in c["members"]}
    assert (path in members) == (not taken), members


BOOK_USER = "from pkg.book_a import OrderBook\nfrom pkg.book_b import UnifiedOrderBook\n"
DROPPED = ("drop_one", "drop_two", "drop_three")


def _removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], path: str,
             gone: tuple[str, ...]) -> int:  # fmt: skip
    """How many scans took the path after the public methods ``gone`` were removed from the class of ``path`` (each
    scan equal to a cold scan's)."""

    def edit(root: Path, rng: random.Random) -> str:
        target = root / path
        text = target.read_text(encoding="utf-8")
        for name in gone:
            text = text.replace(f"    def {name}(self, key):\n        return key\n", "")
        target.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        return path

    return random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)[0]


@pytest.mark.parametrize("methods, gone, taken", [
    (("load_session", "keep_one", "keep_two", "keep_three"), ("keep_three",), 2),
    (("load_session", "keep_one"), ("keep_one",), 0),  # ``load_session`` left, which ``Other`` defines too
])  # fmt: skip
def test_a_public_method_removed_keeps_the_path_while_the_class_keeps_a_name_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, methods: tuple[str, ...], gone: tuple[str, ...],
        taken: int) -> None:  # fmt: skip
    """No other class's set of methods can equal the class's new one (``KeptMethods.lends_set``: an equal set is
    kept once, and which class built it decides the order the similarity sums weights in) while it keeps a name no
    other class defines; when every name left is another class's too, the scan goes the whole way."""
    files = {**_project(), "pkg/keeper.py": _store("Keeper", *methods),
             "pkg/other.py": _store("Other", "load_session", "hold_all"),
             "pkg/keeper_user.py": "from pkg.keeper import Keeper\nfrom pkg.other import Other\n"}  # fmt: skip
    assert _removed(tmp_path, monkeypatch, files, "pkg/keeper.py", gone) == taken


def test_a_base_class_takes_the_whole_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class never compared whose subclass is: the subclass inherits its methods, and with one of them gone it
    shares enough with another version of its name to be one concept (``MIN_COVER``)."""
    shared = ("place_order", "cancel_order", "list_orders")
    base = ("audit_one_b", "audit_two_b", "audit_three_b", "audit_four_b")
    files = {**_project(), "pkg/book_a.py": _store("OrderBook", *shared, "audit_one", "audit_two", "audit_three"),
             "pkg/book_base.py": _store("BookBase", *base),
             "pkg/book_b.py": "from pkg.book_base import BookBase\n\n\n"
                              + _store("UnifiedOrderBook(BookBase)", *shared),
             "pkg/book_user.py": BOOK_USER}  # fmt: skip
    before = json.loads(scan_output(write_project(tmp_path / "before", files), None))["concepts"]
    assert not [c for c in before if "book" in c["name"]]
    assert _removed(tmp_path, monkeypatch, files, "pkg/book_base.py", base[-1:]) == 0
    concepts = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["concepts"]
    assert {"pkg/book_a.py", "pkg/book_b.py"} <= {m["location"]["path"] for c in concepts for m in c["members"]}


def test_a_class_the_model_compared_takes_the_whole_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two versions of one name compared, too little of each shared (``MIN_COVER``): with three of its own names
    gone, the smaller shares enough and they are one concept. The kept model, which compared them, is not kept."""
    own = ("audit_one", "audit_two", "audit_three", "audit_four")
    files = {**_project(), "pkg/book_a.py": _store("OrderBook", "place_order", "cancel_order", *own),
             "pkg/book_b.py": _store("UnifiedOrderBook", "place_order", "cancel_order", *(n + "_b" for n in own)),
             "pkg/book_user.py": BOOK_USER}  # fmt: skip
    assert _removed(tmp_path, monkeypatch, files, "pkg/book_b.py", tuple(n + "_b" for n in own[1:])) == 0
    concepts = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["concepts"]
    assert {"pkg/book_a.py", "pkg/book_b.py"} <= {m["location"]["path"] for c in concepts for m in c["members"]}


def test_a_copy_left_behind_takes_the_whole_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class in a module nothing imports that repeats a live class of the same name and file name is a copy left
    behind once most of its own methods are the live one's (``Roles._find_copies``): its methods removed can make it
    one, so a class of such a module takes the whole scan."""
    files = {**_project(), "pkg/keeper.py": _store("Keeper", "load_session", "keep_one"),  # no candidate: never
             "pkg/keeper_user.py": "from pkg.keeper import Keeper\n",  # compared with the other
             "spare/keeper.py": _store("Keeper", "load_session", "keep_one", *DROPPED)}  # fmt: skip
    before = json.loads(scan_output(write_project(tmp_path / "before", files), None))["findings"]
    assert not [f for f in before if f["code"] == "SSOT105"]  # two names of five are the live class's: no copy yet
    assert _removed(tmp_path, monkeypatch, files, "spare/keeper.py", DROPPED[:2]) == 0
    found = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["findings"]
    assert [f["location"]["path"] for f in found if f["code"] == "SSOT105"] == ["spare/keeper.py"]


FACADE = (
    "from pkg.m0 import Manager0\n\n\n"
    "class FacadeBase:\n    def _make(self):\n        return Manager0()\n\n\n"
    "class ManagerFacade(FacadeBase):\n"
    "    def __init__(self):\n        self.inner = self._make()\n\n"
    "    def connect(self):\n        return self.inner.connect()\n\n"
    "    def send(self, data):\n        return self.inner.send(data)\n"
)


@pytest.mark.parametrize("added, taken", [
    ("_make", 0),  # ``self._make()`` now finds the facade's own, which makes nothing: it holds no member
    ("_unasked", 2),  # a name no lookup asked: the model holds
])  # fmt: skip
def test_a_private_method_of_a_concept_s_facade_reaches_the_model_when_it_looked_the_name_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, added: str, taken: int) -> None:  # fmt: skip
    """A facade is a class that holds a concept's member (``Similarity.held``: its instance attributes looked up
    among its members). Its lookup of ``self._make()`` passed the facade's body for ``_make`` (its ``trace.MEMBER``
    leaf: that name's rows, not the class's members as a whole) and found the base's: a ``_make`` added to the
    facade reaches the model and the scan goes the whole way (the facade is none any more, as the cold scan says:
    ``scans_after_edit``); a private method of another name keeps the model."""
    files = {**_project(), "pkg/facade.py": FACADE, "pkg/facade_user.py": "from pkg.facade import ManagerFacade\n"}

    def facades(root: Path, cache: Path | None) -> list[str]:
        concepts = json.loads(scan_output(root, cache))["concepts"]
        return [m["qualname"] for c in concepts for m in c["members"] if m["role"] == "facade"]

    assert facades(write_project(tmp_path / "before", files), None) == ["pkg.facade.ManagerFacade"]

    def edit(root: Path, rng: random.Random) -> str:
        target = root / "pkg/facade.py"
        method = f"    def {added}(self):\n        return None\n\n"
        target.write_text(target.read_text(encoding="utf-8").replace("    def connect(", method + "    def connect("),
                          encoding="utf-8")  # fmt: skip
        return added

    assert random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)[0] == taken
    assert facades(tmp_path / "proj", tmp_path / "cache") == (["pkg.facade.ManagerFacade"] if taken else [])


def test_a_scan_the_path_refuses_once_loaded_reads_the_other_files_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The kept model can turn an edit down only once the project is loaded lazily (a public method another class
    defines too), whose loading let go of the packs' bytes: the whole scan that follows reads them again instead
    of analysing every file anew (it did: at 4M lines 47-50 CPU-s instead of 14). Only the edited file is analysed,
    once, and the output is the cold scan's."""
    root, cache = scanned_tree(tmp_path, {**_project(), **STORES}, both_scopes=True)
    analysed: list[str] = []
    real = loader.analyze_to_blob

    def counted(path: str, relpath: str, boundary: str | None = None) -> tuple[str, bytes]:
        analysed.append(relpath)
        return real(path, relpath, boundary)

    monkeypatch.setattr(loader, "analyze_to_blob", counted)
    monkeypatch.setattr(edits, "analyze_to_blob", counted)
    store = root / "pkg/store_b.py"  # a name another class defines: refused by the kept model
    store.write_text(store.read_text(encoding="utf-8") + "\n    def expire_sessions(self, key):\n        return key\n",
                     encoding="utf-8")  # fmt: skip
    cached = scan_output(root, cache)
    assert analysed == ["pkg/store_b.py"]  # to judge the edit; the whole scan takes it from there
    assert cached == scan_output(root, None)


WRITTEN = r"^    @(?:functools\.cache|staticmethod|classmethod|property|mark_\d+)\n    (?:async )?def (\w+)"


def _edit_decorator(root: Path, rng: random.Random) -> str:
    """A decorator written above a method of a production class, or one taken away: the model reads decorators."""
    path = root / "pkg" / rng.choice(["service.py", "service.py", "holder.py", "pool_a.py", "m1.py"])
    text = path.read_text(encoding="utf-8")
    written = list(re.finditer(WRITTEN, text, re.M))
    if written and rng.random() < 0.5:
        found = rng.choice(written)
        text = text[:found.start()] + text[found.start():].split("\n", 1)[1]
        name = found[1]
    elif rng.random() < 0.25:  # a class decorated (``dataclass``: a record), or the decorator taken away
        line = f"@mark_{rng.randrange(99)}\n"
        text = re.sub(r"^@mark_\d+\n", "", text, flags=re.M) if "\n@mark_" in text \
            else text.replace("\nclass ", f"\n{line}class ", 1)  # fmt: skip
        name = "class"
    else:
        methods = list(re.finditer(r"^    (?:async )?def (\w+)", text, re.M))
        private = [m for m in methods if m[1].startswith("_")]  # ``Service``'s helpers: the edits the path takes
        found = rng.choice(private if private and rng.random() < 0.6 else methods)
        deco = rng.choice(("functools.cache", "staticmethod", "classmethod", "property", f"mark_{rng.randrange(99)}"))
        text = f"{text[:found.start()]}    @{deco}\n{text[found.start():]}"
        name = found[1]
    path.write_text(text, encoding="utf-8")
    return f"{'class' if name == 'class' else 'private' if name.startswith('_') else 'public'} {path.name}"


@pytest.mark.parametrize("seed", [111, 112])
def test_random_decorators_of_production_methods_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A decorator written above a method of a production class or taken away: its class is let through as changed
    in its members (``InterfaceChange.classes``). A private method's takes the path in a class the model never
    compared (the lookups of its name read its ``HEAD``: what awaits it is judged again); a public method's takes
    the whole scan (``edits.public_members``: the model compares public methods), and so does a class's decorator
    (the roles read them: a dataclass is a record). Each scan equals a cold one."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit_decorator, _project())
    for done, *scans in log:
        kind, name = done.split()
        assert len(scans) == (2 if kind == "private" else 0), (done, scans, [entry[0] for entry in log])
    assert {entry[0].split()[0] for entry in log} == {"private", "public", "class"}, log
