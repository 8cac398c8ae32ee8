"""Facts are compact: what repeats within a file is one object, after the trip through pickle too (the main process
of a scan holds every file's facts: at 4 million lines they were 1.4 GB), and what never changes is a tuple."""

from __future__ import annotations

import ast
import pickle

import pytest

from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.facts import NO_ENTRIES, Binding, Bindings, ModuleFacts
from ssot_audit.analysis.name_table import NameTable
from ssot_audit.analysis.unseen import unseen_change

from tests.test_unseen import facts_of, line_map

SOURCE = '''
import pkg


class Base(pkg.Model):
    pass


class Store(pkg.Model):
    def save(self, item):
        self.check(item)
        self.check(item)
        result = self.check(item)
        return self.check(item)

    def load(self, item):
        global CACHE
        found = self.check(item)
        if found:
            return self.check(item)
        return found
'''


def _facts(source: str) -> ModuleFacts:
    return extract_facts(ast.parse(source), source.count("\n"))


def test_repeated_expressions_are_one_object_after_pickling() -> None:
    facts = pickle.loads(pickle.dumps(_facts(SOURCE), protocol=pickle.HIGHEST_PROTOCOL))
    checks = [c.func for c in facts.calls if c.func is not None and c.func[-1] == "check"]
    assert len(checks) == 6
    assert all(func is checks[0] for func in checks)  # six calls, one expression
    bases = [cls.bases[0] for cls in facts.classes.values()]
    assert bases[0] == ("a", ("n", "pkg"), "Model") and bases[1] is bases[0]
    save, load = facts.functions["Store.save"], facts.functions["Store.load"]
    assert save.name_uses.get("self") == ("attr",) and load.name_uses.get("self") == ("attr",)
    assert type(save.name_uses) is NameTable and save.name_uses == ("item", "self", "arg", "attr")  # flat, pickled too


def test_facts_that_never_change_are_tuples() -> None:
    facts = _facts(SOURCE)
    save, load = facts.functions["Store.save"], facts.functions["Store.load"]
    assert save.params == ("self", "item") and load.globals == ("CACHE",)
    assert len(save.return_values) == 1 and len(load.return_values) == 2
    assert isinstance(facts.classes["Store"].bases, tuple) and isinstance(save.decorators, tuple)
    assert all(type(found) is tuple for found in facts.bindings.values())
    assert all(type(f.locals) is Bindings and type(f.name_uses) is NameTable for f in facts.functions.values())
    assert not any(isinstance(value, Binding) for f in facts.functions.values() for value in f.locals)  # flat
    assert [b.kind for b in load.locals.get("found")] == ["assign"]
    assert load.locals.keys() == ["self", "item", "found"] and "CACHE" not in load.locals


def test_files_do_not_share_expressions() -> None:
    """The table of one file's expressions is emptied for the next: a worker analysing thousands of files does not
    grow, and equal facts come out whatever was analysed before."""
    first = _facts(SOURCE)
    second = _facts(SOURCE)
    assert first == second
    assert first.calls[0].func is not second.calls[0].func


def test_records_unpickle_without_their_python_constructor() -> None:
    """Call sites, bindings and imports load through ``tuple.__new__`` (in C), not their generated ``__new__``."""
    facts = _facts(SOURCE + "\nasync def go():\n    await pkg.run()\n")
    records = [facts.calls[0], facts.imports[0], facts.bindings["Store"][0], facts.attr_uses[0]]
    for record in records:
        reduced = record.__reduce__()
        assert reduced[0] is tuple.__new__ and reduced[1] == (type(record), tuple(record))
        loaded = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(loaded) is type(record) and loaded == record and loaded._fields == record._fields


def test_empty_dicts_of_classes_are_one_shared_frozen_dict_after_pickling() -> None:
    """Most classes leave three of their five dicts empty: after the trip through pickle every empty one is
    ``NO_ENTRIES`` (in every file's facts), which refuses to change; the others are plain dicts, as extracted."""
    first, second = (pickle.loads(pickle.dumps(_facts(SOURCE), protocol=pickle.HIGHEST_PROTOCOL)) for _ in range(2))
    base, store = first.classes["Base"], first.classes["Store"]
    empties = [base.keywords, base.methods, base.method_variants, base.class_attrs, base.attr_types,
               store.keywords, store.method_variants, second.classes["Store"].attr_types]  # fmt: skip
    assert all(empty is NO_ENTRIES for empty in empties)
    assert type(store.methods) is dict and store.methods == {"save": "Store.save", "load": "Store.load"}
    assert first == second == _facts(SOURCE)  # equal to what the extraction made, its empty dicts its own
    for change in (lambda d: d.__setitem__("a", 1), lambda d: d.setdefault("a", []), lambda d: d.update(a=1),
                   lambda d: d.pop("a", None), lambda d: d.clear()):  # fmt: skip
        with pytest.raises(TypeError):
            change(base.methods)
    assert NO_ENTRIES == {} and _facts(SOURCE).classes["Base"].methods is not NO_ENTRIES


def test_facts_from_the_cache_are_judged_as_extracted() -> None:
    """The edit judgements compare facts loaded from the cache (shared empty dicts, flat bindings): an unused local
    added is unseen, a local read by the return statement is not, as with the facts the extraction made."""
    unused = SOURCE.replace("        return found\n", "        _unused = 1\n        return found\n")
    read = SOURCE.replace("        return found\n", "        _r = 1\n        return _r or found\n")
    for new, unseen in ((unused, True), (read, False)):
        loaded = [pickle.loads(pickle.dumps(facts_of(s), protocol=pickle.HIGHEST_PROTOCOL)) for s in (SOURCE, new)]
        assert loaded[0].classes["Base"].methods is NO_ENTRIES
        assert unseen_change(*loaded, line_map(SOURCE, new)) is unseen
        assert unseen_change(facts_of(SOURCE), facts_of(new), line_map(SOURCE, new)) is unseen
