"""Inline suppressions: ``# ssot: ignore[CODES] -- reason`` on a line, ``# ssot: file-ignore[CODES]`` at the top.

Two stages, as the pipeline wants them:

* ``scan_comments(data)`` runs in the per-file stage: a pure function of the file's bytes, so it also works on
  files that fail to parse (tokenize when it can, a regex over raw lines when it cannot).
* ``apply_suppressions(...)`` runs after the rules: it silences what the comments name and reports, as SSOT901
  unused-suppression, the comments that silence nothing, name unknown rules, sit where they cannot work, or
  lack a reason when ``require-reasons`` is on (like ruff's RUF100).

Standard library and the model only: the analysis layer imports this module.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ssot_audit.analysis.lines import source_lines
from ssot_audit.model import Confidence, Finding, Location, RuleInfo, SuppressedFinding, make_fingerprint

# Findings that describe one cluster spread over several files (the related locations are the other members):
# a suppression on any member's definition line silences the whole cluster.
CLUSTER_CODES = frozenset({"SSOT101", "SSOT104", "SSOT202"})

# The directive opens a comment, or a chained one after whitespace (``# noqa  # ssot: ignore[X]``); a comment that
# quotes the syntax (``# ssot: ignore[X]`` in backticks) is prose, not a suppression.
_COMMENT = re.compile(
    r"(?:^|(?<=\s))#\s*ssot:\s*(?P<kind>file-ignore|ignore)(?![\w-])\s*(?:\[(?P<codes>[^\]]*)\])?(?:\s*--\s*(?P<reason>.*?))?\s*$"
)
_MARKER = re.compile(rb"#[ \t]*ssot[ \t]*:")
_DOCSTRING_START = re.compile(r"^[rRuUbBfF]{0,2}(\"\"\"|''')")


@dataclass(frozen=True, slots=True)
class SuppressionComment:
    """One suppression comment as written.

    ``kind`` is "line", "file", "blanket" (no codes: silences nothing) or "misplaced" (a file-ignore below
    the first statement). ``codes`` are the entries as written (codes or rule names).
    """

    line: int
    column: int
    kind: str
    codes: tuple[str, ...]
    reason: str
    text: str


def _comments_by_tokenize(text: str) -> list[tuple[int, int, str]]:
    # newline=None: a lone CR ends a line, as it does for the parser (the default reads lines at LF only)
    tokens = tokenize.generate_tokens(io.StringIO(text, newline=None).readline)
    return [(t.start[0], t.start[1], t.string) for t in tokens if t.type == tokenize.COMMENT]


def _comments_by_regex(text: str) -> list[tuple[int, int, str]]:
    found = []
    for number, line in enumerate(source_lines(text), 1):
        match = re.search(r"(?:^|(?<=\s))#\s*ssot:", line)
        if match:
            found.append((number, match.start(), line[match.start() :]))
    return found


def _header_end(lines: Sequence[str]) -> int:
    """The first line that is code (not blank, a comment or the module docstring); past the end if none."""
    in_docstring = ""
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if in_docstring:
            if in_docstring in line:
                in_docstring = ""
            continue
        if not line or line.startswith("#"):
            continue
        start = _DOCSTRING_START.match(line)
        if start and number == _first_code_line(lines):
            quote = start.group(1)
            rest = line[start.end() :]
            in_docstring = "" if quote in rest else quote
            continue
        return number
    return len(lines) + 1


def _first_code_line(lines: Sequence[str]) -> int:
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            return number
    return 0


def scan_comments(data: bytes) -> tuple[SuppressionComment, ...]:
    """Every suppression comment in a file's bytes (cheap when the file has none)."""
    if _MARKER.search(data) is None:  # the common case: one regex over the bytes, no tokenizing
        return ()
    text = data.decode("utf-8", "replace")
    try:
        comments = _comments_by_tokenize(text)
    except (tokenize.TokenError, SyntaxError):
        comments = _comments_by_regex(text)
    header_end = _header_end(source_lines(text))
    found = []
    for line, column, comment in comments:
        match = _COMMENT.search(comment)
        if match is None:
            continue
        codes = tuple(c.strip() for c in (match.group("codes") or "").split(",") if c.strip())
        kind = "file" if match.group("kind") == "file-ignore" else "line"
        if not codes:
            kind = "blanket"
        elif kind == "file" and line >= header_end:
            kind = "misplaced"
        offset = comment.find(match.group(0))
        found.append(SuppressionComment(line, column + offset + 1, kind, codes, (match.group("reason") or "").strip(),
                                        match.group(0).strip()))  # fmt: skip
    return tuple(found)


@dataclass(frozen=True, slots=True)
class SuppressionOutcome:
    """What ``apply_suppressions`` gives: findings kept, findings silenced, and SSOT901 findings."""

    kept: tuple[Finding, ...]
    suppressed: tuple[SuppressedFinding, ...]
    problems: tuple[Finding, ...]


@dataclass(slots=True)
class _Ledger:
    """Resolved (comment, code) pairs, indexed by line and by file, and which ones did any work."""

    by_line: dict[tuple[str, int], list[tuple[SuppressionComment, str]]] = field(default_factory=dict)
    by_file: dict[str, list[tuple[SuppressionComment, str]]] = field(default_factory=dict)
    used: set[tuple[str, int, int, str]] = field(default_factory=set)
    reasonless: set[tuple[str, int, int, str]] = field(default_factory=set)

    def match(self, finding: Finding) -> tuple[str, SuppressionComment] | None:
        """The first suppression naming ``finding.code`` at its location (or a cluster member's), if any."""
        locations = [finding.location]
        if finding.code in CLUSTER_CODES:
            locations += [r.location for r in finding.related]
        for loc in locations:
            for comment, code in self.by_file.get(loc.path, []) + self.by_line.get((loc.path, loc.line), []):
                if code == finding.code:
                    return loc.path, comment
        return None


