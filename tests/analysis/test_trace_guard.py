"""Every read of the whole index's facts in ``ssot_audit/analysis`` says why the dependency record (``trace``) is
complete without more: a ``.facts`` read, a ``.modules`` read of a ``ProjectIndex``, and a call of a listing of
every module (``iter_modules``...), by file and enclosing function.

An interface edit re-judges only what its leaves reach (``trace.Recorded.reached``); a reader of another module's
facts that records nothing keeps a stale finding, silently. So a new reader must classify itself here: the test
fails naming every site added or gone. (``rules/`` are judged by their own units; see their guard.)"""

from __future__ import annotations

import ast
from pathlib import Path

import ssot_audit

ANALYSIS = Path(ssot_audit.__file__).parent / "analysis"
LISTINGS = frozenset({"iter_modules", "iter_classes", "iter_functions", "find_modules", "find_calls_named"})

# Why a site needs no record of its own (the fixed vocabulary).
MODEL = "model phase: read while the model is built, before the rules (the MODEL unit)"
LEAF = "records a leaf (trace's leaf kinds)"
NODE = "inside a node: a cache that records its reads on a miss and a read of itself on a hit"
OWN = "the module's own facts, read by its own judgement (judged again on any edit of it)"
FOUND = "a module its caller found with find_module/get_module (which record it) or through the resolver's leaf"
REFUSED = ("a field interface_change never lets differ (a class's bases and body beyond its members, a method of "
           "another class, namespace_writers...)")
TABLE = ("the module table or directory listings: a file is added on the interface path only where no lookup by name "
         "missed it, nor a listing was read for it (kept_added), and removed only where nothing imports it and what "
         "read it otherwise reads a leaf that fires (kept_removed)")
RESOLVER = "the resolver core (resolve, module_namespace, members, module_reads): records its own reads (trace.py)"
CALLS = "calls, per module: judged by that module's own judgement (calls_in), run again on any edit of it"
EXTRACT = "extraction: one file's facts as they are built, cached or compared (no index)"
KEPT = "kept state: snapshotted or restored between scans, no judgement reads it"
ACCESSOR = "an accessor of the index: what its callers read is classified at them"
PATCHED = ("one module's import rows (sites, edges): made again after an edit of its imports, which fires the "
           "leaves of what the old and new rows name (kept_state.restore_state's patched)")
VOCABULARY = frozenset({MODEL, LEAF, NODE, OWN, FOUND, REFUSED, TABLE, RESOLVER, CALLS, EXTRACT, KEPT, ACCESSOR,
                        PATCHED})

