"""The scan times that matter in CI and pre-commit, against the parse floor, at several sizes. Prints a table.

    python benchmarks/bench_incremental.py PATH [--sizes 1,2,4,8] [--runs 3] [--jobs 2] [--verify]

For each size K, PATH's Python files are copied K times side by side into a temporary tree (each copy's files get
a ``# copy K`` line, so their contents and cache entries are distinct as in a real codebase), then each figure is
the median of ``--runs`` whole processes (``ssot-audit scan``, interpreter start included):

- floor: read and ``ast.parse`` every file in 2 worker processes, nothing else (the limit of a full-fidelity scan)
- cold: no cache (JSON, which carries each fixable finding's fix; "cold text": the same without fixes);
  warm: nothing changed since the last scan
- body edit: a statement no rule reads inserted in a function body (``_bench_N = N``: lines below it move), which
  the scan handles by moving the last result's positions; body edit, call: a call inserted instead
  (``print(N)``), which only the rules that read calls see: the scan loads the project with the last concept model
  and runs those rules alone; rename: a function renamed (an interface edit: the judgements the last scan's
  dependency record links to it run again, ``interface_scan``; the whole-program phase if the concept model read it);
  rename, imported: a function other modules import renamed (the first with 3 to 30 one-line absolute imports of it), in
  another file (their imports now name nothing:
  their import rows are made again, and what changed in them judged again); import: an import of another module's
  function added at the top of the file (an interface edit: the file's import sites and edges are made again, and
  what they name judged again); method: a parameter added to a method of a production module (the first whose
  parameters are plain names; its class's facts stay the same: what the dependency record links to the method is
  judged again, the concept model kept); private method: a private helper added above that method (the model reads
  a private method only through the member lookups of its name, which record that name's rows: what they read is
  judged again, and the model is kept even in a class it compared, as django's ``AppConfig`` with its copies, unless
  it looked the name up itself); test method: a method added as
  the last of a test case (the first class
  of a ``tests`` directory with a ``test_`` method that no class names as a base; each later run renames it), the
  commonest edit of a large codebase: what the member lookups read of the class is judged again; async test: an
  ``async def`` test added to the same class (the call readers' table of async defs is patched, ``kept_calls``);
  coroutine: a coroutine function (``async def bench_coroutine_N``) written at the end of the module of "rename,
  imported" (in place of the one added last): production code, which the concept model never reads the
  ``async``-ness of a function of (the table of async defs is patched, and the unawaited-coroutine rule checks
  that no call elsewhere is named like it)
- pre-commit: the hook's command (text output) after each kind of body edit, after an import added, after a
  rename of an imported function, after a method given a parameter, a private method and a test method (and an
  async one) added, after a coroutine function added, after a body edit written by rename (a new file renamed over
  the old one, as editors, ``sed -i`` and git's checkouts write: its directory's stamp changes, its entries do not),
  after a local the function reads assigned another name (``_bench_local = print``, read by a call of it: the
  commonest real edit the interface path refused before), after a call at module level changed (``repr(())``
  appended, its callee changed at each run), after a test case written beside the test case of "test method"
  (``class BenchCaseNTests``, deriving from what that one derives from, with one test; each later run takes the
  last one away: a class of test code added and one removed), after an import of an exception class of production
  code written in that test case's module (``from MODULE import CLASS``, taken away again by the next run), after a
  decorator written above that test case's first test (``@unittest.skipIf(False, ...)``, taken away again by the next
  run: a test marked skipped), after a file that is no module written beside the edited one
  (``BENCH_NOTES_N.md``, the last one removed: a commit's README or fixture), after a module written there
  (``bench_added_N.py``, the last one removed: a file removed takes the whole-program phase; the first run only
  adds one, ``kept_added``), after a test module written beside that test case's module (``test_bench_module_N.py``,
  a test case deriving from what that one derives from, using the function of "import"; those of the runs before
  kept: the new test file of a commit), after a package of tests written there (``bench_tests_N/``: an empty
  ``__init__.py`` and that test module; those of the runs before kept: a commit's new package of tests),
  and with nothing changed (no-op), the hook having scanned the tree once before (as it has on a developer's
  checkout)

Each row gives wall seconds, CPU seconds (user + system, workers included), the ratio of wall time to the floor's
and the peak resident memory of the largest process. The processes run as an installed tool does, from compiled
bytecode (kept under the scratch directory: ``PYTHONDONTWRITEBYTECODE`` would make every run compile the tool's
modules again, 0.14 s a run). ``--verify`` checks that the JSON after a body edit of each kind, after each rename and
after an added import, after a method given a parameter, after a private method and a test method (and an async
one) added, after a coroutine function added, after a body edit written by rename, after a local and a
module-level call changed, after a test case, a class import and a decorator written, after a file that is no
module added, after a module added, after a test module added and after a package of tests added is byte for byte
the JSON of a cold scan of the same tree.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ssot_audit.analysis.concepts import FACTORY_NAME

_FLOOR = """
import ast, sys
from multiprocessing import Pool
def parse(paths):
    for path in paths:
        with open(path, 'rb') as handle:
            data = handle.read()
        try:
            ast.parse(data)
        except (SyntaxError, ValueError, RecursionError):
            pass
    return 0