def _problem(info: RuleInfo, path: str, comment: SuppressionComment, key: str, message: str, fix: str,
             in_tests: bool) -> Finding:  # fmt: skip
    return Finding(
        code=info.code, name=info.name, message=message, fix_hint=fix, severity=info.default_severity,
        confidence=Confidence.HIGH, location=Location(path, comment.line, comment.column, symbol=""),
        fingerprint=make_fingerprint(info.code, path, "", f"{key}\x1f{comment.text}"), in_tests=in_tests,
    )  # fmt: skip


def _resolve(comments: Mapping[str, Sequence[SuppressionComment]], rules: Sequence[RuleInfo], info: RuleInfo,
             is_test: Mapping[str, bool]) -> tuple[_Ledger, list[Finding]]:  # fmt: skip
    """Index every comment's codes; report blanket, misplaced and unknown-code comments."""
    by_name = {r.name: r.code for r in rules} | {r.code: r.code for r in rules}
    ledger, problems = _Ledger(), []
    for path in sorted(comments):
        for comment in comments[path]:
            if comment.kind == "blanket":
                problems.append(_problem(info, path, comment, "blanket", "suppression without rule codes silences "
                                         "nothing", "name the codes: # ssot: ignore[SSOT401] -- why", is_test.get(path, False)))  # fmt: skip
                continue
            if comment.kind == "misplaced":
                problems.append(_problem(info, path, comment, "misplaced", "file-ignore below the first statement "
                                         "silences nothing", "move it to the top of the file, before any code",
                                         is_test.get(path, False)))  # fmt: skip
                continue
            for written in comment.codes:
                code = by_name.get(written) or by_name.get(written.upper())
                if code is None:
                    problems.append(_problem(info, path, comment, f"unknown\x1f{written}", f"unknown rule '{written}' "
                                             "in suppression", "use a code or name listed by `ssot-audit rules`",
                                             is_test.get(path, False)))  # fmt: skip
                elif comment.kind == "file":
                    ledger.by_file.setdefault(path, []).append((comment, code))
                else:
                    ledger.by_line.setdefault((path, comment.line), []).append((comment, code))
    return ledger, problems


def apply_suppressions(
    findings: Iterable[Finding],
    comments: Mapping[str, Sequence[SuppressionComment]],
    *,
    rules: Sequence[RuleInfo],
    unused_rule: RuleInfo,
    enabled: Collection[str],
    require_reasons: bool = False,
    is_test: Mapping[str, bool] | None = None,
) -> SuppressionOutcome:
    """Silence the findings the comments name; report comments that do nothing as ``unused_rule`` findings.

    ``enabled`` are the codes that ran: a suppression of a rule that did not run is not called unused.
    """
    is_test = is_test or {}
    ledger, problems = _resolve(comments, rules, unused_rule, is_test)
    kept, suppressed = _silence(findings, ledger, require_reasons)
    problems += _unused(ledger, unused_rule, set(enabled) - {unused_rule.code}, is_test)
    # SSOT901 findings can be silenced too (``file-ignore[SSOT901]`` in generated code), like ruff's RUF100.
    problems, quiet = _silence(problems, ledger, require_reasons)
    problems += _unused(ledger, unused_rule, set(enabled) & {unused_rule.code}, is_test)
    return SuppressionOutcome(tuple(kept), tuple(suppressed + quiet), tuple(problems))


def _silence(findings: Iterable[Finding], ledger: _Ledger,
             require_reasons: bool) -> tuple[list[Finding], list[SuppressedFinding]]:  # fmt: skip
    """Split findings into kept and suppressed, recording in ``ledger`` which comments did work."""
    kept, suppressed = [], []
    for finding in findings:
        hit = ledger.match(finding)
        if hit is None:
            kept.append(finding)
            continue
        path, comment = hit
        key = (path, comment.line, comment.column, finding.code)
        if require_reasons and not comment.reason:
            ledger.reasonless.add(key)
            kept.append(finding)
            continue
        ledger.used.add(key)
        suppressed.append(SuppressedFinding(finding, Location(path, comment.line, comment.column), comment.reason))
    return kept, suppressed


def _unused(ledger: _Ledger, info: RuleInfo, enabled: Collection[str], is_test: Mapping[str, bool]) -> list[Finding]:
    entries = [(path, pair) for path, pairs in ledger.by_file.items() for pair in pairs]
    entries += [(path, pair) for (path, _), pairs in ledger.by_line.items() for pair in pairs]
    problems = []
    for path, (comment, code) in entries:
        key = (path, comment.line, comment.column, code)
        if key in ledger.used or code not in enabled:
            continue
        if key in ledger.reasonless:
            problems.append(_problem(info, path, comment, f"no-reason\x1f{code}", f"suppression of {code} has no "
                                     "reason and require-reasons is on: the finding is still reported",
                                     f"add the reason after the bracket: # ssot: ignore[{code}] -- why",
                                     is_test.get(path, False)))  # fmt: skip
            continue
        where = "in this file" if comment.kind == "file" else "on this line"
        problems.append(_problem(info, path, comment, f"unused\x1f{code}", f"unused suppression: no {code} finding "
                                 f"{where}", f"remove {code} from the comment", is_test.get(path, False)))  # fmt: skip
    return problems
