"""pyproject.toml lists its packages by hand (the dashboard ships under a name of its own): every package
directory of the checkout must be in that list, or the wheel would silently lack it."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_package_directory_is_listed_in_pyproject() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "ssot_audit").rglob("__init__.py")}
    on_disk |= {"ssot_audit_dashboard"} | {f"ssot_audit_dashboard.{p.name}" for p in (REPO / "dashboard").iterdir()
                                           if p.is_dir() and any(p.glob("*.py"))}  # fmt: skip
    assert set(setuptools["packages"]) == on_disk
    assert setuptools["package-dir"] == {"ssot_audit_dashboard": "dashboard"}
