"""Benchmark the resolver on hostile shapes: long inheritance chains (MRO) and long re-export chains. Prints figures.

    python benchmarks/bench_deep.py [--sizes 250,500,1000,3000]

Each size builds the index straight from per-file facts (no concept discovery, no rules), then times
``Resolver.mro`` of every class of an N-class chain and ``module_attr`` at the end of an N-module re-export chain,
with the cyclic garbage collector paused as during a scan.
"""

from __future__ import annotations

import argparse
import time

from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.loader import analyze_bytes, gc_paused
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import ClassValue


def _index(sources: dict[str, str]) -> ProjectIndex:
    modules = {}
    for name, source in sources.items():
        facts = analyze_bytes(source.encode(), f"{name}.py").facts
        assert facts is not None
        modules[name] = ModuleInfo(name, f"{name}.py", False, False, facts)
    return ProjectIndex(modules)


def main() -> None:
    """Print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="250,500,1000,3000")
    for size in (int(s) for s in parser.parse_args().sizes.split(",")):
        chain = "class C0:\n    pass\n" + "".join(f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, size))
        resolver = Resolver(_index({"m": chain}))
        started = time.perf_counter()
        with gc_paused():  # as during a scan
            for i in range(size):
                resolver.mro(ClassValue("m", f"C{i}"))
        mro = time.perf_counter() - started
        sources = {"a0": "class X:\n    pass\n"} | {f"a{i}": f"from a{i - 1} import X\n" for i in range(1, size)}
        resolver = Resolver(_index(sources))
        started = time.perf_counter()
        with gc_paused():
            found = resolver.module_attr(f"a{size - 1}", "X")
        chain_time = time.perf_counter() - started
        print(f"{size:6d}: MRO of every class of the chain {mro:7.3f} s; re-export chain {chain_time:7.4f} s -> {sorted(map(str, found))}")


if __name__ == "__main__":
    main()
