"""What loading a scanned tree costs eagerly (every file's facts unpickled, as a scan after an edit does) and lazily
(``project.load_lazy``: each payload's head only, facts when first read). Prints one line per run.

    python benchmarks/bench_lazy.py TREE --cache-dir DIR [--mode eager|lazy] [--runs 3] [--read N]

The cache directory must hold a scan of TREE by this version of the tool (``ssot-audit scan TREE --cache-dir DIR``).
Each run is its own process (nothing warm but the OS's page cache); CPU seconds are this process's (no workers
run: every payload is in the packs). Phases: walk (walk recalled, every file stat'ed), packs (read), load (eager:
``analyze_files`` and the index; lazy: ``load_lazy``), read (lazy: the facts of ``--read`` modules read). The peak
resident memory and the packs' size (what a lazy project holds) are printed beside.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _one(tree: Path, cache: Path, mode: str, read: int) -> str:
    from ssot_audit import project as loading
    from ssot_audit.analysis.loader import analyze_files, gc_paused
    from ssot_audit.config import Config
    from ssot_audit.rules import ALL_RULES

    root, config = tree.resolve(), Config()
    with gc_paused():
        start = time.process_time()
        found, cached = loading.walk_tree(root, config, loading.scope_key(root, config, ALL_RULES), cache)
        assert cached is not None
        walked = time.process_time()
        cached.load_payloads()
        packs = time.process_time()
        if mode == "eager":
            outcomes = analyze_files(found.files, jobs=1, cache=cached.payloads, boundary=root)
            loaded = loading._loaded_files(root, config, found, outcomes, [o.facts for o in outcomes], {})
        else:
            loaded = loading.load_lazy(root, config, found, tree=cached, started=0.0)
        done = time.process_time()
        for info in list(loaded.index.iter_modules())[:read]:
            info.facts  # noqa: B018 - reading is the point
        after = time.process_time()
    size = sum((cached.store.directory / p).stat().st_size for p in cached.packs) / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (f"{mode}: walk {walked - start:.2f} packs {packs - walked:.2f} load {done - packs:.2f} "
            f"read({read}) {after - done:.3f} total {after - start:.2f} CPU-s; modules {len(loaded.index.modules)} "
            f"loaded {loaded.index.loaded_count()}; peak RSS {rss:.0f} MB; packs {size:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--mode", choices=("eager", "lazy", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read", type=int, default=0, help="lazy: read this many modules' facts after loading")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(_one(args.tree, args.cache_dir, args.mode, args.read))
        return
    for mode in ("eager", "lazy") if args.mode == "both" else (args.mode,):
        totals = []
        for _ in range(args.runs):
            line = subprocess.run([sys.executable, __file__, str(args.tree), "--cache-dir", str(args.cache_dir),
                                   "--mode", mode, "--read", str(args.read), "--child"],
                                  check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
            print(line, flush=True)
            totals.append(float(line.split(" total ")[1].split()[0]))
        print(f"{mode}: median total {statistics.median(totals):.2f} CPU-s", flush=True)


if __name__ == "__main__":
    main()
