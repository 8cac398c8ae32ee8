"""Configuration: defaults < ``[tool.ssot-audit]`` in pyproject.toml (or ``--config FILE``) < command line.

Strict: an unknown key or a value of the wrong type is a ``ConfigError`` that names the key (and suggests the
closest known one); the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FAIL_ON_VALUES = ("error", "warning", "note", "never")


class ConfigError(Exception):
    """A bad configuration file, key or value; the message names it."""


@dataclass(frozen=True, slots=True)
class ConceptConfig:
    """A declared concept: ``[tool.ssot-audit.concepts.NAME]``."""

    name: str
    canonical: str = ""
    factories: tuple[str, ...] = ()
    allowed_creators: tuple[str, ...] = ()
    name_patterns: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    per_user: bool = False
    method_overlap: float = 0.6
    description: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration of one scan."""

    paths: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    include_tests: bool = True
    test_paths: tuple[str, ...] = ()  # globs of test code besides the conventions (tests/, test_*.py, mocks/...)
    require_reasons: bool = False  # a suppression comment must say why (``# ssot: ignore[X] -- why``)
    respect_gitignore: bool = True  # skip what .gitignore files and .git/info/exclude ignore, as git does
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (gitignore-style glob, codes), ruff's shape
    concepts: tuple[ConceptConfig, ...] = ()
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str = ""  # the file it came from, for messages

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with command-line values applied (None means "not given")."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def digest(self) -> str:
        """A short hash of the settings that change results (for history and caches)."""
        payload = json.dumps(
            {
                "paths": self.paths, "exclude": self.exclude, "roots": self.roots, "select": self.select,
                "ignore": self.ignore, "include_tests": self.include_tests,
                **({"test_paths": self.test_paths} if self.test_paths else {}),
                "concepts": [c.__dict__ if hasattr(c, "__dict__") else repr(c) for c in self.concepts],
                "rules": {k: dict(v) for k, v in sorted(self.rule_options.items())},
                **({"require_reasons": True} if self.require_reasons else {}),  # absent when off: old digests hold
                **({"respect_gitignore": False} if not self.respect_gitignore else {}),
                **({"per_file_ignores": self.per_file_ignores} if self.per_file_ignores else {}),
            },
            sort_keys=True,
            default=repr,
        )  # fmt: skip
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings, got {value!r}")
    return tuple(value)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{key}' must be true or false, got {value!r}")
    return value


def _unknown(key: str, known: Mapping[str, Any] | tuple[str, ...], where: str) -> ConfigError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ConfigError(f"unknown key '{where}{key}'{hint}")


_CONCEPT_KEYS = ("canonical", "factories", "allowed-creators", "name-patterns", "bases", "per-user",
                 "method-overlap", "description")  # fmt: skip


def _concept(name: str, table: Any) -> ConceptConfig:
    where = f"concepts.{name}."
    if not isinstance(table, dict):
        raise ConfigError(f"'concepts.{name}' must be a table")
    for key in table:
        if key not in _CONCEPT_KEYS:
            raise _unknown(key, _CONCEPT_KEYS, where)
    overlap = table.get("method-overlap", 0.6)
    if not isinstance(overlap, int | float) or isinstance(overlap, bool) or not 0 < overlap <= 1:
        raise ConfigError(f"'{where}method-overlap' must be a number in (0, 1], got {overlap!r}")
    canonical = table.get("canonical", "")
    if not isinstance(canonical, str):
        raise ConfigError(f"'{where}canonical' must be a dotted class name, got {canonical!r}")
    description = table.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"'{where}description' must be a string")
    return ConceptConfig(
        name=name,
        canonical=canonical,
        factories=_str_list(table.get("factories", []), where + "factories"),
        allowed_creators=_str_list(table.get("allowed-creators", []), where + "allowed-creators"),
        name_patterns=_str_list(table.get("name-patterns", []), where + "name-patterns"),
        bases=_str_list(table.get("bases", []), where + "bases"),
        per_user=_bool(table.get("per-user", False), where + "per-user"),
        method_overlap=float(overlap),
        description=description,
    )


def parse_table(table: Mapping[str, Any], source: str = "") -> Config:
    """Validate a ``[tool.ssot-audit]`` table into a ``Config``."""
    known = {
        "paths": lambda v, k: _str_list(v, k),
        "exclude": lambda v, k: _str_list(v, k),
        "roots": lambda v, k: _str_list(v, k),
        "select": lambda v, k: _str_list(v, k),
        "ignore": lambda v, k: _str_list(v, k),
        "fail-on": _fail_on,
        "include-tests": _bool,
        "test-paths": lambda v, k: _str_list(v, k),
        "require-reasons": _bool,
        "respect-gitignore": _bool,
        "per-file-ignores": _per_file_ignores,
    }
    if not isinstance(table, Mapping):
        raise ConfigError(f"'tool.ssot-audit' must be a table, got {table!r}")
    values: dict[str, Any] = {}
    concepts: list[ConceptConfig] = []
    rule_options: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        if key == "concepts":
            if not isinstance(value, dict):
                raise ConfigError("'concepts' must be a table of concept tables")
            concepts.extend(_concept(name, sub) for name, sub in sorted(value.items()))
        elif key == "rules":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError("'rules' must be a table of per-rule tables, e.g. [tool.ssot-audit.rules.SSOT202]")
            rule_options = {code: dict(options) for code, options in value.items()}
        elif key in known:
            values[key.replace("-", "_")] = known[key](value, key)
        else:
            raise _unknown(key, (*known, "concepts", "rules"), "")
    return Config(**values, concepts=tuple(concepts), rule_options=rule_options, source=source)


def _per_file_ignores(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{glob: [codes]}``; the codes are checked against the rules when the scan runs (``selection``)."""
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table of glob = [codes], e.g. \"tests/*\" = [\"SSOT201\"]")
    return tuple((glob, _str_list(codes, f"{key}.{glob}")) for glob, codes in sorted(value.items()))


def _fail_on(value: Any, key: str) -> str:
    if value not in FAIL_ON_VALUES:
        raise ConfigError(f"'{key}' must be one of {', '.join(FAIL_ON_VALUES)}, got {value!r}")
    return str(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path} is not valid TOML: not UTF-8 (line {line})") from exc


def _tool_table(data: Mapping[str, Any]) -> Any:
    """``[tool.ssot-audit]`` of a parsed pyproject (whatever its type), or None when there is none."""
    tool = data.get("tool")
    return tool.get("ssot-audit") if isinstance(tool, dict) else None


def load_config_file(path: Path) -> Config:
    """Load ``path``: a pyproject.toml (its ``[tool.ssot-audit]`` table) or a TOML file of the same keys."""
    data = _read_toml(path)
    table = _tool_table(data) if "tool" in data else data
    if table is None:
        raise ConfigError(f"{path} has no [tool.ssot-audit] table")
    try:
        return parse_table(table, str(path))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a ``[tool.ssot-audit]`` table, from ``start`` up to the repository root."""
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            if _tool_table(_read_toml(pyproject)) is not None:
                return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def load_config(scan_root: Path, explicit: Path | None = None, *, isolated: bool = False) -> Config:
    """The configuration for scanning ``scan_root``: ``explicit`` if given, else the nearest pyproject.toml."""
    if isolated:
        return Config()
    if explicit is not None:
        return load_config_file(explicit)
    found = find_config_file(scan_root)
    return load_config_file(found) if found else Config()
