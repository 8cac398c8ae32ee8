"""Fixtures for the dashboard tests: the dashboard's modules importable, and a recorded demo history."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
if str(DASHBOARD) not in sys.path:
    sys.path.insert(0, str(DASHBOARD))

import demo  # noqa: E402


@pytest.fixture(scope="session")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sample_repo's demo history: 4 scans of a copy being consolidated (67 -> 49 -> 40 -> 39 findings)."""
    return demo.build(tmp_path_factory.mktemp("demo"))