paths = sys.stdin.read().split('\\0')
chunks = [paths[i:i + 64] for i in range(0, len(paths), 64)]
with Pool(int(sys.argv[1])) as pool:
    pool.map(parse, chunks)
"""


_ENV = dict(os.environ)  # what measured processes run with (``main`` points the bytecode cache at the scratch dir)


@dataclass
class Run:
    """One measured process."""

    wall: float
    cpu: float
    rss_mb: float


def measure_process(argv: list[str], stdin: bytes | None = None) -> Run:
    """Run ``argv`` to completion and reap it: wall time, CPU of it and its workers, peak RSS of the largest."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)  # fmt: skip
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def python_files(source: Path) -> list[Path]:
    """``source``'s .py files, sorted (what the floor parses): none under ``__pycache__`` or ``.git``."""
    return [path for path in sorted(source.rglob("*.py")) if path.is_file()
            and not any(part in ("__pycache__", ".git") for part in path.relative_to(source).parts)]  # fmt: skip


def replicate(source: Path, copies: int, target: Path) -> list[Path]:
    """K copies of ``source``'s .py files under ``target``; returns every file written."""
    written = []
    for path in python_files(source):
        rel = path.relative_to(source)
        data = path.read_bytes()
        for i in range(copies):
            out = target / f"copy{i}" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data + f"\n# copy {i}\n".encode())
            written.append(out)
    return written


def pick_edit_target(files: list[Path]) -> Path:
    """A module of the first copy with a top-level function and a ``return`` in an indented body."""
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name != "__init__.py" and "copy0" in path.parts and re.search(r"^def \w+\(", text, re.M) \
                and re.search(r"^    return\b", text, re.M):  # fmt: skip
            return path
    raise SystemExit("no file with a top-level function to edit")


def body_edit(path: Path, n: int) -> None:
    """Insert a statement no rule reads before the first ``return`` of a function body."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(    )return\b", rf"\1_bench_{n} = {n}\n\1return", text, count=1, flags=re.M), encoding="utf-8")


def body_edit_by_rename(path: Path, n: int) -> None:
    """``body_edit``, written as editors (vim, JetBrains), ``sed -i`` and git's checkouts write (pre-commit's stash of
    unstaged changes among them): a new file renamed over the old one, which changes the directory's stamp."""
    body_edit(path, n)
    temporary = path.with_name(f".{path.name}.bench-tmp")
    shutil.copyfile(path, temporary)
    os.replace(temporary, path)


def _added_beside(path: Path, name: str, n: int, text: str) -> None:
    """Write ``name`` with ``n`` in its ``{}`` beside ``path``, in place of the file of that name the run before added:
    one file added and one removed, as a commit that adds a file does after another."""
    for old in path.parent.glob(name.format("*")):
        old.unlink()
    (path.parent / name.format(n)).write_text(text, encoding="utf-8")


def data_added(path: Path, n: int) -> None:
    """A file that is no module written beside ``path`` (``BENCH_NOTES_N.md``): a README or fixture of a commit, of
    a name no import asks about."""
    _added_beside(path, "BENCH_NOTES_{}.md", n, f"notes {n}\n")


def module_added(path: Path, n: int) -> None:
    """A module written beside ``path`` (``bench_added_N.py``, a function in it): the new file of a commit."""
    _added_beside(path, "bench_added_{}.py", n, f"def bench_added_{n}():\n    return {n}\n")


