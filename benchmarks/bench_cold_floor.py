"""What a cold scan cannot go below: the per-file work stripped layer by layer, against the parse floor. A table.

    python benchmarks/bench_cold_floor.py TREE [--jobs 2] [--runs 1]

Every row is a whole process (interpreter start included) over TREE's .py files, the per-file rows in ``--jobs``
worker processes fed the same list in chunks of 64, as ``bench_incremental``'s floor is; CPU seconds are user +
system of the process and its workers, and each figure is also shown as a multiple of the floor's:

1. floor: read + ``ast.parse`` of every file, nothing else (``bench_incremental``'s floor, its own code);
   floor, gc paused: the same with the cyclic collector paused, as the tool's workers run (``loader.gc_paused``):
   the rows below pause it too, so each one's cost over this row is its own;
2. walk: + ``ast.walk`` over every node, doing nothing; visit: + the cheapest visit of every node written in
   Python found (a stack over each node's ``_fields``: half ``ast.walk``'s cost, whose generators dominate it),
   the least any extraction in Python can cost;
3. extract: the tool's decode and parse (``parse_source``) + ``extract_facts``, nothing pickled or sent;
4. per-file: the tool's worker function itself (``loader._analyze_chunk``: ``analyze_to_blob``, i.e. extraction,
   suppression comments, line digest, pickling), its payloads sent back to the parent as the scan's are;
5. cold text, cold JSON: ``ssot-audit scan TREE --no-cache -j N`` as ``bench_incremental`` runs it (the CLI's
   ``main`` in a process that also times its phases, in that process's CPU): per-file (the workers, and the
   parent receiving and unpickling their payloads), whole-program (index, resolver, concept model, rules),
   fixes (JSON only: libcst) and the rest (start-up, imports, discovery, rendering); "cold JSON, cache": with an
   empty ``--cache-dir`` instead of ``--no-cache``, as ``bench_incremental``'s "cold" and the README's figures (its
   whole-program phase also records the dependency record and keeps the state; packs are written).

The last line is what 1.6x the floor would leave for extraction beyond a bare visit (pickling and sending
included) once (2)'s visit and the whole-program phase are paid, against what the tool spends there now ((4) - visit).
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from multiprocessing import Pool
from pathlib import Path
from typing import Any

try:
    import bench_incremental as bench  # run as a script: its directory is on the path
except ImportError:  # imported as ``benchmarks.bench_cold_floor`` (the tests)
    from benchmarks import bench_incremental as bench  # type: ignore[no-redef]

VARIANTS = ("floor, gc paused", "walk", "visit", "extract", "per-file")
SCANS = (("cold text", "text", False), ("cold JSON", "json", False), ("cold JSON, cache", "json", True))
TARGET = 1.6  # issue 10: a cold scan within 1.6x the parse floor


def _chunk(variant: str, paths: list[str]) -> object:
    """One chunk of a per-file row (see the module's docstring)."""
    if variant == "per-file":  # the scan's own worker function: ``Pool.map`` pickles its payloads to the parent
        from ssot_audit.analysis.loader import _analyze_chunk

        return _analyze_chunk([(path, path) for path in paths])
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            if variant == "extract":  # as ``analyze_bytes`` calls them; the facts dropped
                from ssot_audit.analysis.extract import extract_facts
                from ssot_audit.analysis.parsing import ParseFailure, parse_source

                parsed = parse_source(data, path)
                if not isinstance(parsed, ParseFailure):
                    extract_facts(parsed.tree, parsed.lines, len(data))
                continue
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError):
            continue
        if variant == "walk":
            for _ in ast.walk(tree):
                pass
        elif variant == "visit":
            _bare_visit(tree)
    return 0


def _bare_visit(tree: ast.AST) -> None:
    """Every node once, by the fields its class declares (no generator per node, as ``ast.walk`` has)."""
    stack, node_type = [tree], ast.AST
    while stack:
        node = stack.pop()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                stack.append(value)
            elif value.__class__ is list:
                stack.extend(item for item in value if isinstance(item, node_type))


def run_variant(variant: str, jobs: int) -> None:
    """A per-file row's process (``--variant``): the listing on standard input, chunked as the floor chunks it."""
    gc.disable()  # the workers inherit it, as the scan's inherit it from a parent that paused it (``gc_paused``)
    if variant in ("extract", "per-file"):  # imported before the fork, as the scan's workers find the tool
        import ssot_audit.analysis.loader  # noqa: F401
    paths = sys.stdin.read().split("\0")
    with Pool(jobs) as pool:
        pool.map(partial(_chunk, variant), [paths[i : i + 64] for i in range(0, len(paths), 64)])


