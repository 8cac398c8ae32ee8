"""A file added since the last scan, taken as an empty module the scan edited: when that is what it is.

The commonest commit that adds a file adds a test module. The scan after it could take the path of an edit
(``interface_scan``, ``rerun``) if the last result were the result of the tree with an empty module at the new path:
the module's content is then an edit of that empty module, which the path judges as any other. That holds when an
empty module there changes no answer of the last scan, that is when nothing looked for it:

- **by name**: no lookup by its name came back empty (``index.Modules`` records every name asked for that names no
  module; the scans of the kept state keep them, their fixes' included, ``kept_scan.keep_missed``): an import of it,
  broken until now, a relative import, a dotted name the resolver followed would find it now. (The configuration
  cannot name a module the tree lacks: the scan stops there.) Nor is its name a package's (a directory of modules
  of that name) or another module's;
- **by listing**: no answer read the directory's listing for its stem (``TreeCache.asked``), and no directory of the
  same last name has a file of that stem (a plugin loader may put one on the other's search path:
  ``namespace.Namespaces._replaced``). The rest of the listings, the other files' paths, name candidates and
  content are the last scan's: the last result's key, computed without the file, says so
  (``TreeCache.saved_before_changes``);
- **by its name alone**: every other file keeps its module name (checked once the files are loaded: the names are
  chosen from every file's imports, ``rerun.restored_project``), and the new one is named as the modules beside it
  are (a file of a directory holding no module takes the whole scan).

Everything else an empty module's presence could change is a table of every module (their count, the module table
of the result), which the scan makes again anyway. An ``__init__.py`` added makes a directory a package: the whole
scan runs.
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
    added: dict[str, str] = {}
    for relpath in tree.added:
        directory, _, filename = relpath.rpartition("/")
        stem = filename.removesuffix(".py")
        if stem == filename or stem == "__init__" or "." in stem:
            return None
        package = _package_of(directory, names)
        if package is None:
            return None
        name = f"{package}.{stem}" if package else stem
        if name in taken or name in missed or (directory, stem) in tree.asked or _namesake_has(tree, directory, stem) \
                or any(other.startswith(f"{name}.") for other in taken):  # fmt: skip
            return None
        added[relpath] = name
        taken.add(name)
    state = replace(kept.state, module_names={**names, **added})
    return replace(kept, state=state, added={**kept.added, **added})


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


def _namesake_has(tree: TreeCache, directory: str, stem: str) -> bool:
    """Whether a directory of the tree other than ``directory`` and of the same last name lists an entry of that
    stem."""
    last = directory.rpartition("/")[2]
    return any(other != directory and other.rpartition("/")[2] == last
               and any(entry.partition(".")[0] == stem for entry in entries)
               for other, entries in tree.walk.listings.items())  # fmt: skip
