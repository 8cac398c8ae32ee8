"""How fast ``unseen_change`` and ``calls_only_change`` judge the largest files, and a larger seeded run of the
ground truths of ``tests/test_unseen.py`` and ``tests/test_calls_only.py``. Prints figures.

    python benchmarks/bench_unseen.py --django DJANGO_SOURCE/django [--edits 40] [--seed unseen] [--skip-truth]

Timing: for each large django file, an edit of each kind (a comment line near the top, which moves every later
position; an unread local in a method, which also gathers the file's mentions; a call statement in a method; no
change), the median CPU time of each judgement over 3 rounds of 20 (facts are extracted beforehand: the scan has
them). Ground truth: ``--edits``
random edits of each kind on sample_repo and on django.contrib.auth + dispatch, each accepted one checked against
two cold scans; prints how many of each kind were accepted and refused (the calls-only ground truth on sample_repo
and django.utils + http).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ssot_audit.analysis.unseen import calls_only_change, unseen_change  # noqa: E402
from tests import test_calls_only  # noqa: E402
from tests.test_unseen import REPO, _django_tree, _ground_truth, facts_of, line_map  # noqa: E402

LARGE = ("db/models/query.py", "db/models/base.py", "db/models/sql/query.py", "db/models/fields/__init__.py")


def _cases(old: str) -> dict[str, str]:
    lines = old.splitlines(keepends=True)
    middle = next(i for i, line in enumerate(lines) if line.startswith("        return ") and i > len(lines) // 2)
    return {
        "comment at the top": "".join([*lines[:30], "# note\n", *lines[30:]]),
        "unread local": "".join([*lines[:middle], "        _unused = 1\n", *lines[middle:]]),
        "call in a method": "".join([*lines[:middle], "        print(self)\n", *lines[middle:]]),
        "no change": old,
    }


def time_large(django: Path) -> None:
    for rel in LARGE:
        old = (django / rel).read_text(encoding="utf-8")
        before = facts_of(old)
        for case, new in _cases(old).items():
            after, moved = facts_of(new), line_map(old, new)
            table = {n: moved(n) for n in range(1, old.count("\n") + 2)}  # a LineMap answers by lookup too
            figures = []
            for judge in (unseen_change, calls_only_change):
                rounds = []
                for _ in range(3):
                    started = time.process_time()
                    for _ in range(20):
                        verdict = judge(before, after, table.get)
                    rounds.append((time.process_time() - started) / 20)
                figures.append(f"{judge.__name__} {verdict} {statistics.median(rounds) * 1000:.2f} ms")
            print(f"{rel} ({old.count(chr(10))} lines, {len(before.calls)} calls, {len(before.functions)} functions), "
                  f"{case}: {', '.join(figures)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--django", type=Path, required=True, help="a django source tree's django/ directory")
    parser.add_argument("--edits", type=int, default=40, help="random edits of each kind per tree")
    parser.add_argument("--seed", default="unseen")
    parser.add_argument("--skip-truth", action="store_true", help="only the timing")
    args = parser.parse_args()
    time_large(args.django)
    if args.skip_truth:
        return
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"sample_repo": shutil.copytree(REPO / "sample_repo", Path(scratch) / "sample_repo"),
                 "django": _django_tree(Path(scratch), args.django)}  # fmt: skip
        for name, root in trees.items():
            counts = _ground_truth(root, random.Random(f"{args.seed}-{name}"), args.edits)
            print(name, {kind: dict(c) for kind, c in counts.items()})
        test_calls_only.DJANGO = args.django
        for name, root in {"sample_repo": trees["sample_repo"],
                           "django.utils+http": test_calls_only._django_parts(Path(scratch))}.items():  # fmt: skip
            counts = test_calls_only._ground_truth(root, random.Random(f"{args.seed}-calls-{name}"), args.edits,
                                                   args.edits // 2)  # fmt: skip
            print("calls-only", name, {kind: dict(c) for kind, c in counts.items()})


if __name__ == "__main__":
    main()
