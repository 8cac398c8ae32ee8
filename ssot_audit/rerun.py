"""The scan after a calls-only edit: which findings of the last scan still hold, and which rules run again.

A *calls-only* edit (``analysis.unseen.calls_only_change``) changes, in the edited files, only calls inside function
bodies and the names functions read. Of everything ``api._audit`` computes, only the rules that read those
(``rules.CALL_READERS``) can see it: the index, resolver, import sites, graph and concept model never read them, and
neither does any other rule. So the scan loads the project (the concept model restored from the last scan's
snapshot, ``project.kept_model``), runs the call readers, and takes every other rule's findings from the last
result, positions in the edited files moved (``model.moved``). The call readers of ``rules.LOCAL_CALL_READERS``
judge a call by its own module's calls alone: they run on the edited modules, and their findings elsewhere are the
last scan's too. Suppression comments are applied to the whole set again (SSOT901 judges every comment against
every finding), as a full scan applies them.

The last result holds the findings *after* suppression: those kept, and those a comment silenced
(``AuditResult.suppressed``). Together they are what the rules gave, with two exceptions that change nothing: a
kept finding a ``per-file-ignores`` glob dropped is missing (it would be dropped again, and a kept finding marks no
comment as used), and the SSOT901 findings, which are the suppression step's own and are made again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ssot_audit.analysis.edits import Moved
from ssot_audit.model import AuditResult, Finding
from ssot_audit.model.moved import moved_result
from ssot_audit.rules import CALL_READERS, LOCAL_CALL_READERS

RERUN = CALL_READERS  # what the calls-only scan finds again (SSOT901 among them; some on the edited modules alone)


@dataclass(frozen=True, slots=True)
class Reused:
    """What a scan after calls-only edits takes from the last one: the findings that still hold, as the rules gave
    them (before suppression and fixes), and the edited files (repo-relative paths)."""

    findings: tuple[Finding, ...]
    edited: frozenset[str]


def reused_findings(last: AuditResult, edits: Mapping[str, Moved]) -> Reused | None:
    """The last scan's findings of the rules outside ``RERUN``, and those of ``LOCAL_CALL_READERS`` outside the edited
    files, with positions in the edited files moved; None when one of them cannot be moved (``moved_result``)."""

    def holds(finding: Finding) -> bool:
        code = finding.code
        return code not in RERUN or (code in LOCAL_CALL_READERS and finding.location.path not in edits)

    kept = tuple(f for f in last.findings if holds(f))
    quiet = tuple(s for s in last.suppressed if holds(s.finding))
    # only findings are taken: the stats, concepts and import tables are computed again from the loaded project
    partial = replace(last, findings=kept, suppressed=quiet, concepts=(), symbol_imports=(), excerpts=())
    moved = moved_result(partial, {p: m.new_line for p, m in edits.items()}, last.stats.lines)
    if moved is None:
        return None
    found = [*moved.findings, *(s.finding for s in moved.suppressed)]
    findings = tuple(sorted((f if f.fix is None else replace(f, fix=None) for f in found), key=lambda f: f.sort_key))
    return Reused(findings, frozenset(edits))
