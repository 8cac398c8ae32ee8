"""Gitignore-style path patterns: ``.gitignore`` files as git applies them, and per-file-ignores globs.

The one module that imports ``pathspec`` (a maintained implementation of git's wildmatch rules, negations and
directory-only patterns included), so discovery and the per-file-ignores share one notion of "this pattern matches
this path".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a pattern is first compiled: a scan that reuses its walk and reads no ignore rule
    import pathspec  # (``.git/info/exclude`` holds comments alone by default) does not import it (27 ms)


def compile_patterns(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec:
    """Gitignore-style patterns (``tests/``, ``**/migrations/*.py``, ``__init__.py``, ``!keep.py``) as one spec."""
    import pathspec  # noqa: PLC0415 - see the imports

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(spec: pathspec.GitIgnoreSpec, relpath: str) -> bool:
    """True when ``relpath`` (POSIX, relative to the patterns' base) is matched and not negated by ``spec``."""
    return bool(spec.check_file(relpath).include)


@lru_cache(maxsize=512)
def _single(pattern: str) -> pathspec.GitIgnoreSpec:
    return compile_patterns([pattern])


def glob_matches(pattern: str, relpath: str) -> bool:
    """True when one gitignore-style ``pattern`` matches ``relpath`` (compiled once per pattern)."""
    return matches(_single(pattern), relpath)


def git_top(start: Path) -> Path | None:
    """The working tree root of the git repository containing ``start`` (a ``.git`` directory or file), if any."""
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _info_exclude(top: Path) -> Path:
    """``.git/info/exclude``; for a linked worktree (``.git`` is a file) the shared one of the main repository."""
    dotgit = top / ".git"
    if dotgit.is_dir():
        return dotgit / "info" / "exclude"
    try:
        gitdir = Path(dotgit.read_text(encoding="utf-8").split("gitdir:", 1)[1].strip())
    except (OSError, IndexError, UnicodeDecodeError):
        return dotgit / "info" / "exclude"  # does not exist: nothing excluded
    gitdir = gitdir if gitdir.is_absolute() else top / gitdir
    common = gitdir / "commondir"
    if common.is_file():
        shared = Path(common.read_text(encoding="utf-8").strip())
        gitdir = shared if shared.is_absolute() else gitdir / shared
    return gitdir / "info" / "exclude"


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if all(not line.strip() or line.startswith("#") for line in lines):  # no pattern: git's own rule for a line
        return None  # starting with ``#`` and for a blank one (a line of spaces alone is no pattern either)
    spec = compile_patterns(lines)
    return spec if len(spec) else None


@dataclass(frozen=True, slots=True)
class GitIgnore:
    """The ignore rules in force in one directory: ``(base, spec)`` pairs, outermost first.

    ``base`` is the directory of the ``.gitignore`` relative to the scan root's git top (``""`` for the top), and
    ``prefix`` where the scanned directory sits under that top. As in git, a deeper file overrides a shallower one
    (the last decisive match wins, ``!pattern`` re-includes), and nothing below an ignored directory is looked at.
    """

    levels: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]
    prefix: str

    @classmethod
    def for_root(cls, root: Path) -> GitIgnore:
        """The rules in force at ``root``: ``.git/info/exclude`` and the ``.gitignore`` files from the repository's
        top down to ``root`` (outside a repository, only those inside the scanned tree)."""
        root = root.resolve()
        top = git_top(root) or root
        prefix = root.relative_to(top).as_posix() if root != top else ""
        levels: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        exclude = _read_spec(_info_exclude(top)) if (top / ".git").exists() else None
        if exclude is not None:
            levels.append(("", exclude))
        parts = prefix.split("/") if prefix else []
        for depth in range(len(parts)):  # the top and every directory above root; enter() reads root's own file
            spec = _read_spec(top.joinpath(*parts[:depth]) / ".gitignore")
            if spec is not None:
                levels.append(("/".join(parts[:depth]), spec))
        return cls(tuple(levels), prefix)

    def rules_text(self) -> str:
        """The rules in force, as text: equal texts ignore the same paths (a kept directory walk is keyed by it)."""
        levels = [(base, [(getattr(p, "pattern", repr(p)), p.include) for p in spec.patterns])
                  for base, spec in self.levels]  # fmt: skip
        return repr((self.prefix, levels))

    def enter(self, directory: str, rel: str) -> GitIgnore:
        """The rules in force inside ``directory`` (absolute), at ``rel`` under the scan root: adds its .gitignore."""
        spec = _read_spec(Path(directory) / ".gitignore") if os.path.isfile(os.path.join(directory, ".gitignore")) else None
        if spec is None:
            return self
        base = "/".join(p for p in (self.prefix, rel) if p)
        return GitIgnore((*self.levels, (base, spec)), self.prefix)

    def ignored(self, rel: str, *, is_dir: bool) -> bool:
        """True when git would ignore ``rel`` (relative to the scan root); directories are checked as ``dir/``."""
        path = "/".join(p for p in (self.prefix, rel) if p) + ("/" if is_dir else "")
        verdict = False
        for base, spec in self.levels:
            if base and not path.startswith(base + "/"):
                continue
            include = spec.check_file(path[len(base) + 1 :] if base else path).include
            if include is not None:
                verdict = include
        return verdict
