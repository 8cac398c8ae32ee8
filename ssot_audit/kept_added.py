"""A file added since the last scan, taken as an empty module the scan edited: when that is what it is.

The commonest commit that adds a file adds a test module. The scan after it could take the path of an edit
(``interface_scan``, ``rerun``) if the last result were the result of the tree with an empty module at the new path:
the module's content is then an edit of that empty module, which the path judges as any other. That holds when an
empty module there changes no answer of the last scan, that is when nothing looked for it:

- **by name**: no lookup by its name came back empty (``index.Modules`` records every name asked for that names no
  module; the scans of the kept state keep them, their fixes' included, ``kept_scan.keep_missed``): an import of it,
  broken until now, a relative import, a dotted name the resolver followed would find it now. (The configuration
  cannot name a module the tree lacks: the scan stops there.) Nor is its name a package's (a directory of modules
  of that name) or another module's; nor, for production code, is its last name that of a name that missed (a
  broken import's hint names the production modules of the name it misses: ``broken_import._moved_to``);
- **by listing**: no answer read the directory's listing for its stem (``TreeCache.asked``). What the directories of
  its directory's last name hold of its stem (a plugin loader may put one on another's search path:
  ``namespace.Namespaces._replaced``) is read under a leaf, which the scan fires (``trace.namesake_leaf``).
  The rest of the listings, the other files' paths, name candidates and content are the last scan's: the last
  result's key, computed without the file, says so (``TreeCache.saved_before_changes``);
- **by its name alone**: every other file keeps its module name (checked once the files are loaded: the names are
  chosen from every file's imports, ``rerun.restored_project``), and the new one is named as the modules beside it
  are, or in a new package under the package's name (a file of another directory holding no module takes the whole
  scan).

Everything else an empty module's presence could change is a table of every module (their count, the module table
of the result), which the scan makes again anyway. A new package (a directory that held no module, given its
``__init__.py``: a new test package) is an empty package module: its name and its directory's entry in the parent's
listing are judged as a module's name and stem, the parent must be a regular package below the top level
(``_new_package_in``), and the new directory's listing is no listing of the last scan (``treecache._without``). An
``__init__.py`` added to a directory of modules makes it a package, which may rename them or take a namespace
package away: the whole scan runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.kept_scan import Kept, kept_missed


def with_added(kept: Kept, tree: TreeCache) -> Kept | None:
    """``kept`` with the files ``tree`` added since the last scan named (``Kept.added``, and in the state's module
    names); ``kept`` itself when none was; None when one could have changed an answer of the last scan (see the
    module docstring)."""
    if not tree.added:
        return kept
    missed = kept_missed(tree, kept.token)
    if missed is None:
        return None
    names = kept.state.module_names
    taken = set(names.values())
    production = {f.relpath for f in tree.files if not f.is_test}.intersection(tree.added)
    missed_last = {name.rpartition(".")[2] for name in missed} if production else set()
    added: dict[str, str] = {}
    named = dict(names)  # the last scan's names and this one's, as they are given
    # a package's ``__init__.py`` first, outer before inner: it names the modules of its directory
    for relpath in sorted(tree.added, key=lambda path: (not path.endswith("/__init__.py"), path.count("/"))):
        directory, _, filename = relpath.rpartition("/")
        stem = filename.removesuffix(".py")
        if stem == filename or "." in stem:
            return None
        if stem == "__init__":
            parent, _, stem = directory.rpartition("/")
            package = _new_package_in(parent, directory, names, added)
            name = f"{package}.{stem}" if package else ""
            directory = parent
        else:
            package = _package_of(directory, named)
            name = f"{package}.{stem}" if package else stem
        if package is None or not name or name in taken or name in missed or (directory, stem) in tree.asked \
                or (relpath in production and name.rpartition(".")[2] in missed_last) \
                or any(other.startswith(f"{name}.") for other in taken):  # fmt: skip
            return None
        added[relpath] = named[relpath] = name
        taken.add(name)
    state = replace(kept.state, module_names={**names, **added})
    return replace(kept, state=state, added={**kept.added, **added})


def _new_package_in(parent: str, directory: str, names: Mapping[str, str], added: Mapping[str, str]) -> str | None:
    """The package name of ``parent`` when ``directory``, one of its subdirectories, is a new package in it: it held
    no module (nothing of it named by the last scan: a directory of modules made a package may rename them, and is
    no longer a namespace package a plugin loader merges, ``namespace.Namespaces._namesakes``), and ``parent`` is a
    regular package below the top level, its ``__init__.py`` named by the last scan or by this one (a new top-level
    package may be merged with a namesake directory). None otherwise."""
    prefix = f"{directory}/"
    if not parent or any(path.startswith(prefix) for path in names):
        return None
    init = f"{parent}/__init__.py"
    return names.get(init) or added.get(init)


def _package_of(directory: str, names: Mapping[str, str]) -> str | None:
    """The package name of the modules of ``directory`` (repo-relative; "" for the root), as a module there was named
    by the last scan ("" for top-level modules); None when no module there has a plain name."""
    prefix = f"{directory}/" if directory else ""
    for relpath, name in names.items():
        if not relpath.startswith(prefix) or "/" in relpath[len(prefix):]:
            continue
        stem = relpath[len(prefix):].removesuffix(".py")
        if stem == "__init__":
            return name
        package, _, last = name.rpartition(".")
        if last == stem:
            return package
    return None
