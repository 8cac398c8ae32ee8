"""``unseen_change``: whether a file's new facts are its old facts with every position moved, apart from what no
reader of the facts can observe. When they are, the last scan's result is the new one with that file's positions
moved (the early cut-off of a scan after an edit: nothing is loaded, indexed or resolved again).
``calls_only_change``: the same walk, calls inside function bodies and the names functions read let differ (below).

What the judgement compares
---------------------------
Every field of ``ModuleFacts`` is compared, each position of the old facts first moved by ``new_line`` (a position
on a line that ``new_line`` maps to None cannot be moved: the answer is False). Positions are the ``line`` and
``end_line`` of bindings, imports, rebinds, functions and classes, the line, end line and await line of calls
(``CallTable``'s int columns; columns never move), the line of attribute uses (``AttrUseTable``) and both ends of
``raise_spans``. ``Expr`` tuples hold no position (``ast_helpers.encode``); nor do guards, attribute stores,
``attr_types``, ``class_attrs``. Dicts are compared in order (dict equality ignores it; readers iterate them). A
field this module does not know is compared as it is, so a position added to the facts later makes edits that
move it answer False until it is taught here: the safe direction.

Moved positions give the moved answers because readers only compare positions of one file with each other (a
rebind before a call, ``callees._covers``; a call inside a raise span, ``guard_instantiation._expected``; the first
binding of a name, ``ambiguous_name``; sorting) and copy them into locations; none adds to one or measures a
distance (the excerpts around findings do, and the caller makes them from the new text). A monotone map keeps every
such comparison, and columns do not move.

Two fields are not compared, as no reader of ``api._audit`` looks at them (checked with ``grep -rn "\\.lines\\b\\|
top_level"``): ``lines`` (the scan's stats count the loader's ``FileOutcome.lines``, ``project.py``; the caller
takes the new count from there) and ``top_level`` (read only by ``fixing.py`` to parse a file's head for a fix;
the caller builds the fixes of the changed files again).

What may differ: local bindings of names nothing reads
------------------------------------------------------
``FunctionFact.locals`` (``Bindings``, name -> its bindings) may differ in the runs of names in a set D (a
binding added, removed or changed, such as ``_x = 1`` inserted before a ``return``) when no name of D is
*mentioned*: no string held anywhere in the new facts, outside the names of the functions' ``locals`` tables,
has a name of D as one of its dot-separated parts, nor does any string of the old bindings of D, and D holds no
name the readers look up by a literal (``super``). Mentions are gathered from every field: every ``Expr`` (call
callees, targets, wrappers and guards, return values, binding values of every scope, decorators, bases and
keywords, class attributes, attribute uses, rebinds and stores), annotation names (``B_PARAM`` bindings,
``returns``, ``attr_types``), ``name_uses`` and ``globals`` of every function, ``dunder_all``, qualnames. That is
wider than needed (the whole file, not the function and its nested scopes): refusing is always safe.

Why no reader then sees D. ``locals`` is read only through ``get(name)`` and ``name in``: ``Resolver._resolve_name``
(``resolve.py``) walking a scope's chain of functions, ``module_reads._binding_scope``, ``callees._CallFlow._is_local``
and ``callees.doubted_annotations``, ``rules/shared_instance._shared_target`` and ``rules/unawaited_coroutine._uses``
(``grep -rn "\\.locals\\b" ssot_audit``; nothing iterates a table, compares or hashes a ``FunctionFact``;
``tests/test_unseen.py`` fails when a module starts reading ``locals``, ``name_uses`` or ``top_level``). Each asks
about a name taken from the facts of the same module: an ``Expr`` resolved in a scope (``resolve_expr``'s ``("n",
name)``), the head of an annotation's dotted name (``annotation_instances``, ``asyncness.annotated_plain_types``),
the root of an attribute use, the name a call's result is assigned to, or the literal ``super`` (``Resolver.
_zero_argument_super``, only for an ``Expr`` ``super()`` there). Scopes are only entered from expressions of their
own module (a call's scope, a function's return values, a class's ``scope``). So a name asked about is mentioned in
the facts, and the answer for a name outside D is the same from old and new: its run in every table is the same
after moving. A binding of D's own value is read only when a name of D is asked about, which never happens (the
strings of old D bindings are mentions anyway). Since the extraction records every read of a name in a function's
body, its nested class bodies, lambdas and comprehensions in that function's ``name_uses`` (``extract_expressions
.ExpressionWalker.expression``), and a nested function's free reads in its own (which the mentions hold too), an
unmentioned name is one the code does not read as a plain name either, except through ``locals()``, ``eval`` or a
``global``/``nonlocal`` elsewhere, none of which any reader models (a ``global`` statement is in ``globals``).

Everything else must be equal after moving: ``name_uses``, calls, attribute uses, return values, the flags
(``is_trivial`` of a method, ``delegates``, ``always_raises``, ``purpose_doc``...), the names of every other scope. So a comment,
a blank line, a docstring or a literal changed inside an expression (``("k",)`` for any literal), and a binding of an
unread local, are unseen; a new call, import, read, class, function, decorator, ``global``, ``self.x = ...`` store
or return is not.

Calls-only changes: ``calls_only_change``
-----------------------------------------
The same walk, letting differ (a) the ``CallTable`` rows of calls inside function bodies (``scope`` is the
innermost enclosing function: a method, a nested function, a class body, lambda or comprehension inside a function,
the decorators and defaults of a nested ``def``) and (b) every function's ``name_uses``. The rows with ``scope ==
""`` are compared, in order, lines moved: module level, class bodies outside functions (``in_class`` set), lambdas
and comprehensions at module level, decorators and defaults of module-level definitions: a superset of what
``CallTable.at_module_level()`` returns. What a call in a body also changes elsewhere is still compared: an import
it roots at (``attr_uses``), a read local (``locals``, and a new return value), ``self.x = f()`` (``attr_types``),
``delegates``, a method's ``is_trivial``, patches (``rebinds``), ``namespace_writers``, ``probed_attrs``...

Who reads (a) and (b) (``tests/test_calls_only.py`` lists by an ``ast`` walk every module naming ``calls``,
``name_uses``, ``find_calls_named``, ``named``, ``in_scope``, ``with_context`` or ``at_module_level``, and fails
when the list changes): the extraction that writes them (``extract``, ``extract_expressions``), this module,
``index.find_calls_named`` (read only by its callers), ``namespace._edited_at_import`` (``at_module_level()``
alone, compared), and the rules of ``rules.CALL_READERS``, which run again on the new facts. Every other reader of
``api._audit`` (the index, resolver, import sites and graph, the concept model: ``concepts``, ``roles``,
``discovered``, ``similarity``, ``names``, ``members``, ``asyncness``, ``callees``, capture tables, and the other
rules) names none of those accessors nor imports a module that hands it calls (``callees`` and ``asyncness`` take a
``CallSite`` from a call reader), so it gets equal inputs from ``old`` and ``new``, and its answers moved.

The unread locals stay allowed. Their mentions are still gathered from the whole of ``new``, its calls and
``name_uses`` included (wider than needed). The old function-body calls and ``name_uses`` are not gathered: a
name they mention and ``new`` does not is asked about only by a reader of (a) or (b), that is a call reader, which
runs again on ``new``; every other reader asks about names of the fields it reads, equal in both.

Cost: the big parts (call and attribute columns, every scope's bindings) are compared as columns, mapped and
compared in C; a Python step per function and class. The mentions are gathered only when some ``locals`` differ.
On django's four largest files (2,600-2,900 lines, about 700 calls; ``benchmarks/bench_unseen.py``) a judgement
takes 0.8-1.3 CPU-ms, 3.3-5.4 when an unread local was added.
"""

