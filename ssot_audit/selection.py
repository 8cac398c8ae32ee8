"""Which rules run: ``select``/``ignore`` lists of codes, code prefixes (``SSOT4``) or rule names.

The longest matching entry wins; on a tie between select and ignore, ignore wins (as in flake8). An entry that
matches no rule is an error, so a typo never silently disables a gate.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ssot_audit.config import ConfigError
from ssot_audit.model import RuleInfo
from ssot_audit.pathmatch import glob_matches


@dataclass(frozen=True, slots=True)
class Selection:
    """Normalised select/ignore prefixes."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]

    def is_enabled(self, code: str) -> bool:
        """True when the longest matching selector for ``code`` comes from ``select``."""
        best_select = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return best_select > best_ignore


def _normalise(entries: Iterable[str], rules: Sequence[RuleInfo], what: str) -> tuple[str, ...]:
    by_name = {r.name: r.code for r in rules}
    result = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        if entry in by_name:
            result.append(by_name[entry])
            continue
        entry = entry.upper()
        if entry == "ALL":
            entry = "SSOT"
        if not any(r.code.startswith(entry) for r in rules):
            raise ConfigError(f"unknown rule selector '{raw}' in {what}{suggest_rule(raw, rules)} (see `ssot-audit rules`)")
        result.append(entry)
    return tuple(result)


def suggest_rule(raw: str, rules: Sequence[RuleInfo]) -> str:
    """`` (did you mean 'SSOT401'?)`` for a mistyped code or name; empty when nothing is close."""
    wanted = raw.strip()
    swapped = [r.code for r in rules if _one_swap(r.code, wanted.upper())]  # SSOT410 -> SSOT401
    close = swapped or difflib.get_close_matches(wanted.upper(), [r.code for r in rules], n=1, cutoff=0.7)
    close = close or difflib.get_close_matches(wanted.lower(), [r.name for r in rules], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _one_swap(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with two adjacent characters swapped (the commonest typo in a code)."""
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(a) == len(b) and len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def build_selection(select: Iterable[str], ignore: Iterable[str], rules: Sequence[RuleInfo]) -> Selection:
    """Validate and normalise selectors; an empty ``select`` means every rule."""
    chosen = _normalise(select, rules, "select") or ("SSOT",)
    return Selection(chosen, _normalise(ignore, rules, "ignore"))


@dataclass(frozen=True, slots=True)
class PerFileIgnores:
    """``[tool.ssot-audit.per-file-ignores]``: rule prefixes switched off in the files a gitignore-style glob matches."""

    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def ignores(self, path: str, code: str) -> bool:
        """True when a glob matching ``path`` (repo-relative) names ``code`` or a prefix of it."""
        return any(code.startswith(p) for glob, prefixes in self.entries if glob_matches(glob, path)
                   for p in prefixes)  # fmt: skip


def build_per_file_ignores(table: Iterable[tuple[str, Sequence[str]]], rules: Sequence[RuleInfo]) -> PerFileIgnores:
    """Validate every glob's codes (an unknown code is an error that names it and the glob)."""
    return PerFileIgnores(tuple((glob, _normalise(codes, rules, f"per-file-ignores '{glob}'")) for glob, codes in table))