def _timed(function: Callable[..., Any], marks: dict[str, float], name: str) -> Callable[..., Any]:
    """``function``, leaving the process's CPU seconds at its start and end in ``marks``."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        marks[f"{name} start"] = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            marks[f"{name} end"] = time.process_time()

    return timed


def run_scan(argv: list[str], phases_out: str) -> None:
    """A scan row's process (``--scan``): the CLI's ``main``, its phases timed from outside (the tool prints no
    timings): per-file is ``analyze_files`` (and the workers' CPU, reaped by then); whole-program runs from its
    end to the fixes' start (with no fixes, to the scan's end: freeing the facts included); the rest is the rest."""
    from ssot_audit import api, cli, project

    marks: dict[str, float] = {}
    scan_tree = api._scan_tree

    def with_timed_fixes(*args: Any, **kwargs: Any) -> Any:
        if args[6] is not None:  # ``finish``: what builds the fixes of the JSON and SARIF outputs
            args = (*args[:6], _timed(args[6], marks, "fixes"), *args[7:])
        return scan_tree(*args, **kwargs)

    project.analyze_files = _timed(project.analyze_files, marks, "per-file")  # type: ignore[attr-defined]
    api._scan_tree = _timed(with_timed_fixes, marks, "scan")
    cli.main(argv)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent = marks["per-file end"] - marks["per-file start"]
    whole = marks.get("fixes start", marks["scan end"]) - marks["per-file end"]
    fixes = marks.get("fixes end", 0.0) - marks.get("fixes start", 0.0)
    phases = {"per-file": workers.ru_utime + workers.ru_stime + parent, "whole-program": whole, "fixes": fixes,
              "rest": time.process_time() - parent - whole - fixes}  # fmt: skip
    Path(phases_out).write_text(json.dumps(phases), encoding="utf-8")


def left_for_extraction(floor: float, visit: float, whole_program: float, target: float = TARGET) -> float:
    """CPU seconds a scan within ``target`` x ``floor`` has for extraction beyond a bare visit (pickling, sending
    and everything else of the scan included) once the visit row (floor included) and the whole-program phase
    are paid."""
    return target * floor - visit - whole_program


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path, nargs="?", help="a tree of Python files (read only)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for every row (default: 2)")
    parser.add_argument("--runs", type=int, default=1, help="runs per row; the median is shown (default: 1)")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)  # a measured process's entry
    parser.add_argument("--scan", nargs=3, metavar=("FORMAT", "PHASES", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.jobs)
        return 0
    if args.scan:
        cache = Path(args.scan[2]) if args.scan[2] != "-" else None
        run_scan(bench.scan_argv(args.tree, cache, args.jobs, fmt=args.scan[0])[1:], args.scan[1])
        return 0
    if args.tree is None:
        parser.error("a tree is required")
    files = bench.python_files(args.tree)
    listing = "\0".join(str(p) for p in files).encode()
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"{args.tree}: {len(files):,} files, {lines:,} lines; python {sys.version.split()[0]}, jobs={args.jobs}, "
          f"median of {args.runs}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory(prefix="ssot-floor-") as tmp:
        bench.warm_up(Path(tmp), args.jobs)  # compiles the tool, so no measured row pays for it
        phases_file = str(Path(tmp) / "phases.json")
        measured: dict[str, list[bench.Run]] = {}
        phases: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in SCANS}
        for _ in range(args.runs):  # the rows interleave, so a change of load spreads over all of them
            measured.setdefault("floor", []).append(
                bench.measure_process([sys.executable, "-c", bench._FLOOR, str(args.jobs)], listing))
            for name in VARIANTS:
                argv = [*me, "--variant", name, "--jobs", str(args.jobs)]
                measured.setdefault(name, []).append(bench.measure_process(argv, listing))
            for name, fmt, cached in SCANS:
                cache = Path(tmp) / "cache"
                shutil.rmtree(cache, ignore_errors=True)
                argv = [*me, str(args.tree), "--jobs", str(args.jobs), "--scan", fmt, phases_file,
                        str(cache) if cached else "-"]  # fmt: skip
                measured.setdefault(name, []).append(bench.measure_process(argv))
                phases[name].append(json.loads(Path(phases_file).read_text(encoding="utf-8")))
    rows = {name: bench.median(runs) for name, runs in measured.items()}
    split = {name: {k: sorted(p[k] for p in runs)[len(runs) // 2] for k in runs[0]} for name, runs in phases.items()}
    print_table(rows, split)
    floor = rows["floor"].cpu
    visit, whole = rows["visit"].cpu, split["cold JSON"]["whole-program"]  # text's includes freeing the facts
    left, spent = left_for_extraction(floor, visit, whole), rows["per-file"].cpu - visit
    print(f"\nwhat {TARGET}x would need: {TARGET} x floor {floor:.1f} - visit {visit:.1f} - whole-program {whole:.1f} "
          f"= {left:.1f} CPU-s for extraction beyond a bare visit, pickling, sending, start-up and rendering (and "
          f"JSON's fixes, {split['cold JSON']['fixes']:.1f}); the tool spends {spent:.1f} on the first three now "
          f"(per-file - visit)")  # fmt: skip
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


def print_table(rows: dict[str, bench.Run], split: dict[str, dict[str, float]]) -> None:
    """Each row's CPU and wall seconds, each as a multiple of the floor's, and the scans' phases."""
    floor = rows["floor"]
    print(f"| {'row':<16} | {'CPU s':>6} | {'x floor':>7} | {'wall s':>6} | {'x floor':>7} | {'peak MB':>7} |")
    print(f"|{'-' * 18}|{'-' * 8}|{'-' * 9}|{'-' * 8}|{'-' * 9}|{'-' * 9}|")
    for name, run in rows.items():
        print(f"| {name:<16} | {run.cpu:>6.2f} | {run.cpu / floor.cpu:>7.2f} | {run.wall:>6.2f} | "
              f"{run.wall / floor.wall:>7.2f} | {run.rss_mb:>7.0f} |")  # fmt: skip
    for name, parts in split.items():
        shown = ", ".join(f"{k} {v:.2f} ({v / floor.cpu:.2f}x)" for k, v in parts.items())
        print(f"{name} phases, CPU s (x floor): {shown}")


if __name__ == "__main__":
    raise SystemExit(main())