def _class_named(tree: ast.Module, name: str) -> ast.ClassDef:
    """The module-level class ``name`` of a parsed module (the test case the test rows edit)."""
    return next(c for c in tree.body if isinstance(c, ast.ClassDef) and c.name == name)


def test_module_added(path: Path, name: str, n: int, imported: tuple[str, str]) -> None:
    """A test module written beside ``path`` (``test_bench_module_N.py``: a test case deriving from what class ``name``
    of ``path`` derives from, imported as ``path`` imports it, with one test using a function of production code,
    ``imported``), the ones the runs before added kept: the new test file of a commit, the commonest commit that adds
    a file."""
    text = _test_module_text(path, name, imported, f"BenchModule{n}Tests", "test_bench_module", 0)
    (path.parent / f"test_bench_module_{n}.py").write_text(text, encoding="utf-8")


def test_package_added(path: Path, name: str, n: int, imported: tuple[str, str]) -> None:
    """A new package of tests written beside ``path`` (``bench_tests_N/``: an empty ``__init__.py`` and
    ``test_bench.py``, a test module as ``test_module_added`` writes one, its relative imports one level deeper, its
    test named otherwise, as when the kept model refused a class of test code whose set of public methods another
    class had), the ones the runs before added kept: a commit's new package of tests."""
    package = path.parent / f"bench_tests_{n}"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    text = _test_module_text(path, name, imported, f"BenchPackage{n}Tests", "test_bench_package", 1)
    (package / "test_bench.py").write_text(text, encoding="utf-8")


def test_module_removed(path: Path) -> None:
    """The test module ``test_module_added`` wrote last beside ``path`` removed: a commit that deletes a test file."""
    written = sorted(path.parent.glob("test_bench_module_*.py"), key=lambda p: int(p.stem.rpartition("_")[2]))
    written[-1].unlink()


def test_module_renamed(path: Path) -> None:
    """The test module ``path`` renamed (``test_..._renamed.py``), or back when it was: a commit's ``git mv``."""
    renamed = path.with_name(f"{path.stem}_renamed.py")
    if renamed.exists():
        renamed.rename(path)
    else:
        path.rename(renamed)


