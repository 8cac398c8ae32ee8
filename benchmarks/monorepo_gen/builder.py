"""The project under construction: files built line by line, labels pinned to the lines that carry them.

A label is never computed after the fact from the text: a template marks the line it plants with ``⟦key⟧`` at the
end, and ``SourceBuilder.add`` strips the mark and records the label at that line number. The line a label names is
therefore the line that was written, by construction.
"""

from __future__ import annotations

import random
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_MARK = re.compile(r"\s*⟦([\w,]+)⟧")


@dataclass
class Problem:
    """A planted problem: what it is, where (path, 1-based line) and which rule should report it."""

    kind: str
    rule: str | None
    path: str
    line: int
    symbol: str
    what: str
    in_tests: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The label as written to the labels file (keys sorted by the JSON writer)."""
        data: dict[str, Any] = {"kind": self.kind, "rule": self.rule, "path": self.path, "line": self.line,
                                "symbol": self.symbol, "what": self.what, "in_tests": self.in_tests}  # fmt: skip
        data.update(self.extra)
        return data


@dataclass
class Member:
    """A class (or alias) with a role in a concept: implementation, alias, shim, guard, test double..."""

    concept: str | None
    role: str
    symbol: str  # module.Qualname as Python would import it
    path: str
    line: int
    what: str

    def to_json(self) -> dict[str, Any]:
        """The membership as written to the labels file."""
        return {"concept": self.concept, "role": self.role, "symbol": self.symbol, "path": self.path,
                "line": self.line, "what": self.what}  # fmt: skip


def is_test_file(path: str) -> bool:
    """Test code by the conventions the real backend follows (and ssot-audit reads): tests/, test_*.py, conftest."""
    parts = path.split("/")
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(part in ("tests", "test", "testing") for part in parts[:-1])


def module_of(path: str) -> str:
    """The dotted module name Python gives ``path`` from the tree's root (``pkg/__init__.py`` -> ``pkg``)."""
    stem = path.removesuffix(".py").removesuffix("/__init__")
    return stem.replace("/", ".")


class SourceBuilder:
    """One file: lines appended in order, labels recorded at the line that carries their ``⟦key⟧`` mark."""

    def __init__(self, project: Project, path: str) -> None:
        self.project = project
        self.path = path
        self.module = module_of(path)
        self.in_tests = is_test_file(path)
        self.lines: list[str] = []

    @property
    def next_line(self) -> int:
        """The 1-based number the next added line will get."""
        return len(self.lines) + 1

    def add(self, text: str, labels: dict[str, dict[str, Any]] | None = None, *, dedent: bool = True) -> None:
        """Append ``text`` (dedented, first newline dropped); each ``⟦key⟧`` (or ``⟦key1,key2⟧``) mark at a line's
        end is removed and becomes the label ``labels[key]`` at that line."""
        if dedent:
            text = textwrap.dedent(text).removeprefix("\n")
        for raw in text.split("\n") if text else []:
            if "⟦" in raw:
                keys = _MARK.search(raw)
                assert keys is not None and labels is not None, raw
                for key in keys.group(1).split(","):
                    self._label(labels[key], len(self.lines) + 1)
                raw = _MARK.sub("", raw)
            self.lines.append(raw)
        if text.endswith("\n"):
            self.lines.pop()  # "a\n" is one line, not two

    def blank(self, count: int = 1) -> None:
        """Append ``count`` empty lines."""
        self.lines.extend([""] * count)

    def _label(self, spec: dict[str, Any], line: int) -> None:
        spec = dict(spec)
        if "role" in spec:
            self.project.members.append(Member(spec.pop("concept", None), spec.pop("role"), spec.pop("symbol"),
                                               self.path, line, spec.pop("what")))  # fmt: skip
            return
        target = self.project.decoys if spec.get("kind") == "decoy" else self.project.problems
        target.append(Problem(
            kind=spec.pop("kind"), rule=spec.pop("rule", None), path=self.path, line=line,
            symbol=spec.pop("symbol", self.module), what=spec.pop("what"), in_tests=self.in_tests, extra=spec,
        ))  # fmt: skip

    def text(self) -> str:
        """The file's text, ending with one newline."""
        body = "\n".join(self.lines).rstrip("\n")
        return body + "\n" if body else ""


class FastRandom(random.Random):
    """``random.Random`` with a cheaper ``choice`` and one-argument ``randrange`` (one ``random()`` call each: the
    generator draws millions of them). Same seed, same sequence, on every Python 3.11+."""

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        """An element of a non-empty sequence."""
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        """``randrange(n)`` fast; other forms as usual."""
        if stop is None and start > 0:
            return int(self.random() * start)
        return super().randrange(start, stop, step)


class Project:
    """Every file of the generated tree, the labels planted so far and the seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng: random.Random = FastRandom(seed)
        self.files: dict[str, SourceBuilder] = {}
        self.raw: dict[str, bytes] = {}  # files written as bytes (broken encodings, non-Python)
        self.problems: list[Problem] = []
        self.decoys: list[Problem] = []  # look like a problem, are not (TYPE_CHECKING back edges...)
        self.members: list[Member] = []
        self.packages: set[str] = set()  # directories that get an __init__.py
        self.ordinary: list[str] = []  # paths of ordinary (filler) source modules, in creation order

    def file(self, path: str) -> SourceBuilder:
        """The builder for ``path`` (created on first use; a path is built once)."""
        builder = self.files.get(path)
        if builder is None:
            builder = self.files[path] = SourceBuilder(self, path)
        return builder

    def exists(self, path: str) -> bool:
        """True when ``path`` was already planned."""
        return path in self.files or path in self.raw

    def unique_path(self, directory: str, stem: str) -> str:
        """``directory/stem.py``, or ``stem_2.py``... when that name is taken."""
        path, n = f"{directory}/{stem}.py", 2
        while self.exists(path) or path.removesuffix(".py") in self.packages:
            path, n = f"{directory}/{stem}_{n}.py", n + 1
        return path

    def package(self, directory: str) -> None:
        """Make ``directory`` and its parents regular packages (each gets an ``__init__.py`` if it has none)."""
        parts = directory.split("/")
        for i in range(1, len(parts) + 1):
            self.packages.add("/".join(parts[:i]))

    def write(self, root: Path) -> tuple[int, int]:
        """Write every file under ``root``; returns (files, lines). Directories are created as needed."""
        for directory in sorted(self.packages):
            init = f"{directory}/__init__.py"
            if init not in self.files:
                self.file(init).add('"""Package."""\n' if len(directory) % 3 else "")
        made: set[Path] = set()
        files = lines = 0
        for path in sorted([*self.files, *self.raw]):
            target = root / path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            data = self.raw[path] if path in self.raw else self.files[path].text().encode("utf-8")
            target.write_bytes(data)
            files += 1
            lines += data.count(b"\n")
        return files, lines
