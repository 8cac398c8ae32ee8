"""A tree's scan as the commands and the cache hold it, and the one scan that builds it without loading a project.

``Scanned`` is what ``api.scan_tree`` returns; ``save_scanned`` records it in the cache in the layout the next scan
reads back (``api.scan_tree`` when nothing changed, ``rerun.last_scan`` after an edit). ``moved_scan`` is the
shortest path after an edit: when no rule sees any change, the last result is moved instead of judged again. They
live apart from ``api`` because that module had grown past the house's ~400 lines, and these share one concern
(the recorded scan) that the pipeline only calls into; nothing here runs a rule, so the names the tests patch on
``api`` (``run_rules``, ``_audit``, ``load_walked``, ``restored_project``) are still looked up there.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ssot_audit import capture
from ssot_audit.analysis.edits import Moved
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.config import Config
from ssot_audit.model import AuditResult, Finding, SourceExcerpt
from ssot_audit.model.moved import moved_result
from ssot_audit.kept_scan import finish_still_holds, fixes_hold, kept_inputs
from ssot_audit.rerun import LastScan, state_still_holds, with_moves

_EXCERPTS = "source excerpts"  # the name the lines of the last scan's excerpts are kept under (``TreeCache``)


@dataclass(frozen=True, slots=True)
class ResultSummary:
    """What a scan command reports of a result besides its outputs: read without loading the result."""

    root: str
    files: int
    findings: int
    worst: int  # the highest severity rank of a finding, -1 without findings

    @classmethod
    def of(cls, result: AuditResult) -> ResultSummary:
        """The summary of ``result``."""
        worst = max((f.severity.rank for f in result.findings), default=-1)
        return cls(result.root, result.stats.files, len(result.findings), worst)


@dataclass(slots=True)
class Scanned:
    """A tree's audit result and what commands need besides it, whether computed now or reused from the cache.

    A reused result is loaded on first use (``result``): a scan that changed nothing writes its saved reports and
    gates on ``summary`` (unpickling the findings of 4 million lines, their excerpts' lines, took a third of it)."""

    summary: ResultSummary
    config: Config
    paths: Mapping[str, bool]  # every scanned file (repo-relative) -> is test code
    notes: tuple[str, ...] = ()  # what the scan could not check (a concept outside a partial scan)
    reused: bool = False  # true when nothing changed since the cached scan and its result was served as is
    tree: TreeCache | None = None  # the cache it was saved in, which also keeps its rendered outputs
    skipped: tuple[str, ...] = ()  # what was not scanned (``Project.notes``: packages the default excludes skip)
    loaded: AuditResult | None = None  # the result, once computed or loaded
    saved: bytes | None = None  # the pickled result, until loaded
    last: tuple[str, AuditResult] | None = None  # the last scan's key and result (``render`` reuses its report)

    @property
    def result(self) -> AuditResult:
        """The audit result (loaded from the cache on first use)."""
        if self.loaded is None:
            assert self.saved is not None
            self.loaded = replace(pickle.loads(self.saved), root=self.summary.root)
            self.saved = None
        return self.loaded


def excerpts_of(root: Path, findings: Sequence[Finding], tree: TreeCache | None) -> tuple[SourceExcerpt, ...]:
    """The findings' source excerpts; with ``tree``, the lines of unchanged files are taken from the last scan's."""
    if tree is None:
        return capture.source_excerpts(root, findings)
    kept = tree.load_kept(_EXCERPTS)
    excerpts = capture.source_excerpts(root, findings, hashes=tree.payloads.hashes, kept=kept)
    tree.save_kept(_EXCERPTS, kept)
    return excerpts


def import_names(edits: Mapping[str, Moved] | None) -> frozenset[str]:
    """The names of the ``from`` imports ``edits`` added or removed."""
    return frozenset().union(*(m.interface.import_names for m in (edits or {}).values() if m.interface is not None))


def save_scanned(tree: TreeCache, scanned: Scanned) -> None:
    """Record the scan in the cache, its result saved for the next scan of the tree."""
    pickled = pickle.dumps(scanned.result, protocol=5)  # on its own: a reuse that needs only the summary skips it
    blob = pickle.dumps((scanned.summary, scanned.notes, dict(scanned.paths), scanned.skipped, pickled), protocol=5)
    del pickled  # held while the state is written, it was one more copy of the result at the scan's peak
    tree.save(blob)


def moved_scan(root: Path, config: Config, tree: TreeCache, finish_name: str | None, moves: Mapping[str, Moved],
               previous: LastScan) -> Scanned | None:  # fmt: skip
    """The scan when every file changed since the last one changed in a way no rule sees (``moves``, from
    ``analysis.edits``): the last result with positions in those files moved and excerpts read again; None when the
    whole scan must run. ``finish_name``: what completed the last result (its fixes), None when nothing did."""
    last = previous.result
    lines = last.stats.lines + sum(m.new_lines - m.old_lines for m in moves.values())
    moving = {path: m.new_line for path, m in moves.items()}
    if finish_name is not None and not fixes_hold(tree, finish_name, last, moving):
        return None
    result = moved_result(last, moving, lines)
    if result is None:
        return None
    result = replace(result, root=root.resolve().name, excerpts=excerpts_of(root, result.findings, tree))
    scanned = Scanned(ResultSummary.of(result), config, previous.paths, previous.notes, tree=tree,
                      skipped=previous.skipped, loaded=result, last=(tree.previous.result_key, last))  # fmt: skip
    inputs = kept_inputs(tree)  # before the save: it checks the kept state against the last saved result
    tree.merge_small_packs()
    save_scanned(tree, scanned)
    if inputs is not None:
        state_still_holds(tree, replace(inputs, pending=with_moves(inputs.pending, moving)))
    if finish_name is not None:
        finish_still_holds(tree, finish_name)  # ``fixes_hold`` found every kept fix still true for this result
    return scanned