from __future__ import annotations

import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from functools import partial
from itertools import chain, compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any

from ssot_audit.analysis.attr_table import AttrUseTable
from ssot_audit.analysis.facts import (
    AttrUse, Binding, Bindings, CallSite, CallTable, ClassFact, FunctionFact, ImportFact, ModuleFacts, Rebind,
    call_ints,
)
from ssot_audit.model.moved import NewLine  # an old line -> its line in the new text, None when changed


_UNREAD_FIELDS = frozenset({"lines", "top_level"})  # no reader of the audit looks at them (see the docstring)
_LOOKED_UP_LITERALLY = frozenset({"super"})  # names a reader asks about without an expression naming them
# Where the records and tables keep their lines, read from their own layout (a probe record with distinct values).
_BINDING_LINE, _IMPORT_LINE, _REBIND_LINE = (cls._fields.index("line") for cls in (Binding, ImportFact, Rebind))
_CALL_PROBE = call_ints(CallSite(None, 1, 2, 3, 4, "", "", await_line=5, await_col=6))
_CALL_INTS, _CALL_LINES = len(_CALL_PROBE), tuple(_CALL_PROBE.index(n) for n in (1, 3, 5))  # line, end, await line
_KEYED = CallTable.of([CallSite(None, 1, 2, 3, 4, "scope", "context", in_class="class")])  # the table's own layout
_CALL_REFS, _CALL_KEYS = len(_KEYED._refs), len(_KEYED._keys)
_SCOPE_KEY = [_KEYED._strs[k] for k in _KEYED._keys].index("scope")  # the key column of a call's scope
_USE_PROBE = AttrUseTable.of([AttrUse(None, 7, 8, "")])._ints.tolist()
_USE_INTS, _USE_LINE = len(_USE_PROBE), _USE_PROBE.index(7)
_MOVED_ATTRS = frozenset({"line", "end_line"})  # FunctionFact and ClassFact positions
_SKIPPED = (int, float, bytes, type(None), array.array)  # values that hold no name (bool is an int)


