"""Text from the scanned tree made safe to print, in one place every output uses.

File names, comments and string literals of the scanned code end up in every report. Raw, they are an attack
surface: a file named ``x\\n::error file=README.md::Injected\\n.py`` prints a line that GitHub Actions runs as a
workflow command, ``# ssot: ignore[\\x1b[2J]`` clears the reader's terminal, U+202E reverses what a reviewer reads,
a C0 character makes JUnit or GraphML malformed XML, and ``![x](https://...)`` or ``<img src=...>`` in a name
becomes an active image in rendered Markdown. These functions replace such characters with visible escapes
(``\\x1b``, ``\\u202e``), the way ``printable`` in discovery shows undecodable bytes; JSON keeps them losslessly
as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import re

# C0 controls (tab and line feed: only where a caller keeps its own lines), DEL, C1 controls (NEL included), the
# bidirectional marks, embeddings, overrides and isolates, and the Unicode line and paragraph separators.
_OTHERS = r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_ANY = re.compile(rf"[\x00-\x1f{_OTHERS}]")
_UNSAFE_KEEP_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHERS}]")
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


def markdown_text(text: str) -> str:
    """Text shown as written in Markdown (a table cell or a paragraph): no HTML, link, image, emphasis or table
    syntax survives, and the text stays on one line (line breaks become spaces)."""
    escaped = visible(_LINE_BREAKS.sub(" ", text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", escaped)


def markdown_code(text: str) -> str:
    """An inline code span in a table cell: literal inside (no HTML, no links), one line, ``|`` escaped for GFM."""
    text = visible(_LINE_BREAKS.sub(" ", text)).replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"
