"""Facts are compact: what repeats within a file is one object, after the trip through pickle too (the main process
of a scan holds every file's facts: at 4 million lines they were 1.4 GB), and what never changes is a tuple."""

from __future__ import annotations

import ast
import pickle

from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.facts import ModuleFacts
from ssot_audit.analysis.name_table import NameTable

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
    assert all(type(f.locals) is NameTable and type(f.name_uses) is NameTable for f in facts.functions.values())
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
