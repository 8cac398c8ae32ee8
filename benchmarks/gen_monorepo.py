"""Generate a messy, backend-shaped Python monorepo of a chosen size, with its ground truth. For measurement.

    python benchmarks/gen_monorepo.py OUT [--preset backend|medium|small | --files N | --lines N] [--seed S]
                                          [--force]

writes the tree into the directory OUT (outside this repository; it must not exist, or be a tree this script
generated when ``--force`` is given) and the labels into ``OUT.labels.json`` next to it, never inside the tree.
The same seed and size give byte-identical files and labels on any machine and Python (3.11+). ``--preset
backend`` is the product's reference shape: 10,400 files, about 4 million lines, about 4,000 findings of the
current ssot-audit with ~78% in tests (3,864 and 79.5% measured), like the backend the tool was built for.
Writing it takes about 20 s of CPU. ``--files N`` gives N files (a small tree has a floor of about 220: the
planted core is fixed); ``--lines N`` is turned into a file count.

What the tree holds (the real backend's shape, at any scale): services ``netra_backend/app/...``,
``auth_service/auth_core/...``, ``analytics_service/analytics_core/...`` and ``shared/...``, each with routes,
services, websocket core, agents, db, clickhouse, config and utils packages; tests per service and a top-level
``tests/``; ``test_framework/`` (mocks, fixtures, SSOT base test case); ``scripts/``; ``backup/`` and
``*_old.py`` / ``*_backup.py`` copies; ``docs/examples``. Code varies in names, method sets, signatures,
formatting, absolute / relative / ``as`` / module-alias / try-except / TYPE_CHECKING / function-local imports;
a few directories are namespace packages (no ``__init__.py``). Every file parses except the planted ones.

Planted by construction (fixed, at every size): the WebSocket manager family (a private implementation and four
public aliases, a logging subclass shim, an adapter, a guard whose ``__init__`` raises exported as
``WebSocketManager``, a legacy and an analytics implementation, three test doubles, two orphaned copies, a facade,
a Protocol; ``WebSocketManager`` names three classes by module), four more duplicated concepts (session
stores, ClickHouse clients, config managers, Redis managers), two ABC families, look-alikes with generic method
names, files with syntax errors or newer-Python syntax, import cycles. Scaled with the size: awaits on the sync
factory ``get_websocket_manager()`` (through every import shape, one kind through importlib), awaits on sync
methods, dropped coroutines, direct constructions, guard constructions, imports of a name a refactor removed,
imports through non-canonical paths, module-level singletons. Anything not labelled is meant to be clean (class
names are unique across the tree, a function name's async-ness is the same in every module).

Labels file (JSON, keys sorted, 2-space indent):

    {"format": "gen_monorepo-labels", "version": 1, "seed": S,
     "tree": {"files", "python_files", "test_files", "lines"},
     "concepts": [{"name", "canonical", "canonical_import", "factories", "per_user", ["interface_family"]}],
     "counts": {kind: number of problems},
     "problems": [{"kind", "rule", "path", "line", "symbol", "what", "in_tests", ...kind-specific keys}],
     "members": [{"concept", "role", "symbol", "path", "line", "what"}],
     "decoys": [{"kind": "decoy", "decoy_of", "rule": null, "path", "line", "symbol", "what", "in_tests"}]}

``path`` is POSIX and relative to OUT; ``line`` is 1-based and is the line the problem is on (the ``await``,
the import, the ``class``, the offending syntax). ``rule`` is the ssot-audit rule meant to report it (rules
being built now included; null when no rule is meant to). Problem kinds and their extra keys:

    await-on-sync       SSOT401  callee, via (canonical|package|facade-module|alias|module-alias|try-except|
                                 function-local|method|importlib), dynamic (true: importlib, not statically
                                 resolvable)
    unawaited-coroutine SSOT402  callee
    divergent-import    SSOT201  imported, used_path, canonical_path, fallback (the except-branch of a try)
    broken-import       SSOT203  imported (a name the module no longer defines), exists_in
    ambiguous-name      SSOT204  name (each module-level binding of WebSocketManager to a different class)
    direct-instantiation SSOT301 cls          guard-instantiation SSOT301 cls (always raises RuntimeError)
    shared-instance     SSOT302  (module-level instance or @lru_cache factory of a per-user concept)
    duplicate-implementation SSOT101 concept  concept-alias SSOT102   shim-subclass SSOT103
    duplicate-factory   SSOT104                import-cycle SSOT202 cycle, cycle_modules (one label per edge)
    orphaned-copy       SSOT101  of: the class a verbatim backup/ or *_old.py / *_backup.py / *_v1.py copy repeats
    parse-error         SSOT900  min_python: first Python that parses it ("3.12", "3.13", "3.14"), null: none

Member roles: implementation, alias, factory, shim, guard, adapter, facade, interface, interface implementation,
test double, orphaned copy, unrelated look-alike (``concept`` is then the concept it may be mistaken for, or
null). Orphaned copies of ordinary modules have ``concept`` null.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks.monorepo_gen`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.monorepo_gen.generate import MEAN_LINES, PRESETS, generate  # noqa: E402


def labels_path(out: Path) -> Path:
    """Where the labels of the tree ``out`` go: ``OUT.labels.json`` beside it."""
    return out.with_name(out.name + ".labels.json")


def _inside_repository(out: Path) -> bool:
    here = Path(__file__).resolve().parent.parent
    try:
        top = subprocess.run(["git", "-C", str(here), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=False).stdout.strip()  # fmt: skip
    except OSError:
        top = ""
    repo = Path(top).resolve() if top else here
    return out == repo or repo in out.parents


def _prepare(out: Path, force: bool) -> str | None:
    """Check the output directory; returns an error message or None."""
    if _inside_repository(out):
        return f"{out} is inside the ssot-audit repository: write generated trees elsewhere"
    if out.exists() and any(out.iterdir()):
        if not force:
            return f"{out} exists and is not empty (use --force to replace a tree this script generated)"
        if not labels_path(out).is_file():
            return f"{out} has no {labels_path(out).name} beside it: not a generated tree, refusing to delete it"
        shutil.rmtree(out)
    return None


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, write the labels, print a summary; 0 on success, 2 on a usage error."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="directory to create (outside the repository)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--preset", choices=sorted(PRESETS), help="a named size (default: backend)")
    size.add_argument("--files", type=int, help="number of files to write")
    size.add_argument("--lines", type=int, help="about this many lines (turned into a file count)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="replace OUT if this script generated it")
    args = parser.parse_args(argv)
    files = args.files or (max(60, args.lines // MEAN_LINES) if args.lines else PRESETS[args.preset or "backend"])
    if files < 60:
        parser.error("--files must be at least 60 (the planted pathology alone takes about 60 files)")
    out = args.out.resolve()
    error = _prepare(out, args.force)
    if error:
        print(f"gen_monorepo: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    labels = generate(out, files=files, seed=args.seed)
    labels_path(out).write_text(json.dumps(labels, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tree = labels["tree"]
    print(f"wrote {tree['files']:,} files ({tree['test_files']:,} tests), {tree['lines']:,} lines to {out} "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"labels: {labels_path(out)} ({len(labels['problems']):,} problems, {len(labels['members'])} members)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