SITES: dict[tuple[str, str], str] = {
    ("callees.py", "_CallFlow.__init__"): OWN,  # the call's module: its rebinds and classes
    ("callees.py", "_CallFlow._is_local"): OWN,
    ("callees.py", "_CallFlow._value"): OWN,
    ("callees.py", "_covers"): OWN,
    ("callees.py", "doubted_annotations"): OWN,
    ("callees.py", "resolve_callee"): OWN,
    ("callees.py", "ruled_out"): OWN,
    ("kept_judgements.py", "_defined_nearby"): KEPT,  # whether the kept model holds (the modules edited since)
    ("kept_judgements.py", "class_sites_unread"): KEPT,  # whether the kept model holds (is an importer test code)
    ("kept_judgements.py", "_insert_in_order"): KEPT,  # the classes of test code that came: put into the kept model
    ("kept_judgements.py", "patched_test_classes"): KEPT,
    ("concept_snapshot.py", "restored"): TABLE,
    ("concepts.py", "ConceptModel._factories_by_class"): MODEL,  # ``factories_in`` answers from this table
    ("concepts.py", "ConceptModel.production_importers"): TABLE,  # an importer's ``is_test``: its path, never its facts
    ("edits.py", "_moved"): EXTRACT,
    ("edits.py", "judged_edits"): EXTRACT,  # a removed file's facts as they were
    ("index.py", "ProjectIndex.with_modules"): KEPT,  # the bases of a removed module's classes, for the kept model
    ("extract.py", "Extractor.__init__"): EXTRACT,
    ("extract.py", "Extractor._bind_target"): EXTRACT,
    ("extract.py", "Extractor._import_fact"): EXTRACT,
    ("extract.py", "Extractor._record_self_attr"): EXTRACT,
    ("extract.py", "Extractor._stmt_AugAssign"): EXTRACT,
    ("extract.py", "Extractor._stmt_ClassDef"): EXTRACT,
    ("extract.py", "Extractor._stmt_FunctionDef"): EXTRACT,
    ("extract.py", "Extractor._stmt_If"): EXTRACT,
    ("extract.py", "Extractor._stmt_Try"): EXTRACT,
    ("extract.py", "Extractor._stmt_With"): EXTRACT,
    ("extract.py", "extract_facts"): EXTRACT,
    ("extract_expressions.py", "ExpressionWalker.expression"): EXTRACT,
    ("extract_namespace.py", "NamespaceRecorder.finish_namespace"): EXTRACT,
    ("extract_namespace.py", "NamespaceRecorder.note_call"): EXTRACT,
    ("extract_namespace.py", "NamespaceRecorder.note_subscript"): EXTRACT,
    ("flow.py", "FlowRecorder.__init__"): EXTRACT,
    ("flow.py", "FlowRecorder.decorator_patches"): EXTRACT,
    ("flow.py", "FlowRecorder.leave_function"): EXTRACT,
    ("flow.py", "FlowRecorder.rebind"): EXTRACT,
    ("graph.py", "ImportGraph.__init__"): MODEL,  # its queries record IMPORTERS / MODULE leaves
    ("graph.py", "ImportGraph.of_edges"): TABLE,
    ("graph.py", "module_edges"): PATCHED,
    ("index.py", "ProjectIndex.__init__"): TABLE,
    ("index.py", "ProjectIndex._imported_module"): TABLE,
    ("index.py", "ProjectIndex.absolute_import_module"): TABLE,  # is_package
    ("index.py", "ProjectIndex.find_calls_named"): CALLS,
    ("index.py", "ProjectIndex.find_class"): REFUSED,
    ("index.py", "ProjectIndex._function"): LEAF,  # ``find_function``, ``find_scope``
    ("index.py", "ProjectIndex.find_module"): LEAF,
    ("index.py", "ProjectIndex.find_modules"): ACCESSOR,
    ("index.py", "ProjectIndex.get_module"): LEAF,
    ("index.py", "ProjectIndex.import_sources"): FOUND,  # the resolver's leaves, get_module in the rules
    ("index.py", "ProjectIndex.imported_modules_of"): MODEL,  # the graph and the roles' imported modules
    ("index.py", "ProjectIndex.is_project_module"): TABLE,
    ("index.py", "ProjectIndex.is_test_module"): TABLE,
    ("index.py", "ProjectIndex.iter_classes"): ACCESSOR,
    ("index.py", "ProjectIndex.iter_functions"): ACCESSOR,
    ("index.py", "ProjectIndex.iter_modules"): ACCESSOR,
    ("index.py", "ProjectIndex.loaded_modules"): TABLE,
    ("index.py", "ProjectIndex.missed"): KEPT,  # the names the lookups missed: kept for a scan after a file added
    ("index.py", "ProjectIndex.module_aliases"): LEAF,  # (ALIASES, "")
    ("index.py", "alias_rows"): ACCESSOR,  # one module's rows of ``module_aliases`` (and of ``rerun._module_aliases``)
    ("index.py", "ProjectIndex.split_qualified"): TABLE,
    ("index.py", "_fields"): EXTRACT,  # ``ModuleInfo``'s equality
    ("kept_state.py", "_patched"): PATCHED,
    ("kept_state.py", "restore_state"): KEPT,
    ("kept_state.py", "snapshot_state"): KEPT,
    ("loader.py", "PayloadCache._recovered"): EXTRACT,
    ("loader.py", "analyze_to_blob"): EXTRACT,
    ("members.py", "MemberLookup._step"): RESOLVER,  # a class body (trace.CLASS)
    ("module_namespace.py", "ModuleNamespace._import_value"): RESOLVER,
    ("module_namespace.py", "ModuleNamespace._module_attr"): RESOLVER,
    ("module_namespace.py", "ModuleNamespace._single_reexport"): RESOLVER,
    ("module_namespace.py", "ModuleNamespace.star_exports"): RESOLVER,
    ("module_reads.py", "ModuleReads._find_module_reads"): RESOLVER,  # a node, after get_module
    ("names.py", "Names.__init__"): MODEL,
    ("namespace.py", "Namespaces._absence"): LEAF,  # (module, name), (STAR, module); inside ``_absent``'s node
    ("namespace.py", "Namespaces._bound_at_run_time"): NODE,  # which ``_absent`` answers are nodes
    ("namespace.py", "Namespaces._edited_at_import"): NODE,  # ``_edited``; its calls: the MODULE_CALLS leaf
    ("namespace.py", "Namespaces._stores"): LEAF,  # every module's (``stores_table``): ``(STORES, attr)`` leaves
    ("namespace.py", "stores_after"): PATCHED,  # the edited modules' rows of the table of stores, made again
    ("namespace.py", "stores_table"): LEAF,  # every module's stores: ``_is_patched`` reads ``(STORES, attr)``
    ("namespace.py", "Namespaces._namesakes"): TABLE,
    ("namespace.py", "Namespaces._open"): REFUSED,  # has_getattr, dynamic_namespace; then ``_edited``'s node
    ("namespace.py", "Namespaces._type_checking_import"): LEAF,  # a binding of the name its callers read the leaf of
    ("namespace.py", "Namespaces._work_out_open"): REFUSED,  # as ``_open``
    ("namespace.py", "Namespaces.find_absence"): TABLE,  # the module's; a hit reads the leaf ``_absence`` read
    ("namespace.py", "Namespaces.find_definers"): LEAF,  # (NAMED, name)
    ("namespace.py", "defines"): LEAF,  # find_definers' and ``rerun.KeptDefiners``' (whose caller records NAMED)
    ("namespace.py", "every_definer"): LEAF,  # find_definers' table, and the full scan's kept copy of it
    ("namespace.py", "Namespaces.find_missing_module"): FOUND,
    ("namespace.py", "Namespaces.is_reliable_target"): TABLE,  # a module's path and kind
    ("resolve.py", "Resolver._resolve_name"): RESOLVER,
    ("roles.py", "Roles.__init__"): MODEL,
    ("roles.py", "Roles._classify"): MODEL,
    ("roles.py", "Roles._kind_by_base"): MODEL,
    ("roles.py", "Roles._own_with"): LEAF,  # a class's members (trace.CLASS), read on every call
    ("roles.py", "_imported_targets"): MODEL,
    ("usage.py", "ImportSites.__init__"): MODEL,
    ("usage.py", "_type_checking_only"): MODEL,  # asked by ``ImportSites`` alone, after find_module
    ("usage.py", "attribute_sites_after"): TABLE,  # whether the module is still in the project
    ("usage.py", "module_attribute_sites"): RESOLVER,
    ("usage.py", "module_sites"): PATCHED,  # each module's reads: a node (``module_reads``)
}


