"""The truth test of the dependency record (``analysis.trace``), as a harness a test and a script both run.

For seeded random interface edits (``tests/trace_edits.py``) of one project: the old tree is scanned once, in full,
with a cache (the scan records what each judgement read, ``Recorded``); each edit the classifier accepts
(``interface_change`` not None) is applied, the new tree scanned in full, and the edit undone. Every finding that
differs (old XOR new, ``Finding`` equality) outside the edited file E must come from a judgement the record says may
change: its unit (``unit_of``) or its rule's whole unit ``(UNIT, code, None)`` is reached from the edit's fired
leaves (``fired_leaves``), or the unit is E's own, or the finding is SSOT901 (suppressions are applied to the whole
set). A finding that differs otherwise is a *miss*: the interface path would keep a stale finding. Findings are
judged for the edits the path takes (``edits._model_holds`` holds and the model, ``MODEL``, is not reached: else
the whole scan runs, the model built again); the resolver's memoised namespace answers for every accepted edit.

Which answers get memoised, and so which edges exist, can depend on string hashing: run it under several
``PYTHONHASHSEED`` values (``python -m tests.trace_truth ROOT --seed N --edits K`` prints the report as JSON; the
test runs it in a subprocess per hash seed). Precision: per kind, the units reached against the units that differed.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import random
import sys
import tempfile
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ssot_audit import api, interface_scan, rules
from ssot_audit.analysis.concept_snapshot import ConceptSnapshot, restored, take_snapshot
from ssot_audit.analysis.kept_judgements import patched_test_classes
from ssot_audit.analysis.discovery import is_test_path
from ssot_audit.analysis.edits import _model_holds, alias_change, changed_classes
from ssot_audit.analysis.interface_change import InterfaceChange, fired_leaves, interface_change
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.loader import analyze_bytes
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.record import Recorded, State
from ssot_audit.analysis.trace import MODEL, NAMED, UNIT, Trace
from ssot_audit.config import Config, ConfigError, load_config
from ssot_audit.model import Finding
from ssot_audit.rules.units import module_names
from tests.test_unseen import line_map
from tests.trace_edits import KINDS, MORE_KINDS, Edit, Target, imported_names

ANSWER = "answer"  # the pseudo-rule whose units are namespace leaves (``check_answers``)
WHOLE = "SSOT901"  # made from the whole set of findings (unused suppressions): never one judgement's


def unit_of(finding: Finding, module_of: Mapping[str, str]) -> Hashable:
    """The unit of the dependency record that made ``finding`` (``rules.unit_of``: a module, or the rule's group
    key; ``module_of``: module names by repo-relative path)."""
    return (UNIT, finding.code, rules.unit_of(finding, module_of))


def traced_scan(root: Path, config: Config, jobs: int) -> tuple[tuple[Finding, ...], Recorded]:
    """A full scan with a fresh cache: its findings, and the dependency record it kept (``record.taken``, caught on
    its way into the cache)."""
    kept: list[State] = []
    real = interface_scan.taken

    def taking(trace: Trace, *, keep: bool = False) -> State:
        kept.append(real(trace, keep=keep))
        return kept[-1]

    interface_scan.taken = taking  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="truth-cache-") as cache:
            scanned = api.scan_tree(root, config, jobs=jobs, cache_dir=Path(cache))
    finally:
        interface_scan.taken = real  # type: ignore[assignment]
    assert len(kept) == 1, "a full scan with a cache keeps one record"
    return scanned.result.findings, Recorded.of_state(kept[0])


def targets(root: Path, config: Config, jobs: int, test_code: bool = False) -> list[Target]:
    """Every module of the project that parses (``test_code``: of test code only), with the names others import
    from it (by module name)."""
    index = api.load_project(root, config, jobs=jobs).index
    imported = imported_names(index)
    names = sorted(info.name for info in index.iter_modules())
    bound = {m: tuple(index.get_module(m).facts.bindings) for m in names}
    found = []
    for module in names:
        info = index.get_module(module)
        if info.is_test and not config.include_tests:  # its findings are not reported: an edit of it shows little
            continue
        if test_code and not info.is_test:
            continue
        text = (root / info.relpath).read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        others = tuple(n for n in names if n != module and not n.endswith("__main__"))
        exports = {m: bound[m] for m in others}
        found.append(Target(info.relpath, module, text, tree, frozenset(imported.get(module, ())), others, exports))
    return found


@dataclass
class KindReport:
    """What the edits of one kind gave."""

    tried: int = 0
    no_target: int = 0
    refused: int = 0
    invalid: int = 0  # accepted, but the new tree's scan stops on the configuration
    accepted: int = 0
    model_reached: int = 0  # accepted edits whose fired leaves reach the model
    taken: int = 0  # accepted edits the interface path takes (``edits._model_holds``, the model not reached)
    units_reached: int = 0  # summed over accepted edits, MODEL left out
    units_differing: int = 0  # units whose findings differed, summed (E's own and SSOT901 left out)
    misses: list[dict[str, object]] = field(default_factory=list)
    answer_misses: list[dict[str, object]] = field(default_factory=list)  # see ``check_answers``


def _described(edit: Edit, finding: Finding, unit: Hashable, old: bool) -> dict[str, object]:
    loc = finding.location
    return {"module": edit.module, "kind": edit.kind, "name": edit.name, "unit": repr(unit),
            "finding": f"{'-' if old else '+'} {finding.code} {loc.path}:{loc.line} {loc.symbol} {finding.message}"}  # fmt: skip


def check_edit(edit: Edit, old: Scanned, new_findings: tuple[Finding, ...], reached: set[Hashable],
               report: KindReport) -> None:  # fmt: skip
    """Judge the findings one accepted edit changed against what the record reached (see the module docstring)."""
    report.units_reached += len(reached - {MODEL})
    old_findings = old.findings
    old_set, new_set = set(old_findings), set(new_findings)
    differing: set[Hashable] = set()
    for finding in old_set.symmetric_difference(new_set):
        if finding.location.path == edit.relpath or finding.code == WHOLE:
            continue
        unit = unit_of(finding, old.module_of)
        if unit[2] == edit.module:  # type: ignore[index]  # E's own judgements run again
            continue
        differing.add(unit)
        if unit in reached or (UNIT, finding.code, None) in reached:
            continue
        report.misses.append(_described(edit, finding, unit, finding in old_set))
    report.units_differing += len(differing)


@dataclass(frozen=True, slots=True)
class Scanned:
    """The old tree's scan: what every edit of one run is checked against, and the old tree's resolver (untraced)."""

    recorded: Recorded
    resolver: Resolver
    findings: tuple[Finding, ...]
    module_of: Mapping[str, str]  # module names by repo-relative path
    root: Path
    config: Config
    jobs: int
    snapshot: ConceptSnapshot  # the old tree's model, kept as a full scan keeps it


def check_answers(old: Scanned, edit: Edit, change: InterfaceChange, report: KindReport,
                  private: frozenset[str] = frozenset()) -> None:
    """A finer truth than findings, which rules judging as a whole can mask: every namespace leaf ``(module, name)``
    the scan recorded is the key of the resolver's memoised answer (``module_attr``); one outside E whose answer
    differs in the new tree must be reached from the fired leaves (a hop of a re-export chain is memoised without
    being computed, and reads the next hop only through ``trace.edge``). Each leaf is made a pseudo-unit so that
    ``Recorded.reached`` says which are reached."""
    recorded = old.recorded
    leaves = {k: i for k, i in recorded.keys.items() if len(k) == 2 and k[0] != edit.module}  # type: ignore[arg-type,index]
    probe = recorded.with_keys({(UNIT, ANSWER, leaf): i for leaf, i in leaves.items()})
    reached = probe.reached(fired_leaves(edit.module, change, recorded, private=private))
    new = api.load_project(old.root, old.config, jobs=old.jobs).resolver
    for leaf in sorted(leaves, key=repr):
        before, after = old.resolver.module_attr(*leaf), new.module_attr(*leaf)  # type: ignore[misc]
        if before != after and (UNIT, ANSWER, leaf) not in reached:
            report.answer_misses.append({"module": edit.module, "kind": edit.kind, "name": edit.name,
                                         "leaf": repr(leaf), "old": repr(before), "new": repr(after),
                                         "model": MODEL in reached})  # fmt: skip


def check(old: Scanned, edit: Edit, report: KindReport) -> None:
    """Classify ``edit``; when accepted, scan the tree with it (undone after) and judge what changed."""
    path = old.root / edit.relpath
    old_bytes = path.read_bytes()
    old_facts = analyze_bytes(old_bytes, edit.relpath).facts
    new_facts = analyze_bytes(edit.new_text.encode(), edit.relpath).facts
    old_text = old_bytes.decode("utf-8", "replace")
    change = None if old_facts is None or new_facts is None else \
        interface_change(old_facts, new_facts, line_map(old_text, edit.new_text))  # fmt: skip
    if change is None:
        report.refused += 1
        return
    assert old_facts is not None and new_facts is not None
    is_test = is_test_path(edit.relpath, old.config.test_paths)
    private, public, attrs = changed_classes(old_facts, new_facts, change, is_test)
    # a production class whose public methods were only made async or sync: checked here as if the kept model let
    # it through (it refuses those it compared, holds or derives from: the record alone is checked)
    toggled = frozenset(q for q, before, after in public if before == after)
    taken = _model_holds(old_facts, new_facts, change, is_test, private | toggled | attrs) \
        and not alias_change(old_facts, new_facts, change)[0]  # what the path adds (an alias: checked by the scans)
    try:
        path.write_text(edit.new_text, encoding="utf-8")
        new_findings = api.scan_tree(old.root, old.config, jobs=old.jobs).result.findings
        check_answers(old, edit, change, report, private)
        if taken and (change.added_classes or change.removed_classes):  # as the scan does, with the kept model
            taken = _kept_model_holds(old, edit, old_facts, change)
    except ConfigError:  # the edit took away what the configuration names (a concept's factory)
        report.invalid += 1
        return
    finally:
        path.write_bytes(old_bytes)
    report.accepted += 1
    unplaced = replace(change, names=change.names - change.placed)  # as the scan walks them (``interface_scan``)
    reached = old.recorded.reached(fired_leaves(edit.module, unplaced, old.recorded, aliases=not taken,
                                                private=private))
    if change.placed:  # the names whose bindings only moved: what they reach but the model
        reached |= old.recorded.reached([leaf for name in change.placed for leaf in ((edit.module, name),
                                                                                     (NAMED, name))]) - {MODEL}
    report.model_reached += MODEL in reached
    if not taken or MODEL in reached:  # the interface path would not be taken: the whole scan runs
        return
    report.taken += 1
    check_edit(edit, old, new_findings, reached, report)


def _kept_model_holds(old: Scanned, edit: Edit, old_facts: ModuleFacts, change: InterfaceChange) -> bool:
    """Whether the old tree's model, restored against the new tree, holds after the classes of test code ``edit``
    added or removed (``kept_judgements.patched_test_classes``, as the scan after the edit judges them)."""
    project = api.load_project(old.root, old.config, jobs=old.jobs)
    model = restored(old.snapshot, project.index, project.resolver, project.sites)
    gone = {(edit.module, q): (old_facts.classes[q].scope, old_facts.classes[q].bases) for q in change.removed_classes}
    return patched_test_classes(model, [edit.module], old.config.concepts, gone)


def scanned(root: Path, jobs: int) -> Scanned:
    """The old tree scanned, with its record."""
    config = load_config(root)
    findings, recorded = traced_scan(root, config, jobs)
    project = api.load_project(root, config, jobs=jobs)
    module_of = module_names(project.index)
    return Scanned(recorded, project.resolver, findings, module_of, root=root, config=config, jobs=jobs,
                   snapshot=take_snapshot(project.concepts))  # fmt: skip


def run(root: Path, seed: int, edits: int, jobs: int = 1, kinds: list[str] | None = None,
        test_code: bool = False) -> dict[str, KindReport]:  # fmt: skip
    """``edits`` seeded random edits of ``root`` (kinds in turn: ``kinds``, else every one; of test code only:
    ``test_code``), each checked; the tree is left as it was."""
    old = scanned(root, jobs)
    found = targets(root, old.config, jobs, test_code)
    rng = random.Random(seed)
    chosen = kinds or list(KINDS)
    reports = {kind: KindReport() for kind in chosen}
    for n in range(edits):
        kind = chosen[n % len(chosen)]
        reports[kind].tried += 1
        imported = [t for t in found if t.imported]  # mostly modules others import from: their edits show
        pool = imported if imported and rng.random() < 0.75 else found
        make = KINDS.get(kind) or MORE_KINDS[kind]
        edit = next((e for t in rng.sample(pool, min(len(pool), 30)) if (e := make(t, rng, n))), None)
        if edit is None:
            reports[kind].no_target += 1
        else:
            check(old, edit, reports[kind])
    return reports


def run_crafted(root: Path, crafted: list[tuple[str, str, str, str, str, str]], jobs: int = 1) -> dict[str, KindReport]:
    """Edits chosen by hand, (relpath, module, kind, name, old, new): ``old`` replaced by ``new`` in the file."""
    old = scanned(root, jobs)
    reports: dict[str, KindReport] = {}
    for relpath, module, kind, name, before, after in crafted:
        text = (root / relpath).read_text(encoding="utf-8")
        assert before in text, (relpath, before)
        report = reports.setdefault(kind, KindReport())
        report.tried += 1
        check(old, Edit(relpath, module, kind, name, text.replace(before, after, 1)), report)
    return reports


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.trace_truth ROOT [--seed N] [--edits K] [-j J] [--kinds A,B] [--crafted MODULE:NAME]
    [--test-code]``: the
    report as JSON on stdout; exit status 1 when an edit missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--kinds", help="A,B: only these kinds of edit (``tests.trace_edits.KINDS``)")
    parser.add_argument("--crafted", help="MODULE:NAME, a list of edits (``run_crafted``) to make instead")
    parser.add_argument("--test-code", action="store_true", help="edit modules of test code only")
    args = parser.parse_args(argv)
    if args.crafted:
        module, _, name = args.crafted.partition(":")
        reports = run_crafted(args.root, getattr(importlib.import_module(module), name), args.jobs)
    else:
        reports = run(args.root, args.seed, args.edits, args.jobs, args.kinds.split(",") if args.kinds else None,
                      args.test_code)
    json.dump({kind: asdict(r) for kind, r in reports.items()}, sys.stdout, indent=1)
    return 1 if any(r.misses or r.answer_misses for r in reports.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