class _Moves(dict[int, Any]):
    """``new_line`` memoised, as a dict so that mapping a column of lines is ``map(moves.__getitem__, ...)`` in C.
    Line 0 stands for "no line" (a call that is not awaited) and stays 0."""

    def __init__(self, new_line: NewLine) -> None:
        super().__init__({0: 0})
        self._new_line = new_line

    def __missing__(self, line: int) -> int | None:
        moved = self[line] = self._new_line(line)
        return moved


def unseen_change(old: ModuleFacts, new: ModuleFacts, new_line: NewLine) -> bool:
    """True when every reader of a file's facts gets from ``new`` what it got from ``old``, positions moved by
    ``new_line`` (see the module docstring for what may differ and why); False when in doubt."""
    return _judge(old, new, new_line, calls_only=False)


def calls_only_change(old: ModuleFacts, new: ModuleFacts, new_line: NewLine) -> bool:
    """True when ``new`` is ``old`` moved by ``new_line`` as ``unseen_change`` demands, except the calls made inside
    function bodies (``CallTable`` rows whose ``scope`` is a function) and every function's ``name_uses``, which may
    differ: only the rules of ``rules.CALL_READERS`` can see those, so every other reader gets the moved answers
    (see "Calls-only changes" in the module docstring); False when in doubt."""
    return _judge(old, new, new_line, calls_only=True)


def _judge(old: ModuleFacts, new: ModuleFacts, new_line: NewLine, *, calls_only: bool) -> bool:
    """The one walk of both judgements: every field compared, ``calls_only`` letting (a) and (b) differ."""
    if type(old) is not ModuleFacts or type(new) is not ModuleFacts:
        return False
    moves = _Moves(new_line)
    unread: list[tuple[FunctionFact, frozenset[str]]] = []
    try:
        for f in fields(ModuleFacts):
            name = f.name
            if name not in _UNREAD_FIELDS and not _same_field(name, getattr(old, name), getattr(new, name), moves,
                                                              unread, calls_only):  # fmt: skip
                return False
    except (TypeError, ValueError, LookupError, AttributeError):  # a fact of a shape this module does not expect
        return False
    return not unread or _unmentioned(new, unread)


def _same_field(name: str, old: Any, new: Any, moves: _Moves, unread: list[tuple[FunctionFact, frozenset[str]]],
                calls_only: bool) -> bool:  # fmt: skip
    """One field of ``ModuleFacts``, old moved, compared with new; functions whose locals differ go to ``unread``.
    ``calls_only``: the calls outside function bodies alone are compared, and no function's ``name_uses``."""
    if name == "imports":
        return _same_records(old, new, (_IMPORT_LINE,), moves)
    if name == "rebinds":
        return _same_records(old, new, (_REBIND_LINE,), moves)
    if name == "bindings":
        return _same_scope(old, new, moves)
    if name == "raise_spans":
        return _same_records(old, new, (0, 1), moves)
    if name == "calls":
        return _same_module_calls(old, new, moves) if calls_only else _same_calls(old, new, moves)
    if name == "attr_uses":
        return _same_uses(old, new, moves)
    if name == "classes":
        return _same_facts(old, new, moves, _same_class)
    if name == "functions":
        return _same_functions(old, new, moves, unread, _same_function_but_reads if calls_only else _same_function)
    return _plain_equal(old, new)


