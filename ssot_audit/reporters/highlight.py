"""Syntax highlighting for report snippets: the only module that imports pygments.

Pygments escapes the source text itself, so code from the scanned project can never become markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

_LEXER = PythonLexer(stripnl=False, ensurenl=False)


def highlight_lines(lines: Sequence[str], *, start: int, marked: Sequence[int]) -> str:
    """HTML for ``lines`` (first line number ``start``) with the absolute line numbers in ``marked`` highlighted."""
    formatter = HtmlFormatter(linenos="inline", linenostart=start, hl_lines=[n - start + 1 for n in marked],
                              cssclass="code", wrapcode=True)  # fmt: skip
    return str(highlight("\n".join(lines) + "\n", _LEXER, formatter))


def stylesheet() -> str:
    """The CSS rules the highlighted snippets need (a light theme that prints well)."""
    return str(HtmlFormatter(style="default", cssclass="code").get_style_defs(".code"))