def _is_index(node: ast.expr, path: str) -> bool:
    """``index.modules``, ``self.index.modules``, ``ctx.index.modules``; ``self.modules`` in ``index.py``."""
    if isinstance(node, ast.Name):
        return node.id == "index" or (path == "index.py" and node.id == "self")
    return isinstance(node, ast.Attribute) and node.attr == "index"


def facts_sites(tree: ast.Module, path: str) -> set[str]:
    """The enclosing functions (``Class.method``, ``outer.inner``) of every site the module docstring lists."""
    found: set[str] = set()

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{where}.{child.name}" if where else child.name
            elif isinstance(child, ast.Attribute) and (
                child.attr == "facts" or (child.attr == "modules" and _is_index(child.value, path))
            ):
                found.add(where or "<module>")
            elif isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr in LISTINGS:
                found.add(where or "<module>")
            visit(child, inner)

    visit(tree, "")
    return found


def test_every_reader_of_the_index_facts_says_why_the_record_is_complete() -> None:
    found = {(path.name, where) for path in sorted(ANALYSIS.glob("*.py"))
             for where in facts_sites(ast.parse(path.read_text(encoding="utf-8")), path.name)}  # fmt: skip
    added, gone = sorted(found - SITES.keys()), sorted(SITES.keys() - found)
    assert not added and not gone, f"classify the new readers {added}; drop the gone ones {gone} (see the docstring)"


def test_the_reasons_come_from_the_vocabulary() -> None:
    assert set(SITES.values()) <= VOCABULARY


def test_the_walk_finds_each_kind_of_site() -> None:
    source = (
        "def a(info):\n    return info.facts\n"
        "class C:\n    def b(self):\n        return self.index.modules\n"
        "    def c(self):\n        def inner():\n            return list(self.index.iter_functions())\n        return inner\n"
        "def d(graph):\n    return graph.modules\n"
    )  # fmt: skip
    assert facts_sites(ast.parse(source), "x.py") == {"a", "C.b", "C.c.inner"}
