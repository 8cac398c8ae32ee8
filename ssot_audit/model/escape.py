"""Text from the scanned tree made safe to print, in one place every output uses.

File names, comments and string literals of the scanned code end up in every report. Raw, they are an attack
surface: a file named ``x\\n::error file=README.md::Injected\\n.py`` prints a line that GitHub Actions runs as a
workflow command, ``# ssot: ignore[\\x1b[2J]`` clears the reader's terminal, U+202E reverses what a reviewer reads,
a C0 character makes JUnit or GraphML malformed XML, and ``![x](https://...)`` or ``<img src=...>`` in a name
becomes an active image in rendered Markdown. These functions replace such characters with visible escapes
(``\\x1b``, ``\\u202e``), the way ``listing.printable`` shows undecodable bytes; JSON keeps them losslessly
as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from enum import Enum
from typing import Any, TypeVar

_T = TypeVar("_T")

# C0 controls (tab and line feed: only where a caller keeps its own lines), DEL, C1 controls (NEL included), the
# bidirectional marks, embeddings, overrides and isolates, and the Unicode line and paragraph separators.
_OTHERS = r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_ANY = re.compile(rf"[\x00-\x1f{_OTHERS}]")
_UNSAFE_KEEP_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_UNSAFE_OR_SGR = re.compile(rf"\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f{_OTHERS}]")
_MARKDOWN = re.compile(r"([\\`*_\[\]|])")  # escaping [ and ] is what disarms links and images
_LINE_BREAKS = re.compile(r"\r\n|[\r\n]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a control, bidirectional or line-separator character (tab and newline included)."""
    return _UNSAFE_ANY.search(text) is not None


def visible(text: str) -> str:
    """One line of text with every control, bidi and separator character (newline and tab too) as an escape."""
    return _UNSAFE_ANY.sub(lambda m: _escape(m.group()), text)


def visible_output(text: str) -> str:
    """A whole rendered report: its own newlines and tabs stay, every other unsafe character becomes an escape."""
    return _UNSAFE_KEEP_LINES.sub(lambda m: _escape(m.group()), text)


def json_safe(text: str) -> str:
    """Rendered JSON: unsafe characters left raw inside strings (``ensure_ascii=False``) become ``\\uXXXX``,
    which a JSON reader turns back into the same characters: nothing is lost, nothing is active."""
    return _UNSAFE_KEEP_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def inert_output(text: str) -> str:
    """The last pass over any rendered output: like ``json_safe``, except the colour sequences a reporter adds
    itself (SGR, ``ESC [ ... m``; raw ESC never occurs in JSON). Text from the scanned tree reaches a coloured
    report only through ``visible_fields``, so no such sequence can come from there.

    The text before the first unsafe character (all of it, in a JSON report) is only searched, with a plain
    character class: three times faster than the alternation that keeps colour sequences (0.47 s for the 22 MB
    JSON report of 4 million lines). A colour sequence starts with ESC, itself unsafe, so none starts earlier."""
    first = _UNSAFE_KEEP_LINES.search(text)
    if first is None:
        return text
    start = first.start()
    return text[:start] + _UNSAFE_OR_SGR.sub(_inert, text[start:])


def _inert(match: re.Match[str]) -> str:
    found = match.group()
    return found if len(found) > 1 else f"\\u{ord(found):04x}"


def visible_fields(value: _T) -> _T:
    """A copy of a model object (findings, a whole result...) with every string in it made ``visible``: for
    reporters that add their own control sequences (a coloured terminal report), escape the data first."""
    return _visible_any(value)  # type: ignore[no-any-return]


def _visible_any(value: Any) -> Any:
    """``visible`` applied to every string in ``value``; what holds no unsafe string is returned as it is (not
    copied: lists and dicts too, so ``reporters.text_view`` knows a safe record by identity). A text report walks the whole result (its module table and import edges too): copying every tuple and
    dataclass (``dataclasses.replace``) and testing each string apart took 1.1 of the 1.3 s of the text report of 4
    million lines, against 0.1 s for the walk below."""
    kind = type(value)
    if kind is str:
        return visible(value) if _UNSAFE_ANY.search(value) is not None else value
    if kind is tuple:
        return _visible_items(value)
    if kind is list:
        items = tuple(value)
        shown = _visible_items(items)
        return value if shown is items else list(shown)
    if kind is dict:  # the same dict when nothing in it changes: a caller can tell a safe value by identity
        keys, values = tuple(value), tuple(value.values())
        shown_keys, shown_values = _visible_items(keys), _visible_items(values)
        return value if shown_keys is keys and shown_values is values else dict(zip(shown_keys, shown_values))
    if value is None or isinstance(value, Enum | bool | int | float):
        return value
    if isinstance(value, str | tuple | list | dict):  # a subclass (a NamedTuple): walked the plain way
        return _visible_plain(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _init_fields(kind)
        values = tuple(getattr(value, name) for name in names)
        shown = _visible_items(values)
        return value if shown is values else dataclasses.replace(value, **dict(zip(names, shown)))
    return value


def _visible_items(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """``values`` with ``_visible_any`` applied to each item; ``values`` itself when nothing changed. Strings are
    tested all at once (joined by a space, itself safe: the search finds an unsafe character of some string)."""
    strings = [v for v in values if type(v) is str]
    if len(strings) == len(values):
        return tuple(map(_visible_any, values)) if _UNSAFE_ANY.search(" ".join(strings)) else values
    if not strings and all(type(v) is tuple for v in values):  # rows of strings (import edges, the module table)
        cells = [s for row in values for s in row]
        if all(type(s) is str for s in cells) and _UNSAFE_ANY.search(" ".join(cells)) is None:
            return values
    shown = tuple(v if type(v) is str and not _UNSAFE_ANY.search(v) else _visible_any(v) for v in values)
    return values if all(map(operator.is_, shown, values)) else shown


_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's ``__init__`` fields (``dataclasses.fields`` builds them again at every call)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


def _visible_plain(value: Any) -> Any:
    """``_visible_any`` of a subclass of a built-in container: a copy of its kind (as ``visible_fields`` did)."""
    if isinstance(value, str):
        return visible(value) if has_unsafe(value) else value
    if isinstance(value, tuple | list):
        return type(value)(_visible_any(v) for v in value)
    return {_visible_any(k): _visible_any(v) for k, v in value.items()}


def markdown_text(text: str) -> str:
    """Text shown as written in Markdown (a table cell or a paragraph): no HTML, link, image, emphasis or table
    syntax survives, and the text stays on one line (line breaks become spaces)."""
    escaped = visible(_LINE_BREAKS.sub(" ", text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", escaped)


def markdown_code(text: str) -> str:
    """An inline code span in a table cell: literal inside (no HTML, no links), one line, ``|`` escaped for GFM."""
    text = visible(_LINE_BREAKS.sub(" ", text)).replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"
