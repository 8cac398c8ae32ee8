"""junit: one failing test case per finding, one passing case for a clean scan."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from ssot_audit.reporters import REPORTERS

from tests.ci_results import plain_result


def test_one_failure_per_finding() -> None:
    root = ET.fromstring(REPORTERS["junit"](plain_result()))
    assert (root.tag, root.attrib) == ("testsuites", {"name": "ssot-audit", "tests": "3", "failures": "3",
                                                      "errors": "0", "skipped": "0"})  # fmt: skip
    cases = root.findall("./testsuite/testcase")
    assert [(c.get("classname"), c.get("name"), c.get("line")) for c in cases] == [
        ("app/api,v2/routes.py", "SSOT401 await-on-sync-callable at 12:15", "12"),
        ("app/manager.py", "SSOT101 duplicate-concept-implementation at 1:1", "1"),
        ("tests/shim.py", "SSOT103 shim-subclass at 7:1", "7"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "SSOT401"
    assert failure.text == ("app/api,v2/routes.py:12:15: [error] await on get_manager(), which is a plain def: 100% a "
                            "TypeError, a|b\nfix: drop the await")  # fmt: skip


def test_clean_scan_is_one_passing_case() -> None:
    text = REPORTERS["junit"](replace(plain_result(), findings=()))
    root = ET.fromstring(text)
    assert root.get("tests") == "1" and root.get("failures") == "0"
    (case,) = root.findall("./testsuite/testcase")
    assert case.get("name") == "no findings" and case.find("failure") is None
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
