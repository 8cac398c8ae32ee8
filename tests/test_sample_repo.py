"""Functional test: the findings on sample_repo are exactly the hand-written ``# [SSOTxxx]`` markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import Config, load_config

from tests.helpers import markers, triples

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"


@pytest.fixture(scope="module")
def expected() -> set[tuple[str, str, int]]:
    found = markers(SAMPLE)
    assert len(found) > 40, "sample_repo lost its markers"
    return found


def test_configured_scan_reports_exactly_the_markers(expected: set[tuple[str, str, int]]) -> None:
    result = api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)
    got = triples(result)
    assert got - expected == set(), "reported but not marked"
    assert expected - got == set(), "marked but not reported"


def test_zero_config_reports_the_markers_except_rules_that_need_a_declared_concept(
    expected: set[tuple[str, str, int]],
) -> None:
    result = api.scan(SAMPLE, config=Config(), jobs=1)
    needs_config = {"SSOT301", "SSOT302"}
    assert triples(result) == {t for t in expected if t[0] not in needs_config}


def test_parallel_scan_gives_byte_identical_json() -> None:
    from ssot_audit.reporters import REPORTERS

    config = load_config(SAMPLE)
    serial = REPORTERS["json"](api.scan(SAMPLE, config=config, jobs=1))
    parallel = REPORTERS["json"](api.audit(api.load_project(SAMPLE, config, jobs=2)))
    assert serial == parallel


def test_parse_failure_says_python_2() -> None:
    result = api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)
    (failure,) = [f for f in result.findings if f.code == "SSOT900"]
    assert failure.location.path == "legacy/py2_tool.py"
    assert "Python 2" in failure.message