def _plain_equal(old: Any, new: Any) -> bool:
    """Equality, dicts in order too (readers iterate them: the order of findings may follow)."""
    if isinstance(old, dict):
        return isinstance(new, dict) and list(old.items()) == list(new.items())
    return bool(old == new)


def _moved(moves: _Moves, lines: Iterable[int]) -> list[int | None]:
    return list(map(moves.__getitem__, lines))


def _same_records(old: Sequence[tuple[Any, ...]], new: Sequence[tuple[Any, ...]], lines: tuple[int, ...],
                  moves: _Moves) -> bool:  # fmt: skip
    """Records (tuples of one shape) equal, the fields at ``lines`` of ``old`` moved: compared field by field as
    columns (``map`` in C), not record by record."""
    if len(old) != len(new):
        return False
    if not old:
        return True
    width = len(old[0])
    if {*map(len, old), *map(len, new)} != {width} or len({*map(type, old), *map(type, new)}) != 1:
        return False
    for i in lines:
        get = itemgetter(i)
        if _moved(moves, map(get, old)) != list(map(get, new)):
            return False
    rest = [i for i in range(width) if i not in lines]
    if not rest:
        return True
    keep = itemgetter(*rest)
    return list(map(keep, old)) == list(map(keep, new))


def _same_scope(old: dict[str, tuple[Any, ...]], new: dict[str, tuple[Any, ...]], moves: _Moves) -> bool:
    """A scope's bindings (name -> its ``Binding`` records), in order, lines moved. The records are compared as one
    column, so the number of each name's records is too (a record does not say which name it binds)."""
    if list(old) != list(new) or list(map(len, old.values())) != list(map(len, new.values())):
        return False
    return _same_records(list(chain.from_iterable(old.values())), list(chain.from_iterable(new.values())),
                         (_BINDING_LINE,), moves)  # fmt: skip


def _moved_ints(ints: array.array[int], width: int, lines: tuple[int, ...], moves: _Moves) -> list[int | None]:
    """The flat int columns of a table (``width`` a record) with the columns at ``lines`` moved."""
    values: list[int | None] = list(ints.tolist())
    for i in lines:
        values[i::width] = _moved(moves, ints[i::width])
    return values


def _same_calls(old_calls: Any, new_calls: Any, moves: _Moves) -> bool:
    """Two ``CallTable``s: references, strings and keys equal; the line columns of ``old`` moved."""
    old, new = _call_table(old_calls), _call_table(new_calls)
    if len(old) != len(new) or old._refs != new._refs or old._strs != new._strs or old._keys != new._keys:
        return False
    return bool(_moved_ints(old._ints, _CALL_INTS, _CALL_LINES, moves) == new._ints.tolist())


def _call_table(calls: Any) -> CallTable:
    return calls if isinstance(calls, CallTable) else CallTable.of(list(calls))


def _same_module_calls(old_calls: Any, new_calls: Any, moves: _Moves) -> bool:
    """The calls outside every function body (``scope == ""``: module level, class bodies, decorators and defaults
    of module-level definitions, lambdas and comprehensions there) of two ``CallTable``s, in order, equal with the
    line columns of ``old`` moved; the rows of calls inside functions are not looked at."""
    return _module_rows(_call_table(old_calls), moves) == _module_rows(_call_table(new_calls), None)


