"""The JSON reporter's own encoder writes exactly what ``json.dumps(indent=2, sort_keys=True)`` writes."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ssot_audit.reporters.json_reporter import dumps, render
from ssot_audit.serialization import result_to_dict
from tests.helpers import scan_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"


def plain(value: Any) -> str:
    """The definition the encoder must match."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


_LEAVES: list[Any] = ["", "a", 'é\n"x\\', "\u2028\x00", 0, -5, 2**70, 1.5, -0.0, float("nan"), float("inf"), True,
                      False, None]  # fmt: skip
_KEYS = ["k", "b", "a", "Z", "é", "k2", ""]


def _random_value(rng: random.Random, depth: int) -> Any:
    """Nested lists, tuples and dicts of every JSON scalar, some with int keys (json converts them)."""
    roll = rng.random()
    if depth > 4 or roll < 0.3:
        return rng.choice(_LEAVES)
    if roll < 0.5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.6:
        return tuple(rng.choice(_KEYS) for _ in range(rng.randint(0, 3)))  # all strings: the joined fast path
    if roll < 0.65:
        return {rng.choice([1, 2, 3]): _random_value(rng, depth + 1) for _ in range(rng.randint(1, 3))}
    return {rng.choice(_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_random_values_encode_as_json_dumps_does() -> None:
    rng = random.Random(20261203)
    for _ in range(3000):
        value = _random_value(rng, 0)
        assert dumps(value) == plain(value), value


def test_subclasses_and_unknown_types_go_through_json() -> None:
    class Name(str):
        pass

    class Count(int):
        pass

    value = {"a": [Name("x"), Count(3)], "b": {Name("k"): Count(1)}}
    assert dumps(value) == plain(value)
    with pytest.raises(TypeError):
        dumps({"a": [{1, 2}]})


def test_a_scan_of_sample_repo_renders_as_json_dumps_does() -> None:
    result = scan_project(SAMPLE)
    assert result.findings and result.concepts
    assert render(result) == plain(result_to_dict(result)) + "\n"


def test_rows_of_strings_encode_as_json_dumps_does() -> None:
    """Lists of equal-width string rows take their own path; rows of other widths, empty rows or rows holding a
    non-string must come out as ``json.dumps`` writes them too."""
    rng = random.Random(3)
    cells: list[Any] = ["a", "é\\n", '"q"', "%s", "%", "\u2028", ""]
    for _ in range(2000):
        width = rng.randint(0, 3)
        rows: list[Any] = [[rng.choice(cells) for _ in range(width)] for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            rows = [tuple(row) for row in rows]
        if rng.random() < 0.2:
            rows[rng.randrange(len(rows))] = [rng.choice(cells) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.1 and rows[0] and isinstance(rows[0], list):
            rows[0][0] = rng.choice([1, None, 1.5])
        value = {"edges": rows, "nested": [rows]}
        assert dumps(value) == plain(value), value
