"""Which rules run: ``select``/``ignore`` lists of codes, code prefixes (``SSOT4``) or rule names.

The longest matching entry wins; on a tie between select and ignore, ignore wins (as in flake8). An entry that
matches no rule is an error, so a typo never silently disables a gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ssot_audit.config import ConfigError
from ssot_audit.model import RuleInfo


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
            raise ConfigError(f"unknown rule selector '{raw}' in {what} (see `ssot-audit rules`)")
        result.append(entry)
    return tuple(result)


def build_selection(select: Iterable[str], ignore: Iterable[str], rules: Sequence[RuleInfo]) -> Selection:
    """Validate and normalise selectors; an empty ``select`` means every rule."""
    chosen = _normalise(select, rules, "select") or ("SSOT",)
    return Selection(chosen, _normalise(ignore, rules, "ignore"))