def _module_rows(table: CallTable, moves: _Moves | None) -> list[list[Any]]:
    """The columns of the rows of ``table`` whose scope is "" (references, ints, then context and class as strings:
    the keys of two tables may differ), line columns moved by ``moves``; selected and mapped in C."""
    key = table._key("")  # -1 when no call has it: no row kept, the same (empty) columns as any table without one
    keep = list(map(eq, table._keys[_SCOPE_KEY::_CALL_KEYS], repeat(key)))
    refs, ints, keys = table._refs, table._ints, table._keys
    columns: list[list[Any]] = [list(compress(refs[i::_CALL_REFS], keep)) for i in range(_CALL_REFS)]
    for i in range(_CALL_INTS):
        kept = list(compress(ints[i::_CALL_INTS], keep))
        columns.append(_moved(moves, kept) if moves is not None and i in _CALL_LINES else kept)
    strs = table._strs.__getitem__
    columns.extend(list(map(strs, compress(keys[i::_CALL_KEYS], keep))) for i in range(_CALL_KEYS) if i != _SCOPE_KEY)
    return columns


def _same_uses(old_uses: Any, new_uses: Any, moves: _Moves) -> bool:
    """Two attribute-use tables: expressions and scopes equal; lines of ``old`` moved."""
    old, new = _use_table(old_uses), _use_table(new_uses)
    if len(old) != len(new) or old._refs != new._refs:
        return False
    return bool(_moved_ints(old._ints, _USE_INTS, (_USE_LINE,), moves) == new._ints.tolist())


def _use_table(uses: Any) -> AttrUseTable:
    return uses if isinstance(uses, AttrUseTable) else AttrUseTable.of(list(uses))


def _same_facts(old: dict[str, Any], new: dict[str, Any], moves: _Moves, same: Callable[[Any, Any, _Moves], bool]) -> bool:
    """Functions or classes by qualname, in order, each compared by ``same``."""
    if list(old) != list(new):
        return False
    return all(same(a, b, moves) for a, b in zip(old.values(), new.values()))


def _plain_getter(cls: type, skipped: frozenset[str]) -> Callable[[Any], Any]:
    """The fields of the dataclass ``cls`` outside ``skipped`` as one tuple, then the keys of its dicts (dict equality
    ignores their order)."""
    names = [f.name for f in fields(cls) if f.name not in skipped]
    dicts = [f.name for f in fields(cls) if f.name in names and str(f.type).startswith("dict")]
    get = attrgetter(*names)
    if not dicts:
        return get
    return lambda fact: (get(fact), [list(getattr(fact, name)) for name in dicts])


_CLASS_PLAIN = _plain_getter(ClassFact, _MOVED_ATTRS)
_FUNCTION_PLAIN = _plain_getter(FunctionFact, _MOVED_ATTRS | {"locals", "is_trivial"})
_FUNCTION_PLAIN_BUT_READS = _plain_getter(FunctionFact, _MOVED_ATTRS | {"locals", "is_trivial", "name_uses"})


def _same_position(old: Any, new: Any, moves: _Moves) -> bool:
    return type(old) is type(new) and moves[old.line] == new.line and moves[old.end_line] == new.end_line


def _same_class(old: ClassFact, new: ClassFact, moves: _Moves) -> bool:
    return _same_position(old, new, moves) and _CLASS_PLAIN(old) == _CLASS_PLAIN(new)


def _same_function(old: FunctionFact, new: FunctionFact, moves: _Moves,
                   plain: Callable[[FunctionFact], Any] = _FUNCTION_PLAIN) -> bool:  # fmt: skip
    """Every field but the locals (and those ``plain`` leaves out) equal after moving; ``is_trivial`` only for
    methods (the one reader, ``roles.all_trivial``, asks it of the functions a ``ClassFact.methods`` names,
    which the extraction fills with functions defined in a class body alone: those whose ``class_qualname`` is set)."""
    return (_same_position(old, new, moves) and plain(old) == plain(new)
            and (old.is_trivial == new.is_trivial or not new.class_qualname))  # fmt: skip


_same_function_but_reads = partial(_same_function, plain=_FUNCTION_PLAIN_BUT_READS)  # ``name_uses`` may differ