def _test_module_text(path: Path, name: str, imported: tuple[str, str], case: str, test: str, deeper: int) -> str:
    """A test module of one test case ``case`` deriving from what class ``name`` of ``path`` derives from, its bases
    imported as ``path`` imports them (relative imports ``deeper`` levels deeper), with one test ``test`` using
    ``imported``."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    node = _class_named(tree, name)
    roots = {ast.unparse(base).split(".")[0] for base in node.bases}
    lines = []
    for statement in tree.body:  # the imports that bind the bases' names, as the test case's module writes them
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            bound = [a for a in statement.names if (a.asname or a.name.split(".")[0]) in roots]
            if bound:
                statement = ast.ImportFrom(statement.module, bound, statement.level + deeper * bool(statement.level)) \
                    if isinstance(statement, ast.ImportFrom) else ast.Import(bound)  # fmt: skip
                lines.append(ast.unparse(statement) + "\n")
    bases = ", ".join(ast.unparse(base) for base in node.bases) or "object"
    return "".join(lines) + f"\nfrom {imported[0]} import {imported[1]}\n\n\n" \
        f"class {case}({bases}):\n    def {test}(self):\n        self.assertTrue({imported[1]})\n"


def local_edit(path: Path, n: int) -> None:
    """A local the function reads assigned another name: ``_bench_local = len`` and a call of it inserted before the
    first ``return`` of a function body, then the name changed at each run (``print``, ``repr``): the function's
    local of a name it reads changes (the interface path: the function's leaf fires)."""
    text = path.read_text(encoding="utf-8")
    name = ("len", "print", "repr")[n % 3]
    if "_bench_local = " in text:
        text = re.sub(r"_bench_local = \w+", f"_bench_local = {name}", text, count=1)
    else:
        text = re.sub(r"^(    )return\b", rf"\1_bench_local = {name}\n\1_bench_local(())\n\1return", text, count=1,
                      flags=re.M)  # fmt: skip
    path.write_text(text, encoding="utf-8")


def module_call_edit(path: Path, n: int) -> None:
    """A call at module level changed: ``len(())`` appended at the end of the module, then its callee changed at each
    run (``print``, ``repr``): the calls outside function bodies change (the interface path: their leaf fires)."""
    text = path.read_text(encoding="utf-8")
    line = f"{('len', 'print', 'repr')[n % 3]}(())  # bench call\n"
    kept = re.sub(r"^\w+\(\(\)\)  # bench call\n", "", text, flags=re.M)
    path.write_text(kept + ("" if kept.endswith("\n") else "\n") + line, encoding="utf-8")


def call_edit(path: Path, n: int) -> None:
    """Insert a call before the first ``return`` of a function body."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(    )return\b", rf"\1print({n})\n\1return", text, count=1, flags=re.M), encoding="utf-8")


def rename_edit(path: Path, n: int) -> None:
    """Rename the first top-level function (its callers and importers now miss it)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^def (\w+?)(_r\d+)?\(", rf"def \1_r{n}(", text, count=1, flags=re.M), encoding="utf-8")


def pick_imported(files: list[Path], target: Path) -> tuple[Path, str]:
    """A plain top-level function of the first copy that 3 to 30 modules of the first copy import by name (``from M
    import f``, absolute imports counted), in another file than ``target``: (its file, its name). Neither ``async``
    nor factory-named: adding, removing or renaming one of those changes what the call readers' tables or the
    concept model's factories list, which runs the whole phase."""
    first = [path for path in files if "copy0" in path.parts]
    importers: Counter[tuple[str, str]] = Counter()
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in first}
    for text in texts.values():
        for found in re.finditer(r"^\s*from ([\w.]+) import \(?([\w, \n]+)\)?", text, re.M):
            for name in {part.strip().split(" as ")[0] for part in found.group(2).split(",") if part.strip()}:
                importers[found.group(1), name] += 1
    for path, text in texts.items():
        parts = path.parts[path.parts.index("copy0") + 1:]
        module = ".".join(parts[:-1] if path.name == "__init__.py" else (*parts[:-1], path.stem))
        for found in re.finditer(r"^def (\w+)\(", text, re.M):
            name = found.group(1)
            if path != target and not FACTORY_NAME.match(name) and 3 <= importers[module, name] <= 30:
                return path, name
    raise SystemExit("no function other modules import")


def rename_named(path: Path, n: int, name: str) -> None:
    """Rename the top-level function ``name`` of ``path`` (again: its last new name), its importers now miss it."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^def {name}(_r\d+)?\(", rf"def {name}_r{n}(", text, count=1, flags=re.M), encoding="utf-8")


def pick_method(files: list[Path]) -> tuple[Path, str]:
    """A method of the first copy's production code (no ``test`` in its path): public, undecorated, its parameters
    plain names on the ``def`` line (no ``*args``, no defaults). (Its file, its name.)"""
    for path in files:
        if "copy0" not in path.parts or any("test" in part for part in path.parts[path.parts.index("copy0"):]):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.ClassDef):
                continue
            for method in node.body:
                a = getattr(method, "args", None)
                if isinstance(method, ast.FunctionDef) and not method.name.startswith("_") and a is not None \
                        and not method.decorator_list and a.args and a.args[0].arg == "self" \
                        and not (a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs) \
                        and re.search(_method_def(method.name), text):  # fmt: skip
                    return path, method.name
    raise SystemExit("no method to edit")


def _method_def(name: str) -> str:
    return rf"(?m)^    def {name}\(self(?:, \w+)*(?:, _bench_arg_\d+=None)?(?P<end>)\)"


def method_edit(path: Path, name: str, n: int) -> None:
    """Give method ``name`` of ``path`` one more parameter (``_bench_arg_N=None``, in place of the last one added):
    the class's facts stay as they were, and the concept model reads nothing of what changed."""
    text = path.read_text(encoding="utf-8")
    found = re.search(_method_def(name), text)
    assert found is not None, (path, name)
    head = re.sub(r", _bench_arg_\d+=None$", "", text[found.start():found.start("end")])
    path.write_text(text[:found.start()] + head + f", _bench_arg_{n}=None" + text[found.start("end"):], encoding="utf-8")


def private_method_edit(path: Path, name: str, n: int) -> None:
    """Add a private helper ``_bench_helper_N`` above method ``name`` of ``path``, in place of the one added last (the
    first run adds it; each later one renames it): the concept model reads a private method only through the member
    lookups (``edits.private_members_only``)."""
    added = r"    def _bench_helper_\d+\(self\):\n        return self\.\w+\n\n"
    text = re.sub(added, "", path.read_text(encoding="utf-8"))
    found = re.search(_method_def(name), text)
    assert found is not None, (path, name)
    helper = f"    def _bench_helper_{n}(self):\n        return self.{name}\n\n"
    path.write_text(text[:found.start()] + helper + text[found.start():], encoding="utf-8")


def coroutine_edit(path: Path, n: int) -> None:
    """Write ``async def bench_coroutine_N`` at the end of ``path``, in place of the one added last (the first run
    adds it; each later one renames it)."""
    text = re.sub(r"\n\n\nasync def bench_coroutine_\d+\(data\):\n    return data\n", "\n", path.read_text(encoding="utf-8"))
    path.write_text(text.rstrip("\n") + f"\n\n\nasync def bench_coroutine_{n}(data):\n    return data\n", encoding="utf-8")


def pick_test_class(files: list[Path]) -> tuple[Path, str]:
    """A test case of the first copy (a class in a ``tests`` directory with a ``test_`` method, not named like a test
    double) that no class of the first copy names as a base: (its file, its name). A method added to it is the
    commonest edit of a large codebase (a test written)."""
    first = [path for path in files if "copy0" in path.parts]
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in first}
    tests = [path for path in first if "tests" in path.parts[path.parts.index("copy0"):]]
    for path in tests:
        for node in ast.parse(texts[path]).body:
            if isinstance(node, ast.ClassDef) and not re.search("Mock|Fake|Stub|Dummy|Spy", node.name) \
                    and any(isinstance(f, ast.FunctionDef) and f.name.startswith("test_") for f in node.body) \
                    and not any(re.search(rf"\bclass \w+\([^)]*\b{node.name}\b", text) for text in texts.values()):  # fmt: skip
                return path, node.name
    raise SystemExit("no test case to edit")


def test_method_edit(path: Path, name: str, n: int, is_async: bool = False) -> None:
    """Add ``test_bench_added_N`` (``is_async``: ``async def test_bench_async_N``) as the last method of class
    ``name`` of ``path``, in place of the one of its kind added last (the first run adds a method; each later one
    renames it)."""
    head = "async def test_bench_async" if is_async else "def test_bench_added"
    text = re.sub(rf"\n    {head}_\d+\(self\):\n        self\.assertTrue\(\d+\)\n", "", path.read_text(encoding="utf-8"))
    node = _class_named(ast.parse(text), name)
    lines = text.splitlines(keepends=True)
    end = node.end_lineno or node.lineno
    lines.insert(end, f"\n    {head}_{n}(self):\n        self.assertTrue({n})\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_class_edit(path: Path, name: str, n: int) -> None:
    """A test case written: ``class BenchCaseNTests`` with one test, deriving from what class ``name`` of ``path``
    derives from, after that class, in place of the one added last (the first run adds a class; each later one
    takes it away and adds another: a class removed and one added)."""
    text = re.sub(r"\n\n\nclass BenchCase\d+Tests\(.*?\n        self\.assertTrue\(\d+\)\n", "\n",
                  path.read_text(encoding="utf-8"), flags=re.S)  # fmt: skip
    node = _class_named(ast.parse(text), name)
    bases = ", ".join(ast.get_source_segment(text, base) or "object" for base in node.bases)
    lines = text.splitlines(keepends=True)
    lines.insert(node.end_lineno or node.lineno, f"\n\nclass BenchCase{n}Tests({bases}):\n"
                 f"    def test_bench_case_{n}(self):\n        self.assertTrue({n})\n")  # fmt: skip
    path.write_text("".join(lines), encoding="utf-8")


def import_edit(path: Path, n: int, imported: tuple[str, str]) -> None:
    """Add ``from MODULE import NAME as _bench_import_N`` (``imported``: a function of another module) below the
    file's docstring and ``from __future__`` imports, above everything else."""
    line = f"from {imported[0]} import {imported[1]} as _bench_import_{n}\n"
    _insert_at_top(path, path.read_text(encoding="utf-8"), line)


def _insert_at_top(path: Path, text: str, line: str) -> None:
    """Write ``text`` to ``path`` with ``line`` below its docstring and ``from __future__`` imports."""
    at = 0
    for node in ast.parse(text).body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if not docstring and not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            break
        at = node.end_lineno or at
    lines = text.splitlines(keepends=True)
    lines.insert(at, line)
    path.write_text("".join(lines), encoding="utf-8")


def class_import_edit(path: Path, imported: tuple[str, str]) -> None:
    """Add ``from MODULE import CLASS`` (``imported``: a class of production code) where ``import_edit`` adds its
    import, or take it away when the last run added it (a test importing one more model class, and the edit undone)."""
    line = f"from {imported[0]} import {imported[1]}  # bench class import\n"
    text = path.read_text(encoding="utf-8")
    if line in text:
        path.write_text(text.replace(line, "", 1), encoding="utf-8")
    else:
        _insert_at_top(path, text, line)


def decorator_edit(path: Path, name: str) -> None:
    """Write ``@unittest.skipIf(False, ...)`` above the first test method of class ``name`` of ``path``, or take it
    away when the last run wrote it (a test marked skipped, and the mark taken away)."""
    line = '    @unittest.skipIf(False, "bench decorator")\n'
    text = path.read_text(encoding="utf-8")
    if line in text:
        path.write_text(text.replace(line, "", 1), encoding="utf-8")
        return
    node = _class_named(ast.parse(text), name)
    first = next(f for f in node.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                 and f.name.startswith("test") and not f.decorator_list)  # fmt: skip
    lines = text.splitlines(keepends=True)
    lines.insert(first.lineno - 1, line)
    path.write_text("".join(lines), encoding="utf-8")


def pick_class(files: list[Path], importer: Path) -> tuple[str, str]:
    """A top-level public exception class (``class NameError(SomeError):``) of a module of production code of the
    first copy that ``importer`` does not name, and that module's dotted name. An exception, as tests import: the
    copies of the tree repeat every class, so a class with methods is one of a concept of eight copies whose ranking
    an import decides (the kept model then runs the whole phase, as it should; a real tree has few such classes)."""
    text = importer.read_text(encoding="utf-8", errors="replace")
    for path in files:
        parts = path.parts[path.parts.index("copy0") + 1:] if "copy0" in path.parts else ()
        if not parts or "tests" in parts or path.name == "__init__.py" or not all(p.isidentifier() for p in parts[:-1]):
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        for found in re.finditer(r"^class ([A-Za-z]\w*)\((\w*(?:Error|Exception))\):", source, re.M):
            if not re.search(rf"\b{found.group(1)}\b", text):
                return ".".join((*parts[:-1], path.stem)), found.group(1)
    raise SystemExit("no class to import")


def pick_import(files: list[Path], target: Path) -> tuple[str, str]:
    """A top-level function of another module of the first copy, and that module's dotted name."""
    for path in files:
        parts = path.parts[path.parts.index("copy0") + 1:] if "copy0" in path.parts else ()
        found = re.search(r"^def (\w+)\(", path.read_text(encoding="utf-8", errors="replace"), re.M) if parts else None
        if found and path != target and path.name != "__init__.py" and all(p.isidentifier() for p in parts[:-1]):
            return ".".join((*parts[:-1], path.stem)), found.group(1)
    raise SystemExit("no function to import")


def scan_argv(tree: Path, cache: Path | None, jobs: int, fmt: str = "json", out: str = os.devnull) -> list[str]:
    """The CLI command measured (the hook's is ``--format text``)."""
    exe = shutil.which("ssot-audit") or "ssot-audit"
    argv = [exe, "scan", str(tree), "-q", "--exit-zero", "--format", fmt, "-o", out, "-j", str(jobs)]
    return argv + (["--cache-dir", str(cache)] if cache else ["--no-cache"])


def median(runs: list[Run]) -> Run:
    """Median of each figure."""
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               statistics.median(r.rss_mb for r in runs))  # fmt: skip


def warm_up(scratch: Path, jobs: int) -> None:
    """Compile the tool's modules (and its libraries') into the bytecode cache with a scan that builds a fix, so no
    measured run pays for compiling."""
    tiny = scratch / "warm-up"
    (tiny / "app").mkdir(parents=True, exist_ok=True)
    (tiny / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tiny / "app" / "a.py").write_text("def f():\n    return 1\n\n\nasync def g():\n    return await f()\n",
                                       encoding="utf-8")  # fmt: skip
    for fmt in ("json", "text"):
        subprocess.run(scan_argv(tiny, None, jobs, fmt=fmt), check=True, env=_ENV, stdout=subprocess.DEVNULL)


def bench_size(source: Path, copies: int, runs: int, jobs: int, verify: bool, scratch: Path) -> dict[str, object]:
    """Every figure for one size."""
    tree, cache = scratch / f"tree{copies}", scratch / f"cache{copies}"
    files = replicate(source, copies, tree)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    listing = "\0".join(str(p) for p in files).encode()
    rows: dict[str, Run] = {}
    rows["floor"] = median([measure_process([sys.executable, "-c", _FLOOR, str(jobs)], listing) for _ in range(runs)])
    colds = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        colds.append(measure_process(scan_argv(tree, cache, jobs)))
    rows["cold"] = median(colds)
    texts = []
    for _ in range(runs):
        scratch_cache = scratch / f"cache{copies}-text"
        shutil.rmtree(scratch_cache, ignore_errors=True)
        texts.append(measure_process(scan_argv(tree, scratch_cache, jobs, fmt="text")))
        shutil.rmtree(scratch_cache, ignore_errors=True)
    rows["cold text"] = median(texts)
    rows["warm"] = median([measure_process(scan_argv(tree, cache, jobs)) for _ in range(runs)])
    target, n = pick_edit_target(files), 0
    imported = pick_import(files, target)
    their_file, their_name = pick_imported(files, target)
    method_file, method_name = pick_method(files)
    case_file, case_name = pick_test_class(files)
    model_class = pick_class(files, case_file)

    def add_import(path: Path, n: int) -> None:
        import_edit(path, n, imported)

    def rename_imported(path: Path, n: int) -> None:  # not ``target``: the function other modules import
        rename_named(their_file, n, their_name)

    def method(path: Path, n: int) -> None:  # not ``target``: a module with a method to edit
        method_edit(method_file, method_name, n)

    def private_method(path: Path, n: int) -> None:  # the same class, a private helper added above the method
        private_method_edit(method_file, method_name, n)

    def test_method(path: Path, n: int) -> None:  # not ``target``: a test case
        test_method_edit(case_file, case_name, n)

    def async_test(path: Path, n: int) -> None:  # the same test case, an ``async def`` test
        test_method_edit(case_file, case_name, n, is_async=True)

    def test_class(path: Path, n: int) -> None:  # not ``target``: a test case written beside that test case
        test_class_edit(case_file, case_name, n)

    def class_import(path: Path, n: int) -> None:  # not ``target``: that test case's module imports a class
        class_import_edit(case_file, model_class)

    def decorator(path: Path, n: int) -> None:  # not ``target``: a test of that test case marked skipped
        decorator_edit(case_file, case_name)

    def coroutine(path: Path, n: int) -> None:  # not ``target``: the module of the function others import
        coroutine_edit(their_file, n)

    def test_module(path: Path, n: int) -> None:  # not ``target``: a test module written beside that test case's
        test_module_added(case_file, case_name, n, imported)

    def test_package(path: Path, n: int) -> None:  # not ``target``: a package of tests written beside it
        test_package_added(case_file, case_name, n, imported)

    def removed(path: Path, n: int) -> None:  # not ``target``: a test module the row above wrote
        test_module_removed(case_file)

    def renamed(path: Path, n: int) -> None:  # not ``target``: that test case's module, renamed (then back)
        test_module_renamed(case_file)

    # the private method last in both runs, as in the rounds before (it ran the whole phase then, which starts the
    # kept state afresh, and the rows after it would have carried fewer edits since a full scan)
    for name, edit in (("body edit", body_edit), ("body edit, call", call_edit), ("rename", rename_edit),
                       ("rename, imported", rename_imported), ("import", add_import), ("method", method),
                       ("test method", test_method), ("async test", async_test), ("coroutine", coroutine),
                       ("private method", private_method)):  # fmt: skip
        timed = []
        for _ in range(runs):
            n += 1
            edit(target, n)
            timed.append(measure_process(scan_argv(tree, cache, jobs)))
        rows[name] = median(timed)
    # the hook has run on this checkout before (its own last result is kept, beside the JSON scans')
    subprocess.run(scan_argv(tree, cache, jobs, fmt="text"), check=True, env=_ENV)
    for name, edit in (("pre-commit", body_edit), ("pre-commit, call", call_edit), ("pre-commit, import", add_import),
                       ("pre-commit, rename", rename_imported), ("pre-commit, method", method),
                       ("pre-commit, test", test_method), ("pre-commit, async", async_test),
                       ("pre-commit, coroutine", coroutine), ("pre-commit, private", private_method),
                       ("pre-commit, by rename", body_edit_by_rename), ("pre-commit, local", local_edit),
                       ("pre-commit, module call", module_call_edit), ("pre-commit, test class", test_class),
                       ("pre-commit, class import", class_import), ("pre-commit, decorator", decorator),
                       ("pre-commit, data added", data_added), ("pre-commit, module added", module_added),
                       ("pre-commit, test module added", test_module),
                       ("pre-commit, test package added", test_package),
                       ("pre-commit, test module removed", removed),
                       ("pre-commit, test module renamed", renamed)):  # fmt: skip
        timed = []
        for _ in range(runs):
            n += 1
            edit(target, n)
            timed.append(measure_process(scan_argv(tree, cache, jobs, fmt="text")))
        rows[name] = median(timed)
    rows["pre-commit no-op"] = median([measure_process(scan_argv(tree, cache, jobs, fmt="text")) for _ in range(runs)])
    if not case_file.exists():  # the rename row's odd run put back: the edits below write into that module
        case_file.with_name(f"{case_file.stem}_renamed.py").rename(case_file)
    same: dict[str, bool] = {}
    warm_json, cold_json = scratch / "warm.json", scratch / "cold.json"
    for name, edit in (("body edit", body_edit), ("call", call_edit), ("rename", rename_edit),
                       ("rename, imported", rename_imported), ("import", add_import), ("method", method),
                       ("private method", private_method), ("test method", test_method),
                       ("async test", async_test), ("coroutine", coroutine),
                       ("body edit, by rename", body_edit_by_rename), ("local", local_edit),
                       ("module call", module_call_edit), ("test class", test_class), ("class import", class_import),
                       ("decorator", decorator), ("data added", data_added),
                       ("module added", module_added), ("test module added", test_module),
                       ("test package added", test_package), ("test module removed", removed),
                       ("test module renamed", renamed)):  # fmt: skip
        n += 1
        edit(target, n)
        subprocess.run(scan_argv(tree, cache, jobs, out=str(warm_json)), check=True, env=_ENV)
        if verify:
            subprocess.run(scan_argv(tree, None, jobs, out=str(cold_json)), check=True, env=_ENV)
            same[name] = warm_json.read_bytes() == cold_json.read_bytes()
    findings = len(json.loads(warm_json.read_text(encoding="utf-8"))["findings"])
    shutil.rmtree(tree)
    shutil.rmtree(cache, ignore_errors=True)
    return {"copies": copies, "files": len(files), "lines": lines, "rows": rows, "findings": findings,
            "same": same or None}


def print_table(result: dict[str, object]) -> None:
    """One size's table."""
    rows, same = result["rows"], result["same"]
    assert isinstance(rows, dict) and (same is None or isinstance(same, dict))
    floor = rows["floor"].wall
    print(f"\n{result['copies']} copies: {result['files']:,} files, {result['lines']:,} lines, "
          f"{result['findings']} findings" + ("" if same is None else ", JSON after the edit == cold JSON: "
                                             + ", ".join(f"{k} {v}" for k, v in same.items())))  # fmt: skip
    width = max(map(len, rows))  # the widest row's name: the table stays aligned
    print(f"| {'scan':<{width}} | {'wall s':>7} | {'CPU s':>7} | {'x floor':>7} | {'peak MB':>7} |")
    print(f"|{'-' * (width + 2)}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, run in rows.items():
        figures = f"{run.wall:>7.2f} | {run.cpu:>7.2f} | {run.wall / floor:>7.2f} | {run.rss_mb:>7.0f}"
        print(f"| {name:<{width}} | {figures} |")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a real project to copy (django's 2,800 files are 0.5M lines)")
    parser.add_argument("--sizes", default="1,2,4,8", help="copies per size (default: 1,2,4,8)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is shown (default: 3)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the floor and the scans")
    parser.add_argument("--verify", action="store_true", help="compare the one-changed JSON with a cold scan's")
    parser.add_argument("--scratch", type=Path, default=None, help="where to build the trees (default: a temp dir)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, jobs={args.jobs}, median of {args.runs}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="ssot-bench-", dir=args.scratch) as tmp:
        _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        _ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        warm_up(Path(tmp), args.jobs)
        for copies in (int(k) for k in args.sizes.split(",")):
            print_table(bench_size(args.path, copies, args.runs, args.jobs, args.verify, Path(tmp)))
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
