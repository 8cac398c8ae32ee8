"""Lines of a source the way Python numbers them, so that "line 7" means the same line everywhere."""

from __future__ import annotations


def source_lines(text: str) -> list[str]:
    """The lines of a source as Python's tokenizer numbers them: broken at ``\\n``, ``\\r\\n`` and ``\\r`` only.

    ``str.splitlines`` also breaks at form feed, U+2028 and other separators that are ordinary characters in
    Python source, so line 7 of ``splitlines`` can be another line than the 7 a finding names.
    """
    if "\r" in text:  # rare: one break for all three, then the split in C (3 times the regular expression's speed)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start an empty one
    return lines
