"""The scan after a store into another module's attribute is added, removed or changed (``mod.attr = ...``,
``setattr``: monkeypatching, most of it in tests): whether some module patches a name in decides whether a name
another module imports from that module may be missing (SSOT203). The interface path fires the attribute's
``trace.STORES`` leaf, makes the edited module's rows of the kept table of every module's stores again
(``namespace.stores_after``), and gives the cold scan's output byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.namespace import stores_after, stores_table
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import STORES, Trace
from ssot_audit.config import load_config
from ssot_audit.project import load_project

from tests.analysis.test_class_edits import logged_edits
from tests.analysis.test_interface_scan import _project
from tests.helpers import write_project
from tests.test_unseen import facts_of, line_map

NAMES = ("DEBUG", "LEVEL", "QUIET", "VERSION")
STORED = {
    "st/__init__.py": "",
    "st/conf.py": "VERSION = 1\n",
    "st/user.py": "from st.conf import DEBUG, LEVEL, QUIET\n\n\ndef show():\n    return DEBUG, LEVEL, QUIET\n",
    "tests/__init__.py": "",
    "tests/test_conf.py": "import st.conf\n\n\ndef test_conf():\n    st.conf.VERSION = 2\n",
    "tests/test_more.py": "import st\nimport st.conf\n\n\ndef test_more():\n    st.conf.LEVEL = 1\n",
}


def _edit(root: Path, rng: random.Random) -> str:
    """A store of a name into ``st.conf`` added to a test's body (plain, or ``setattr`` with the name or a computed
    one), or one taken away."""
    path = root / "tests" / rng.choice(["test_conf.py", "test_more.py"])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    stores = [i for i, line in enumerate(lines) if line.startswith("    ") and "st.conf" in line]
    if stores and rng.random() < 0.4:
        del lines[rng.choice(stores)]
        kind = "remove"
    else:
        name = rng.choice(NAMES)
        line = rng.choice([f"    st.conf.{name} = {rng.randrange(9)}\n", f"    setattr(st.conf, '{name}', 1)\n",
                           f"    setattr(st.conf, '{name[:2]}' + '{name[2:]}', 1)\n"])  # fmt: skip
        lines.insert(rng.choice(stores or [len(lines) - 1]) + 1, line)
        kind = "add"
    if not any(line.startswith("    ") for line in lines):
        lines.append("    return None\n")
    path.write_text("".join(lines), encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_random_store_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``), and both scans after each edit take the path (the
    concept model reads no store)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, {**_project(), **STORED})
    assert all(len(scans) == 2 for _, *scans in log), log


def test_a_store_added_fires_its_attribute() -> None:
    """A store added, plain or by ``setattr`` with a computed name (``*``), is of ``InterfaceChange.stores``: each
    fires its ``STORES`` leaf; the same stores in another order fire every stored attribute."""
    old = "import st.conf\n\n\ndef f():\n    st.conf.A = 1\n"
    for new, stored in ((old + "    st.conf.B = 2\n", {"B"}), (old + "    setattr(st.conf, 'x' + 'y', 1)\n", {"*"}),
                        (old.replace("st.conf.A = 1", "st.conf.B = 1\n    st.conf.A = 1"), {"B"})):  # fmt: skip
        found = interface_change(facts_of(old), facts_of(new), line_map(old, new))
        assert found is not None and found.stores == stored
        assert all((STORES, attr) in fired_leaves("t", found, Recorded.of_trace(Trace())) for attr in stored)
    two = old + "    st.conf.B = 2\n"
    swapped = old.replace("st.conf.A = 1", "st.conf.B = 2") + "    st.conf.A = 1\n"
    found = interface_change(facts_of(two), facts_of(swapped), line_map(two, swapped))
    assert found is not None and found.stores == {"A", "B"}


def test_the_rows_of_the_edited_modules_are_made_again_where_a_full_table_has_them(tmp_path: Path) -> None:
    """``stores_after`` of the table before an edit is the table of every module after it: the edited module's rows
    in its place among the others' (the table lists each attribute's stores in the modules' order)."""
    files = {**STORED, "tests/test_a.py": "import st.conf\n\n\ndef test_a():\n    st.conf.LEVEL = 0\n"}
    root = write_project(tmp_path / "proj", files)
    config = load_config(root)

    def table() -> tuple[ProjectIndex, dict]:
        index = load_project(root, config).index
        return index, stores_table(index.iter_modules())

    _, before = table()
    (root / "tests/test_conf.py").write_text("import st.conf\n\n\ndef test_conf():\n    st.conf.LEVEL = 2\n"
                                            "    st.conf.DEBUG = 1\n", encoding="utf-8")  # fmt: skip
    index, after = table()
    assert after["LEVEL"][1][0] == "tests.test_conf"  # between ``tests.test_a`` and ``tests.test_more``
    assert stores_after(before, index, ["tests.test_conf"]) == after
