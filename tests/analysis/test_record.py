"""The record's keys as the cache keeps them (``analysis.record.Keys``): every question a scan asks of them answers as
the same question asked of the keys decoded into a dict."""

from __future__ import annotations

import random
from collections.abc import Hashable

from ssot_audit.analysis import record
from ssot_audit.analysis.record import Keys, Recorded
from ssot_audit.analysis.trace import BOUND, FUNCTION, LEAF_KINDS, MODEL, MODULE, OF_EVERY_MODULE, SITES, UNIT, Trace


def random_keys(seed: int) -> dict[Hashable, int]:
    """Keys of every shape a trace keeps (and a few kept as they are), at random node numbers."""
    rng = random.Random(seed)
    modules = [f"pkg.m{i}" for i in range(6)] + ["", "odd\0name"]
    names = ["x", "y", "f", "C.run", "", "pkg.m1"]  # a name that is also a module's
    keys: dict[Hashable, int] = {MODEL: 0}
    nodes = rng.sample(range(1, 5000), 400)
    for node in nodes:
        shape = rng.randrange(5)
        module, name = rng.choice(modules), rng.choice(names)
        if shape == 0:
            key: Hashable = (module, name)
        elif shape == 1:
            key = (rng.choice(sorted(LEAF_KINDS)), module, name)
        elif shape == 2:
            key = (rng.choice(sorted(LEAF_KINDS)), module)
        elif shape == 3:
            key = (UNIT, rng.choice(["SSOT101", "import sites"]), rng.choice([module, None]))
        else:
            key = (UNIT, "SSOT202", (module, name))  # a group key: kept as it is
        keys.setdefault(key, node)
    return keys


def test_each_question_answers_as_the_decoded_keys_do() -> None:
    for seed in range(20):
        keys = random_keys(seed)
        kept = Recorded.loads(Recorded.of_keys(keys, 5000, 0, 0, b"", b"").dumps()).keys
        assert dict(kept) == keys and len(kept) == len(keys)
        by_node: dict[int, list[Hashable]] = {}
        for key, node in keys.items():
            by_node.setdefault(node, []).append(key)
        for node in range(5000):
            assert sorted(map(repr, kept.keys_at(node))) == sorted(map(repr, by_node.get(node, [])))
        for key, node in keys.items():
            assert kept.node_of(key) == node and key in kept
        for absent in (("pkg.m0", "absent"), (FUNCTION, "absent", "f"), (UNIT, "SSOT999", None), ("pkg.m9", "x")):
            assert kept.node_of(absent) is None and absent not in kept
        for kind in sorted(LEAF_KINDS):
            assert sorted(map(repr, kept.of_kind(kind))) == sorted(repr(k) for k in keys if k[0] == kind)  # type: ignore[index]
        for module in ("pkg.m1", "", "odd\0name", "absent"):
            mine = [k for k in keys if (len(k) == 2 and k[0] == module)  # type: ignore[arg-type,index]
                    or (k[0] in LEAF_KINDS and k[0] not in OF_EVERY_MODULE and k[1] == module)]  # type: ignore[index]
            assert sorted(map(repr, kept.of_module(module))) == sorted(map(repr, mine)), (seed, module)


def test_more_keys_may_name_a_node_the_record_has() -> None:
    keys = {("m", "x"): 1, (UNIT, "T", "a"): 2}
    probe = Recorded.of_keys(keys, 3, 0, 0, b"", b"").with_keys({(UNIT, "probe", ("m", "x")): 1})
    assert sorted(map(repr, probe.keys.keys_at(1))) == sorted(map(repr, [("m", "x"), (UNIT, "probe", ("m", "x"))]))


def test_a_walk_crosses_records_at_kept_keys_only() -> None:
    """The full scan's record and a later scan's delta number their nodes apart: a leaf both have is one node, and so
    is ``BOUND`` (read by judgements of both); memo nodes of equal numbers are not."""
    base, later = Trace(), Trace()
    for t in (base, later):
        t.sites_made()
        t.rules_begin()
    with base.unit((UNIT, "T", "a")):
        outer = base.enter(("memo",))
        base.read(("m", "x"))
        base.leave(outer)
        base.read((BOUND, ""))
    with base.unit((UNIT, "T", "c")):
        base.read((SITES, "m"))
    with later.unit((UNIT, "T", "b")):
        outer = later.enter(("other memo",))  # numbered as the base's ("memo",): not the same node
        later.read((MODULE, "m"))
        later.leave(outer)
        later.read((BOUND, ""))
    records = [Recorded.loads(Recorded.of_trace(t).dumps()) for t in (base, later)]
    assert record.reached(records, [("m", "x")]) == {(UNIT, "T", "a")}
    assert record.reached(records, [(MODULE, "m")]) == {(UNIT, "T", "b")}
    assert record.reached(records, [(BOUND, "")]) == {(BOUND, ""), (UNIT, "T", "a"), (UNIT, "T", "b")}
    assert record.reached(records, [(SITES, "m"), ("absent", "x")]) == {(UNIT, "T", "c")}


def test_a_damaged_state_raises() -> None:
    state = Recorded.of_keys({("m", "x"): 1}, 2, 0, 0, b"", b"").state()
    try:
        Recorded.of_state((state[0], state[1][:-1], *state[2:]))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return
    raise AssertionError("a column cut short was read")


def test_keys_named_by_a_record_without_strings() -> None:
    kept = Keys.of([])
    assert len(kept) == 0 and kept.node_of(("m", "x")) is None and kept.of_module("m") == [] and kept.keys_at(0) == []
