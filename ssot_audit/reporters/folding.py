"""Folding long facts for people: a list of 80 method names becomes the first few and a count.

Messages and fix hints carry whole lists (every method a cluster's classes define, every member of a concept);
JSON and SARIF keep them whole, the outputs people read fold them here, in one way.
"""

from __future__ import annotations

import re

KEEP = 6  # items of a long list that stay visible
WIDTH = 240  # characters a folded line may still have before it is cut

# A run of at least KEEP + 3 comma-separated items (names, dotted names, calls, quoted names): folding fewer gains nothing.
_ITEM = r"[\w.:<>'\"\[\]-]+(?:\(\))?"
_LIST = re.compile(rf"{_ITEM}(?:, {_ITEM}){{{KEEP + 2},}}")


def _fold_match(match: re.Match[str]) -> str:
    items = match.group(0).split(", ")
    return ", ".join(items[:KEEP]) + f" (+{len(items) - KEEP} more)"


def fold_lists(text: str) -> str:
    """Every long comma-separated list in ``text`` cut to its first items and a count."""
    if text.count(", ") < KEEP + 2:  # no list to fold: the search tries every word, 57 us a message (0.3 s at 4M lines)
        return text
    return _LIST.sub(_fold_match, text)


def fold(text: str, width: int = WIDTH) -> str:
    """``fold_lists``, then a line still longer than ``width`` is cut with an ellipsis."""
    folded = fold_lists(text)
    return folded if len(folded) <= width else folded[: width - 1] + "…"
