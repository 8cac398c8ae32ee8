"""Capture, at scan time, the evidence the plan and the HTML report need but cannot recompute from findings.

Reporters never read the scanned tree (a report is often rendered from a findings file on another machine), so the
pipeline keeps: the module -> file table, the import sites of the symbols a plan may move or delete, and a capped
set of source lines around each finding. Everything here is deterministic (sorted, no timestamps).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.lines import source_lines
from ssot_audit.analysis.parsing import decode_source
from ssot_audit.analysis.reading import SkippedFile, read_scanned
from ssot_audit.analysis.state import content_hash
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model import Concept, ConceptMember, Finding, ImportRef, Location, SourceExcerpt

CONTEXT_LINES = 2  # lines kept before and after a finding's span
MAX_SPAN_LINES = 12  # a finding spanning more lines keeps only its first ones
MAX_LINE_CHARS = 240  # longer lines are cut: a minified file must not blow up the report
MAX_TOTAL_LINES = 20_000  # excerpts stop here (about 1.5 MB of JSON); findings past it render without code


def module_table(index: ProjectIndex) -> tuple[tuple[str, str], ...]:
    """(module name, repo-relative path) of every analysed module, sorted by name."""
    return tuple((name, info.relpath) for name, info in index.modules.items())


def symbol_imports(index: ProjectIndex, sites: ImportSites, concepts: ConceptModel) -> tuple[ImportRef, ...]:
    """Imports of concept implementations, shims and factories, plus every same-named copy of a factory."""
    wanted: set[ClassValue | FunctionValue] = set()
    factory_names: set[str] = set()
    for concept in concepts.concepts:
        wanted.update(concept.members)
        wanted.update(concept.shims)
        wanted.update(concept.factories)
        factory_names.update(f.qualname for f in concept.factories)
    refs = []
    for site in sites.sites:
        target = site.target
        if target not in wanted and not (isinstance(target, FunctionValue) and target.qualname in factory_names):
            continue
        info = index.get_module(site.importer)
        refs.append(ImportRef(site.importer, info.relpath, site.line, site.col + 1, site.source, site.name,
                              site.bound, target.fullname, site.scope))  # fmt: skip
    return tuple(sorted(set(refs), key=lambda r: (r.path, r.line, r.column, r.name, r.target)))


def _concept_member(index: ProjectIndex, sites: ImportSites, model: ConceptModel, cls: ClassValue, role: str) -> ConceptMember:
    # the module's path and the class's position, read unrecorded (not its ``MODULE`` leaf, which every interface edit
    # of the module fires: the table would be made again after any edit of a module defining a concept's class); a
    # table kept after an edit has its positions moved, or the whole scan runs (``model.moved``)
    info = index.modules[cls.module]
    fact = info.facts.classes[cls.qualname]
    location = Location(info.relpath, fact.line, fact.col + 1, symbol=cls.fullname)
    public = model.public(cls)
    names = sorted({n.dotted for n in model.names.find_names(cls)} - {cls.fullname, public})
    return ConceptMember(cls.fullname, location, role, tuple(sorted(model.methods[cls])), model.async_methods(cls),
                         sites.count_importers(cls), public if public != cls.fullname else "", tuple(names))  # fmt: skip


def _concept_importers(sites: ImportSites, concept: ConceptInfo) -> int:
    """Distinct modules that import any member or factory of ``concept`` (outside the defining modules)."""
    targets: list[ClassValue | FunctionValue] = [*concept.all_classes(), *concept.factories]
    homes = {t.module for t in targets}
    return len({s.importer for t in targets for s in sites.find_sites(t) if s.importer not in homes})


def concept_table(index: ProjectIndex, sites: ImportSites, model: ConceptModel) -> tuple[Concept, ...]:
    """The concepts as plain model data: members with their role, public and async methods, importers."""
    concepts = []
    for concept in model.concepts:
        members = [_concept_member(index, sites, model, concept.canonical, "canonical")]
        members += [_concept_member(index, sites, model, m, "duplicate") for m in concept.members[1:]]
        members += [_concept_member(index, sites, model, s, "shim") for s in concept.shims]
        members += [_concept_member(index, sites, model, v, role) for v, role in concept.lookalikes]
        concepts.append(Concept(
            concept.name, concept.origin, concept.canonical.fullname, concept.canonical_reason, tuple(members),
            tuple(f.fullname for f in concept.factories), concept.per_user, _concept_importers(sites, concept),
            tuple((v.fullname, why) for v, why in concept.rejected), tuple(concept.warnings),
        ))  # fmt: skip
    return tuple(concepts)


def _wanted_lines(findings: Sequence[Finding]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        loc = finding.location
        last = min(max(loc.end_line or loc.line, loc.line), loc.line + MAX_SPAN_LINES - 1)
        wanted[loc.path].update(range(max(1, loc.line - CONTEXT_LINES), last + CONTEXT_LINES + 1))
        for related in finding.related:
            rel = related.location
            wanted[rel.path].update(range(max(1, rel.line - 1), rel.line + 2))
    return wanted


def _blocks(path: str, lines: Sequence[str], numbers: Iterable[int]) -> list[SourceExcerpt]:
    blocks: list[SourceExcerpt] = []
    run: list[int] = []
    for number in sorted(n for n in numbers if n <= len(lines)):
        if run and number != run[-1] + 1:
            blocks.append(SourceExcerpt(path, run[0], tuple(lines[n - 1][:MAX_LINE_CHARS] for n in run)))
            run = []
        run.append(number)
    if run:
        blocks.append(SourceExcerpt(path, run[0], tuple(lines[n - 1][:MAX_LINE_CHARS] for n in run)))
    return blocks


Kept = tuple[str, int, dict[int, str]]  # a file's content hash, its line count, the lines kept (cut) by number


def source_excerpts(root: Path, findings: Sequence[Finding], *, budget: int = MAX_TOTAL_LINES,
                    hashes: Mapping[str, str] | None = None,
                    kept: dict[str, object] | None = None) -> tuple[SourceExcerpt, ...]:  # fmt: skip
    """Source lines near each finding and its related locations, merged per file, at most ``budget`` lines.

    ``hashes`` (repo-relative path -> content hash of the file as scanned) and ``kept`` (what the last scan of the
    tree left, see ``api.scan_tree``): a file whose hash is the one its lines were kept under is not read again
    (reading and splitting the 3,000 files with findings of 4 million lines took a second); this scan's lines are
    left in ``kept``, only for files whose bytes read now hash to ``hashes``' value (not changed since the scan)."""
    excerpts: list[SourceExcerpt] = []
    base = root.parent if root.is_file() else root
    boundary = str(root.resolve())  # a link out of the scanned tree is never read (see ``reading``)
    hashes = hashes or {}
    previous = kept.get("excerpts") if kept is not None else None
    memo: Mapping[str, Kept] = previous if isinstance(previous, dict) else {}
    now: dict[str, Kept] = {}
    for path, numbers in sorted(_wanted_lines(findings).items()):
        if budget <= 0:
            break
        wanted = sorted(numbers)[:budget]
        lines: Sequence[str] | None = _kept_lines(memo.get(path), hashes.get(path), wanted)
        if lines is None:
            try:
                data = read_scanned(str(base / path), boundary)
            except (OSError, SkippedFile):
                continue
            text = decode_source(data)
            if not isinstance(text, str):  # undecodable: the parse-error finding says so, there is nothing to show
                continue
            lines = source_lines(text)
            if kept is not None and path in hashes and hashes[path] == content_hash(data):
                shown = {n: lines[n - 1][:MAX_LINE_CHARS] for n in wanted if n <= len(lines)}
                now[path] = (hashes[path], len(lines), shown)
        else:
            now[path] = memo[path]
        for block in _blocks(path, lines, wanted):
            budget -= len(block.lines)
            excerpts.append(block)
    if kept is not None:
        kept["excerpts"] = now
    return tuple(excerpts)


def _kept_lines(entry: Kept | None, digest: str | None, wanted: Sequence[int]) -> _Lines | None:
    """The lines ``entry`` kept, when it was kept for this content and holds every wanted line that exists."""
    if entry is None or digest is None or entry[0] != digest:
        return None
    _, count, lines = entry
    if any(n not in lines and n <= count for n in wanted):
        return None
    return _Lines(count, lines)


class _Lines(Sequence[str]):
    """A file's lines, of which only the kept ones can be read (``_blocks`` reads no other)."""

    def __init__(self, count: int, lines: Mapping[int, str]) -> None:
        self._count = count
        self._lines = lines

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._lines[index + 1]
