"""What restoring the kept whole-program state costs against building it, and what keeping it costs.

    python benchmarks/bench_kept_state.py TREE --cache-dir DIR [--runs 3] [--build-only]

Loads TREE (its facts from DIR's cache after the first run), then reports in CPU seconds of this process (median of
``--runs``, each on a new resolver): building the import sites, graph, ``Names`` and the concept model's restore as
the calls-only scan does (``build``), ``snapshot_state`` and its blob's size (what a full scan adds), and
``read_state`` + ``restore_state`` (``restore``), counting the modules whose facts the restore read.
``--build-only`` measures only what exists in older versions of the tool (to run it on their code).
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ssot_audit.analysis.concept_snapshot import restored, take_snapshot
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.config import load_config
from ssot_audit.project import load_project


def _cpu(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median CPU seconds of ``step`` over ``runs`` runs, and its last answer; with the cyclic collector paused,
    as a scan runs (``loader.gc_paused``: its passes over millions of live facts would be most of what is timed)."""
    times, answer = [], None
    for _ in range(runs):
        answer = None  # the last run's answer freed before the next is built
        gc.disable()
        started = time.process_time()
        answer = step()
        times.append(time.process_time() - started)
        gc.enable()
    return statistics.median(times), answer


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    started = time.process_time()
    project = load_project(args.tree, load_config(args.tree), jobs=2, cache_dir=args.cache_dir)
    print(f"load {time.process_time() - started:.2f} CPU-s, {len(project.index.modules)} modules")
    index, unparsed = project.index, project.concepts.unparsed
    seconds, snapshot = _cpu(lambda: take_snapshot(project.concepts), args.runs)
    print(f"concept snapshot alone (what keep_model takes today): {seconds:.2f} CPU-s")
    snapshot = pickle.loads(pickle.dumps(snapshot, protocol=5))

    def build() -> object:
        resolver = Resolver(index)
        sites = ImportSites(index, resolver)
        return sites, ImportGraph(index), restored(snapshot, index, resolver, sites, unparsed)

    seconds, _ = _cpu(build, args.runs)
    print(f"build (sites, graph, model restore as the calls-only scan does): {seconds:.2f} CPU-s")
    if args.build_only:
        return
    from ssot_audit.analysis.kept_state import read_state, restore_state, snapshot_state

    names = {info.relpath: info.name for info in index.iter_modules()}
    seconds, blob = _cpu(lambda: snapshot_state(index, project.sites, project.graph, project.concepts, names), args.runs)
    print(f"snapshot_state: {seconds:.2f} CPU-s, blob {len(blob) / 1e6:.1f} MB")
    tracemalloc.start()
    snapshot_state(index, project.sites, project.graph, project.concepts, names)
    print(f"snapshot_state's peak of memory allocated (blob included): {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB")
    tracemalloc.stop()
    read: set[str] = set()
    for info in index.iter_modules():  # facts that note a read (the restore must read none)
        object.__setattr__(info, "facts", _Noting(info.facts, info.name, read))
    seconds, back = _cpu(lambda: restore_state(read_state(blob), index, Resolver(index), {}, unparsed=unparsed),
                         args.runs)  # fmt: skip
    assert back is not None
    print(f"restore (read_state + restore_state): {seconds:.2f} CPU-s, modules whose facts it read: {len(read)}")


class _Noting:
    def __init__(self, facts: object, module: str, read: set[str]) -> None:
        self._facts, self._module, self._read = facts, module, read

    def __getattr__(self, name: str) -> Any:
        self._read.add(self._module)
        return getattr(self._facts, name)


if __name__ == "__main__":
    main()
