"""sarif: valid SARIF 2.1.0 (official schema, offline), a de-duplicated rules table, what GitHub needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.reporters import REPORTERS

from tests.ci_results import DOC_401, baseline_result, plain_result

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"  # vendored: tests read only the repository
SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # the schema declares draft-04; no $ref leaves the file
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator: Any, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_sample_repo_sarif_is_schema_valid(validator: Any) -> None:
    result = api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)
    document = json.loads(REPORTERS["sarif"](result))
    assert _errors(validator, document) == []
    run = document["runs"][0]
    assert len(run["results"]) == len(result.findings)
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(set(ids)) and "SSOT401" in ids and "SSOT901" in ids
    assert all(r["ruleId"] == ids[r["ruleIndex"]] for r in run["results"])


def test_hand_built_results_are_schema_valid(validator: Any) -> None:
    for result in (plain_result(), baseline_result()):
        assert _errors(validator, json.loads(REPORTERS["sarif"](result))) == []


def test_a_broken_document_is_rejected(validator: Any) -> None:
    document = json.loads(REPORTERS["sarif"](plain_result()))
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert _errors(validator, document) != []  # the validation above can fail


def test_run_header_and_rules_table() -> None:
    run = json.loads(REPORTERS["sarif"](plain_result()))["runs"][0]
    driver = run["tool"]["driver"]
    assert {k: driver[k] for k in ("name", "version", "semanticVersion", "informationUri")} == {
        "name": "ssot-audit", "version": "0.1.0", "semanticVersion": "0.1.0",
        "informationUri": "https://pypi.org/project/ssot-audit/"}  # fmt: skip
    assert run["automationDetails"] == {"id": "ssot-audit/"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].startswith("The scanned directory (repo)")
    assert [r["id"] for r in driver["rules"]] == ["SSOT101", "SSOT103", "SSOT401"]
    rule_401 = driver["rules"][2]
    assert rule_401 == {
        "id": "SSOT401",
        "name": "await-on-sync-callable",
        "shortDescription": {"text": "An ``await`` on a plain ``def``."},
        "fullDescription": {"text": "Finds ``await f()`` where ``f`` is synchronous."},
        "help": {"text": DOC_401, "markdown": DOC_401},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["ssot", "maintainability", "await-on-sync-callable"], "precision": "high",
                       "problem.severity": "error"},
    }  # fmt: skip
    # SSOT103 ran without a catalog entry on this hand-built result: it still gets a (minimal) rule
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "note"}
    assert all("security-severity" not in r["properties"] for r in driver["rules"])


def test_result_fields_github_reads() -> None:
    results = json.loads(REPORTERS["sarif"](plain_result()))["runs"][0]["results"]
    assert results[0] == {
        "ruleId": "SSOT401",
        "ruleIndex": 2,
        "level": "error",
        "message": {"text": "await on get_manager(), which is a plain def: 100% a TypeError, a|b\nFix: drop the await"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/api,v2/routes.py", "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 12, "startColumn": 15, "endLine": 12, "endColumn": 33}},
                       "logicalLocations": [{"fullyQualifiedName": "app.routes.f"}]}],
        "partialFingerprints": {"ssotFingerprint/v1": "fp401"},
        "properties": {"confidence": "high", "inTests": False, "tags": []},
        "relatedLocations": [{"id": 1, "physicalLocation": {
            "artifactLocation": {"uri": "app/factory.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "startColumn": 1, "endLine": 4}},
            "logicalLocations": [{"fullyQualifiedName": "app.factory.get_manager"}],
            "message": {"text": "get_manager is defined here"}}],
    }  # fmt: skip
    cluster = results[1]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"]) for r in cluster["relatedLocations"]] == [
        (1, "app/unified.py"), (2, "tests/conn.py")]
    assert results[2]["properties"] == {"confidence": "high", "inTests": True, "tags": ["test"]}


def test_suppressed_findings_are_marked_in_source_with_their_reason() -> None:
    results = json.loads(REPORTERS["sarif"](plain_result()))["runs"][0]["results"]
    assert len(results) == 4
    assert results[3]["partialFingerprints"] == {"ssotFingerprint/v1": "fp401b"}
    assert results[3]["suppressions"] == [{"kind": "inSource", "justification": "patched in tests", "location": {
        "physicalLocation": {"artifactLocation": {"uri": "app/legacy.py", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 4, "startColumn": 30}}}}]  # fmt: skip
    assert all("suppressions" not in r for r in results[:3])


def test_baseline_state_marks_new_and_unchanged_results() -> None:
    results = json.loads(REPORTERS["sarif"](baseline_result()))["runs"][0]["results"]
    assert [(r["ruleId"], r.get("baselineState")) for r in results] == [("SSOT401", "new"), ("SSOT101", "unchanged")]
    assert all("baselineState" not in r for r in json.loads(REPORTERS["sarif"](plain_result()))["runs"][0]["results"])


def test_output_is_deterministic() -> None:
    assert REPORTERS["sarif"](plain_result()) == REPORTERS["sarif"](plain_result())
