"""A file removed since the last scan, taken as its module emptied and then gone: when that is what it is.

The commonest commit that removes a file removes a test module (or renames one: a file removed and one added). The
scan after it could take the path of an edit (``interface_scan``, ``rerun``) if the module's absence changed nothing
an empty module there would not. The edit that empties the module is judged as any other (``edits.judged_edits``:
what its names, functions, classes and imports were, the leaves they fire); what is left is what reads whether the
module is there at all, without reading anything of it:

- **an import of it**: no other module's kept import site comes from it, and no kept edge of the import graph goes
  to it (nor the rows of the modules an earlier scan patched, ``Kept.patched``): an import of it by name finds it,
  whether it binds the name imported or not;
- **its name through its package**: ``pkg.tests.test_x`` read as an attribute chain, or a string
  ``importlib.import_module`` names, asks the package's namespace for the name (the leaf ``(package, stem)``, which
  the resolver reads for either, ``trace``); that leaf fires, with every recorded leaf of the module (a name it
  never bound, asked of it), and what reads the module's importers (``(IMPORTERS, module)``): the judgements that
  read them are judged again;
- **its name alone**: the configuration names no module by it (the scan stops at a name it cannot find), no module
  is named under it, and its package keeps another module (a namespace package of one module is gone with it), its
  directory one of its own (a directory that holds none is no namesake a plugin loader merges any longer,
  ``namespace.Namespaces._namesakes``: whatever else it holds would change other modules' answers);
- **its listing**: no answer read its directory's listing for its stem (``TreeCache.asked``), nothing of that stem is
  left there, and every other file keeps its module name (checked once the files are loaded,
  ``rerun.restored_project``). What the directories of its directory's last name hold of its stem (a plugin loader
  may merge them: ``namespace.Namespaces._replaced``) is read under a leaf, ``(NAMESAKE, last name, stem)``, which
  fires;
- **its aliases**: none of its module-level aliases (``X = Y``) is one the concept model's table of names holds (of a
  class or function of the project, ``names.Names``: the kept row's line is one the removal drops, and
  ``kept_state.restore_state`` gives up); the table of every module's aliases loses its rows
  (``rerun.restored_project``) and its readers are judged again (``(ALIASES, "")``, ``edits.Moved.aliases``);
- **what it was**: test code, and no package's ``__init__.py``. What the rules read of every production module by
  enumeration (the modules a broken import's hint names, ``broken_import._moved_to``; the roles of production
  classes, whether their modules are imported) passes test code by; what reads every module's rows of a table (the
  module table, the counts) is made again anyway.

The module stays in the kept state's module names (the edits since are judged by them, ``Kept.removed`` says it is
gone): a file added under its name or path takes the whole scan (``kept_added``: the name is taken).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.config import ConceptConfig
from ssot_audit.kept_scan import Kept


def with_removed(kept: Kept, tree: TreeCache, configs: Iterable[ConceptConfig]) -> Kept | None:
    """``kept`` with the files ``tree`` removed since the last scan (``Kept.removed``); ``kept`` itself when none
    was; None when the absence of one could change more than its module emptied would (see the module docstring)."""
    if not tree.removed:
        return kept
    names = kept.state.module_names
    if not names.keys() >= tree.removed.keys():
        return None
    gone = {names[relpath] for relpath in tree.removed}
    kept_paths = [(path, name) for path, name in names.items() if path not in tree.removed and path not in kept.removed]
    remaining = [name for _, name in kept_paths]
    holding = {path.rpartition("/")[0] for path, _ in kept_paths}
    configured = [text for config in configs for text in (config.canonical, *config.factories,
                                                           *config.allowed_creators, *config.bases)]  # fmt: skip
    for relpath, (source, _) in tree.removed.items():
        name = names[relpath]
        directory, _, filename = relpath.rpartition("/")
        stem = filename.removesuffix(".py")
        if not source.is_test or source.is_package or stem == filename or "." in stem \
                or name.rpartition(".")[2] != stem:  # fmt: skip
            return None
        package = name.rpartition(".")[0]
        if directory not in holding or any(other.startswith(f"{name}.") for other in remaining) \
                or (package and not any(other == package or other.startswith(f"{package}.") for other in remaining)) \
                or any(text == name or text.startswith(f"{name}.") for text in configured):  # fmt: skip
            return None
        if (directory, stem) in tree.asked \
                or any(entry.partition(".")[0] == stem for entry in tree.walk.listings.get(directory, ())):  # fmt: skip
            return None
    if _imported(kept, gone):
        return None
    return replace(kept, removed=kept.removed | frozenset(tree.removed))


def _imported(kept: Kept, gone: set[str]) -> bool:
    """Whether a module but one of ``gone`` imports one of them, by the kept import sites and edges, and by the rows
    of the files an earlier scan patched (their kept rows are stale)."""
    state = kept.state
    numbers = {name: i for i, name in enumerate(state.modules) if name in gone}
    if numbers:
        wanted = set(numbers.values())
        ints = state.site_ints
        if not wanted.isdisjoint(ints[1::5]):
            if any(source in wanted and importer not in wanted for importer, source in zip(ints[0::5], ints[1::5])):
                return True
        ends = state.edge_ends
        if not wanted.isdisjoint(ends[1::2]):
            if any(imported in wanted and importer not in wanted for importer, imported in zip(ends[0::2], ends[1::2])):
                return True
    patched = {state.module_names.get(path): rows for path, rows in kept.patched.items()}
    return any(module not in gone and (not gone.isdisjoint(rows.imported)
                                       or any(row[1] in gone for row, _ in rows.sites))
               for module, rows in patched.items())  # fmt: skip