def _same_functions(old: dict[str, FunctionFact], new: dict[str, FunctionFact], moves: _Moves,
                    unread: list[tuple[FunctionFact, frozenset[str]]],
                    same: Callable[[FunctionFact, FunctionFact, _Moves], bool]) -> bool:  # fmt: skip
    """Functions by qualname, in order, each compared by ``same``; their locals may differ in names that must then be
    unread (``unread``). The locals are compared all at once first (every table of as many items as before, then
    every table's names and every table's bindings as columns); function by function only when they differ."""
    if not _same_facts(old, new, moves, same):
        return False
    old_tables, new_tables = [f.locals for f in old.values()], [f.locals for f in new.values()]
    if (list(map(len, old_tables)) == list(map(len, new_tables))
            and list(chain.from_iterable(map(Bindings.names, old_tables)))
            == list(chain.from_iterable(map(Bindings.names, new_tables)))
            and _same_records(list(chain.from_iterable(map(Bindings.values, old_tables))),
                              list(chain.from_iterable(map(Bindings.values, new_tables))), (_BINDING_LINE,), moves)):  # fmt: skip
        return True
    for before, after in zip(old.values(), new.values()):
        differing = _differing_names(before.locals, after.locals, moves)
        if differing:
            unread.append((before, differing))
    return True


def _differing_names(old: Bindings, new: Bindings, moves: _Moves) -> frozenset[str]:
    """The names whose bindings differ between two locals tables, old lines moved (usually none: one comparison)."""
    if old.names() == new.names() and _same_records(old.values(), new.values(), (_BINDING_LINE,), moves):
        return frozenset()
    names = set(old.keys()) | set(new.keys())
    return frozenset(n for n in names if not _same_records(old.get(n, ()), new.get(n, ()), (_BINDING_LINE,), moves))


def _unmentioned(new: ModuleFacts, unread: list[tuple[FunctionFact, frozenset[str]]]) -> bool:
    """No name whose local bindings differ is mentioned (see the module docstring): the tokens of every string of
    ``new`` outside the locals' names, and of the old bindings of those names."""
    return not mentioned(new, unread)


def mentioned(new: ModuleFacts, unread: list[tuple[FunctionFact, frozenset[str]]]) -> frozenset[str]:
    """Of the names whose local bindings differ (``unread``: each function's, old facts), those mentioned (see the
    module docstring): a token of a string of ``new`` outside the locals' names or of the old bindings of those
    names, or a name looked up by a literal. Every one of them when the walk meets a value it does not know."""
    differing = frozenset().union(*(names for _, names in unread))
    old_runs = [func.locals.get(name, ()) for func, names in unread for name in names]
    try:
        strings = _strings([new, old_runs])
    except TypeError:  # a value of a kind the walk does not know: it may hide a mention
        return differing
    tokens = set(chain.from_iterable(s.split(".") for s in strings))
    return differing & (tokens | _LOOKED_UP_LITERALLY)


_FUNCTION_PARTS = attrgetter(*(f.name for f in fields(FunctionFact) if f.name != "locals"))
_CLASS_PARTS = attrgetter(*(f.name for f in fields(ClassFact)))
_MODULE_PARTS = attrgetter(*(f.name for f in fields(ModuleFacts)))


def _strings(root: Any) -> set[str]:
    """Every string held in ``root`` (facts, records, tables, containers), the names of ``locals`` tables left out;
    each container walked once (a file's equal expressions are one object)."""
    found: set[str] = set()
    seen: dict[int, Any] = {}  # id -> the object, kept alive: a slice made here, freed, could lend its id to another
    stack = [root]
    push, pop = stack.extend, stack.pop
    while stack:
        value = pop()
        kind = type(value)
        if kind is str:
            found.add(value)
        elif isinstance(value, _SKIPPED) or id(value) in seen:
            continue
        else:
            seen[id(value)] = value
            if isinstance(value, tuple | list | frozenset | set):
                push(value)
            elif isinstance(value, dict):  # a class fact's empty ones are ``facts.NO_ENTRIES``
                push(value.keys())
                push(value.values())
            elif kind is CallTable:
                push((value._refs, value._strs))
            elif kind is AttrUseTable:
                push((value._refs,))
            elif kind is FunctionFact:
                push(_FUNCTION_PARTS(value))
                push((value.locals.values(),))  # the bindings, without the names they bind
            elif kind is ClassFact:
                push(_CLASS_PARTS(value))
            elif kind is ModuleFacts:
                push(_MODULE_PARTS(value))
            else:
                raise TypeError(f"no walk for {kind.__name__}")
    return found
