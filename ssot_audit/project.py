"""A tree loaded as a whole program: discover the files (or recall the last walk), parse them (or take their
facts from the cache), then index, resolve, find import sites, concepts and the import graph.

``api`` audits what this loads; commands and the dashboard reach it through ``api`` (``api.load_project``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from ssot_audit.analysis import cache, kept_heads
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.discovery import (
    DEFAULT_EXCLUDES, SourceFile, Witness, assign_module_names, discover, is_test_path, list_directories,
    names_after_changes,
)
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.graph import Cycle, CyclesKey, ImportGraph, Importers
from ssot_audit.analysis.index import LazyModuleInfo, ModuleInfo, ProjectIndex
from ssot_audit.analysis.kept_heads import HeadRow
from ssot_audit.analysis.listing import Listed
from ssot_audit.analysis.loader import FileOutcome, analyze_files, gc_paused, release_frozen
from ssot_audit.analysis.parsing import ParseFailure
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import with_parents
from ssot_audit.analysis.trace import Trace
from ssot_audit.analysis.treecache import TreeCache, open_tree_cache
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.walkcache import Recalled, Walk, patched, walk_key
from ssot_audit.config import Config, ConfigError
from ssot_audit.pathmatch import GitIgnore
from ssot_audit.rules import ALL_RULES
from ssot_audit.rules.base import FailedFile, Rule
from ssot_audit.suppressions import SuppressionComment

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Project:
    """A scanned codebase, analysed as a whole program."""

    root: Path
    config: Config
    index: ProjectIndex
    resolver: Resolver
    graph: ImportGraph
    sites: ImportSites
    concepts: ConceptModel
    failures: tuple[FailedFile, ...]
    files: int
    lines: int
    paths: Mapping[str, bool] = field(default_factory=dict)  # every scanned file (repo-relative) -> is test code
    suppressions: Mapping[str, tuple[SuppressionComment, ...]] = field(default_factory=dict)  # by file, when any
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds per phase: discover, parse, index
    notes: tuple[str, ...] = ()  # what the user should know about what was not scanned (default excludes...)


def discover_files(root: Path, config: Config, errors: list[tuple[str, str]], notes: list[str] | None = None,
                   witness: Witness | None = None,
                   listings: dict[str, Listed] | None = None) -> list[SourceFile]:  # fmt: skip
    """The files to scan under ``root`` as ``config`` selects them (``paths``, excludes, ``.gitignore``, test paths);
    what cannot be listed goes to ``errors``, packages only the default excludes skip to ``notes``, each directory
    listed to ``listings`` (``listing.Listed``)."""
    if not root.exists():
        raise ConfigError(f"path does not exist: {root}")
    if config.paths in ((".",), ()):
        return _mark_tests(discover(root, excludes=config.exclude, roots=config.roots, errors=errors,
                                    respect_gitignore=config.respect_gitignore, boundary=root, notes=notes,
                                    witness=witness, listings=listings), config)  # fmt: skip
    files: dict[str, SourceFile] = {}  # by repo-relative path: overlapping entries scan a file once
    for sub in config.paths:
        target = (root / sub).resolve()
        if not target.exists():
            raise ConfigError(f"'paths' entry does not exist: {sub}")
        if not target.is_relative_to(root.resolve()):
            raise ConfigError(f"'paths' entry is outside the scanned directory {root}: {sub}")
        inside = target.relative_to(root.resolve()).as_posix()
        inside = "" if inside == "." else inside
        found: list[tuple[str, str]] = []
        for f in discover(target, excludes=config.exclude, roots=config.roots, errors=found, prefix=inside,
                          respect_gitignore=config.respect_gitignore, boundary=root, notes=notes, witness=witness,
                          listings=listings):  # fmt: skip
            relpath = inside if target.is_file() else f"{inside}/{f.relpath}" if inside else f.relpath
            files.setdefault(relpath, SourceFile(f.path, relpath, f.candidates, f.is_package, is_test_path(relpath)))
        errors.extend((f"{inside}/{rel}".removesuffix("/.") if inside else rel, why) for rel, why in found)
    return _mark_tests(list(files.values()), config)


def walk_tree(root: Path, config: Config, scope: str, cache_dir: Path | None,
              kept_scope: str | None = None) -> tuple[Walk, TreeCache | None]:  # fmt: skip
    """Discover the files to scan; with a cache, open it (which recalls the last walk when nothing it looked at
    changed, see ``analysis.walkcache``). ``kept_scope`` (default ``scope``) is what the walk and the entries kept
    between scans depend on: ``scope`` less what completes the result (see ``TreeCache.load_kept``)."""
    kept_scope = scope if kept_scope is None else kept_scope
    def walk(witness: Witness | None) -> Walk:
        unreadable: list[tuple[str, str]] = []  # directories that cannot be listed, broken .py symlinks
        skipped: list[str] = []  # packages only the default excludes skip
        listed: dict[str, Listed] = {}
        files = discover_files(root, config, unreadable, skipped, witness, listed)
        return Walk(files, unreadable, skipped, list_directories(files, listed))

    if cache_dir is None:
        return walk(None), None
    if not root.exists():
        raise ConfigError(f"path does not exist: {root}")
    targets = [root / sub for sub in config.paths] if config.paths not in ((".",), ()) else [root]
    rules = [GitIgnore.for_root(t).rules_text() for t in targets if t.exists()] if config.respect_gitignore else []
    key = walk_key(cache.program_digest(), str(root.resolve()), kept_scope, rules)
    tree = open_tree_cache(cache_dir, root, scope, walk, key, kept_scope,
                           patch=lambda recalled: _patched_walk(root, config, recalled))  # fmt: skip
    return tree.walk, tree


def _patched_walk(root: Path, config: Config, recalled: Recalled) -> Walk | None:
    """The walk of ``root`` from a kept one some of whose directories' entries changed (a file added or removed
    there, ``walkcache.recall``): each of those walked again, with the directories new in it, as the walk of the
    whole tree walks them (``discover`` ``within`` it); the rest is the kept walk's (``walkcache.patched``). None
    (the tree is walked) for several scanned paths, the scanned directory itself (``src`` may come or go), a
    ``.gitignore`` that came or went there, or what cannot be looked at."""
    if config.paths not in ((".",), ()) or "." in recalled.changed:
        return None
    base = os.path.join(str(root.resolve()), "")
    if config.respect_gitignore and any(os.path.lexists(f"{base}{rel}/.gitignore")
                                        != (f"{base}{rel}/.gitignore" in recalled.witness.files)
                                        for rel in recalled.changed):  # fmt: skip
        return None
    errors: list[tuple[str, str]] = []
    skipped: list[str] = []
    listed: dict[str, Listed] = {}
    found = {rel: _mark_tests(discover(root, excludes=config.exclude, roots=config.roots, errors=errors,
                                       respect_gitignore=config.respect_gitignore, boundary=root, notes=skipped,
                                       witness=recalled.witness, listings=listed, within=rel, known=recalled.dirs),
                              config)
             for rel in recalled.changed}  # fmt: skip
    return None if errors or skipped else patched(recalled, found, listed)


def _mark_tests(files: list[SourceFile], config: Config) -> list[SourceFile]:
    """Files the ``test-paths`` globs name are test code too."""
    if not config.test_paths:
        return files
    return [replace(f, is_test=True) if not f.is_test and is_test_path(f.relpath, config.test_paths) else f for f in files]


def _is_partial(root: Path, config: Config) -> bool:
    """True when ``root`` is strictly inside the project its configuration file describes."""
    if not config.source:
        return False
    project = Path(config.source).resolve().parent
    scanned = root.resolve()
    return scanned != project and project in scanned.parents


def load_project(root: Path, config: Config, *, jobs: int | None = None, progress: Progress | None = None,
                 cache_dir: Path | None = None, overrides: Mapping[str, bytes] | None = None) -> Project:  # fmt: skip
    """Discover, parse and index ``root``; build the resolver, import graph, import sites and concepts.

    ``cache_dir``: reuse per-file results of unchanged files from there (see ``analysis.treecache``).
    ``overrides``: repo-relative path -> bytes to analyse instead of the file on disk (``fix`` verifies with it);
    they never enter the cache (its manifest and packs describe the files on disk).
    """
    release_frozen()  # what an earlier scan of this process froze can be collected now
    with gc_paused():
        started = time.perf_counter()
        found, tree = walk_tree(root, config, scope_key(root, config, ALL_RULES), cache_dir)
        if tree is not None:
            tree.load_payloads()
        project = load_walked(root, config, found, jobs=jobs, progress=progress,
                              tree=tree, started=started, overrides=overrides)  # fmt: skip
        if tree is not None:
            tree.save(None)
        return project


def scope_key(root: Path, config: Config, rules: Sequence[Rule], finish: str = "") -> str:
    """What a whole result depends on besides the files and the tool's code: settings, partial scan, rules, what
    completes the result (``scan_tree``'s ``finish``). Every field of the configuration but where it was read from
    and the exit-code threshold (a field added later is in the key without anyone remembering to add it)."""
    settings = repr(replace(config, source="", fail_on=""))
    return f"{settings}|{_is_partial(root, config)}|{','.join(r.info.code for r in rules)}|{finish}"


_CYCLES = "import cycles"  # what the cycles of the last scan are kept under (``TreeCache.save_kept``)
_IMPORTERS = "import cycles' importers"  # and the digests of their importers' edges (``ImportGraph.importers_asked``)


def kept_cycles(tree: TreeCache | None) -> dict[CyclesKey, tuple[Cycle, ...]]:
    """The cycles the last scan of the tree kept (``keep_cycles``): served again when the runtime edges they were
    computed from are the same (``ImportGraph.find_cycles``)."""
    kept = tree.load_kept(_CYCLES).get("cycles") if tree is not None else None
    return cast(dict[CyclesKey, tuple[Cycle, ...]], kept) if isinstance(kept, dict) else {}


def kept_importers(tree: TreeCache | None) -> Callable[[], Importers]:
    """What reads the importers' digests ``keep_cycles`` kept (``ImportGraph``'s ``kept_importers``)."""

    def read() -> Importers:
        kept = tree.load_kept(_IMPORTERS).get("importers") if tree is not None else None
        return cast(Importers, kept) if isinstance(kept, dict) else {}

    return read


def keep_cycles(project: Project, tree: TreeCache) -> None:
    """Keep the cycles the rules asked for this scan (``ImportGraph.cycles_asked``) for the next scan of the tree,
    with their importers' digests when some were not served by their key. A scan that asked none leaves the kept
    ones: an answer is kept under the digest of the edges it is of, and holds for them whatever came between."""
    if project.graph.cycles_asked:
        tree.save_kept(_CYCLES, {"cycles": project.graph.cycles_asked})
    if project.graph.importers_new:
        tree.save_kept(_IMPORTERS, {"importers": project.graph.importers_asked})


@dataclass(frozen=True, slots=True)
class LoadedFiles:
    """A walk's files loaded as modules, before anything that reads across modules (resolver, import sites,
    concept model, graph) is built: what ``load_walked`` builds them from, and what ``load_lazy`` gives."""

    index: ProjectIndex
    names: Mapping[str, str]  # repo-relative path -> module name, of every file analysed (failed ones included)
    failures: tuple[FailedFile, ...]
    files: int
    lines: int
    paths: Mapping[str, bool]
    suppressions: Mapping[str, tuple[SuppressionComment, ...]]
    notes: tuple[str, ...]
    timings: Mapping[str, float]  # discover, parse

    def skipped(self) -> dict[str, str]:
        """Module name -> why its file was not analysed, for the files that failed (the concept model's notes)."""
        return {self.names[f.relpath]: f"{f.relpath} was skipped: {f.failure.message}"
                for f in self.failures if f.relpath in self.names}  # fmt: skip

    def project(self, root: Path, config: Config, *, resolver: Resolver, graph: ImportGraph, sites: ImportSites,
                concepts: ConceptModel, indexed: float) -> Project:  # fmt: skip
        """The project of these files with what reads across them; ``indexed``: seconds it took to build that."""
        return Project(root=root, config=config, index=self.index, resolver=resolver, graph=graph, sites=sites,
                       concepts=concepts, failures=self.failures, files=self.files, lines=self.lines, paths=self.paths,
                       suppressions=self.suppressions, timings={**self.timings, "index": indexed}, notes=self.notes)  # fmt: skip


Facts = ModuleFacts | Callable[[], ModuleFacts] | None  # a module's facts, or what reads them (``LazyModuleInfo``)


def _loaded_files(root: Path, config: Config, found: Walk, heads: Sequence[HeadRow], facts: Sequence[Facts],
                  timings: dict[str, float], names: Mapping[str, str] | None = None) -> LoadedFiles:  # fmt: skip
    """The files of ``found`` as modules: ``heads`` (one per file: failure, lines, suppressions, imported names) say
    how each was analysed, ``facts`` give each one's facts, or what reads them on first access (a
    ``LazyModuleInfo``), None for a file that failed. ``names``: the module names when known (``kept_heads``), else
    chosen here."""
    files, unreadable, skipped_packages = found.files, found.unreadable, found.notes
    if names is None:
        names = assign_module_names(files, {name for head in heads for name in head[3]})
    modules: dict[str, ModuleInfo] = {}
    # Discovery's reasons start "cannot ..." (an I/O failure) or "skipped: ..." (deliberately not read)
    failures = [FailedFile(rel, is_test_path(rel, config.test_paths),
                           ParseFailure("read" if why.startswith("cannot") else "skipped", why))
                for rel, why in unreadable]  # fmt: skip
    lazy = LazyModuleInfo.lazy
    for source, head, read in zip(files, heads, facts):
        if read is None:
            assert head[0] is not None
            failures.append(FailedFile(source.relpath, source.is_test, head[0]))
            continue
        name = names[source.relpath]
        if isinstance(read, ModuleFacts):
            modules[name] = ModuleInfo(name, source.relpath, source.is_package, source.is_test, read)
        else:
            modules[name] = lazy(name, source.relpath, source.is_package, source.is_test, read)
    return LoadedFiles(
        index=ProjectIndex(modules, found.listings),  # listed once, by the walk
        names=names,
        failures=tuple(failures),
        files=len(files),
        lines=sum(head[1] for head in heads),
        paths={f.relpath: f.is_test for f in files},
        suppressions={f.relpath: head[2] for f, head in zip(files, heads) if head[2]},
        notes=tuple(f"{d}/ looks like a package of the project but was skipped by the default excludes "
                    f"({', '.join(DEFAULT_EXCLUDES)}); list it in `paths` to scan it" for d in skipped_packages),  # fmt: skip
        timings=timings,
    )


def _head(outcome: FileOutcome) -> HeadRow:
    """What ``_loaded_files`` reads of an outcome."""
    return outcome.failure, outcome.lines, outcome.suppressions, outcome.imported


def load_walked(root: Path, config: Config, found: Walk, *, jobs: int | None, progress: Progress | None,
                tree: TreeCache | None, started: float, overrides: Mapping[str, bytes] | None = None,
                trace: Trace | None = None) -> Project:  # fmt: skip
    """The files of ``found`` (a walk) analysed (or taken from ``tree``) and loaded as a whole program; ``trace``:
    the dependency record its resolver keeps (``analysis.trace``)."""
    discovered = time.perf_counter()
    outcomes = analyze_files(found.files, jobs=jobs, progress=progress, cache=tree.payloads if tree else None,
                             boundary=root.resolve(), overrides=overrides)  # fmt: skip
    parsed = time.perf_counter()
    heads = [_head(o) for o in outcomes]
    loaded = _loaded_files(root, config, found, heads, [o.facts for o in outcomes],
                           {"discover": discovered - started, "parse": parsed - discovered})  # fmt: skip
    if tree is not None and overrides is None:  # overridden bytes are not what the hashes say
        keep_heads(tree, found, heads, loaded.names)
    return built_project(loaded, root, config, tree=tree, trace=trace)


def built_project(loaded: LoadedFiles, root: Path, config: Config, *, tree: TreeCache | None,
                  trace: Trace | None = None) -> Project:  # fmt: skip
    """The project of ``loaded`` with the resolver, import sites, concept model and import graph built: each reads
    every module's facts."""
    started = time.perf_counter()
    index = loaded.index
    resolver = Resolver(index, trace)
    sites = ImportSites(index, resolver)
    graph = ImportGraph(index, kept_cycles=kept_cycles(tree), kept_importers=kept_importers(tree)) if tree is not None \
        else ImportGraph(index)  # fmt: skip
    concepts = ConceptModel(index, resolver, sites, config.concepts, loaded.skipped(), partial=_is_partial(root, config),
                            imported=with_parents(graph.imported_targets()))  # fmt: skip
    return loaded.project(root, config, resolver=resolver, graph=graph, sites=sites, concepts=concepts,
                          indexed=time.perf_counter() - started)  # fmt: skip


def load_lazy(root: Path, config: Config, found: Walk, *, tree: TreeCache, started: float) -> LoadedFiles:
    """The files of ``found`` loaded as ``load_walked`` loads them, each module's facts read from ``tree``'s packs
    only when first asked for (``LazyModuleInfo``; ``index.loaded_count()`` says how many were). Every file's
    line count, suppression comments, parse failure and imported names come from what the last full scan kept
    (``analysis.kept_heads``: by content hash), else from its payload's head alone; the files with no payload in the
    packs (``tree.load_payloads`` must have run: new content, a damaged entry) are analysed here, in this process,
    and are loaded at once (``found`` is ``tree``'s walk, as ``walk_tree`` gives them). Module names: see
    ``_module_names``. Nothing that reads across
    modules is built: the caller builds or restores the resolver, import sites, concept model and graph
    (``LoadedFiles.project``). The packs' bytes stay held (by the modules not read yet) as long as the index lives."""
    discovered = time.perf_counter()
    boundary = str(root.resolve())
    payloads = tree.payloads
    kept = kept_heads.read(tree.load_kept(kept_heads.NAME))
    rows = kept.rows if kept is not None else {}
    hashes, reader = payloads.hashes, payloads.reader
    heads: list[HeadRow | None] = []
    facts: list[Facts] = []
    for source in found.files:
        relpath = source.relpath
        row = rows.get(hashes.get(relpath, ""))
        if row is not None:  # 22,584 files at 4M lines: a changed file alone has no row
            heads.append(row)
            facts.append(reader(relpath, source.path, boundary) if row[0] is None else None)
            continue
        known = payloads.head(relpath, source.path, boundary)
        heads.append(None if known is None else (known[0].failure, known[0].lines, known[0].suppressions,
                                                  known[0].imported))  # fmt: skip
        facts.append(None if known is None else known[1])
    missing = [i for i, head in enumerate(heads) if head is None]
    analysed = analyze_files([found.files[i] for i in missing], jobs=1, cache=payloads, boundary=root.resolve(),
                             release=False)  # the lazy modules hold the packs' bytes anyway; a whole scan may follow  # fmt: skip
    for i, outcome in zip(missing, analysed):
        heads[i], facts[i] = _head(outcome), outcome.facts
    parsed = time.perf_counter()
    done = cast(list[HeadRow], heads)
    names = _module_names(tree, frozenset().union(*(head[3] for head in done)))
    return _loaded_files(root, config, found, done, facts, {"discover": discovered - started, "parse": parsed - discovered},
                         names=names)  # fmt: skip


def _module_names(tree: TreeCache, imported: frozenset[str]) -> dict[str, str]:
    """The module names of the files of ``tree``'s walk, whose files import ``imported``: the kept ones when they
    were chosen for those files; else worked out from the ones kept for the walk before the files added and removed
    (``discovery.names_after_changes``), or chosen (``assign_module_names``), and kept for the next scans."""
    found = tree.walk
    kept = kept_heads.read_names(tree.load_kept(kept_heads.NAMES))
    names = kept.names_for(found, imported) if kept is not None else None
    if names is not None:
        return names
    before = kept.names_for(tree.walk_before(), imported) if kept is not None else None
    if before is not None:
        added = set(tree.added)
        names = names_after_changes(before, [f for f in found.files if f.relpath in added], tree.removed, imported)
    if names is None:
        names = assign_module_names(found.files, imported)
    if found.digest:
        _keep_names(tree, found, imported, names)
    return names


def keep_heads(tree: TreeCache, found: Walk, heads: Sequence[HeadRow], names: Mapping[str, str]) -> None:
    """After a full load: keep every file's head (by content hash) and the module names for the scans on the edit
    path after it (``load_lazy``). Files with no content hash (unreadable, skipped) have no row."""
    hashes = tree.payloads.hashes
    rows = {key: head for source, head in zip(found.files, heads) if (key := hashes.get(source.relpath))}
    tree.save_kept(kept_heads.NAME, kept_heads.KeptHeads(rows).body())
    _keep_names(tree, found, frozenset().union(*(head[3] for head in heads)), names)


def _keep_names(tree: TreeCache, found: Walk, imported: frozenset[str], names: Mapping[str, str]) -> None:
    """Keep the module names chosen for the files of ``found``, which import ``imported`` (``kept_heads.NAMES``)."""
    entry = kept_heads.KeptNames(found.digest, imported, [names[f.relpath] for f in found.files])
    tree.save_kept(kept_heads.NAMES, entry.body())
