"""SSOT301 (unsafe): ``ManagerClass(args)`` -> ``get_manager(args)``, the concept's configured factory.

Unsafe because the factory may do more than construct (register, cache per user, return a shared instance): that
is the point, and a behaviour change. Only when the call's arguments map one to one onto the factory's parameters:
the class's ``__init__`` and the factory take the same parameter names in the same order, and the call uses no
``*``/``**`` unpacking it cannot check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from ssot_audit.fix.cst import ParsedFile
from ssot_audit.fix.imports import Importer, ensure_import
from ssot_audit.model import Applicability, Finding, Fix

Signature = Callable[[str], Sequence[str] | None]  # fullname -> parameter names (a class: its __init__ without self)


def _maps(call: cst.Call, init: Sequence[str], factory: Sequence[str]) -> str | None:
    """None when every argument of ``call`` reaches the same parameter through the factory; else why not."""
    if list(init) != list(factory):
        return f"the factory's parameters ({', '.join(factory)}) differ from the constructor's ({', '.join(init)})"
    if any(arg.star for arg in call.args):
        return "the call unpacks *args/**kwargs: cannot check that they map"
    return None


def use_factory(finding: Finding, parsed: ParsedFile, importer: Importer, signature: Signature) -> Fix | str:
    """Call the configured factory instead of the class, importing it when the file does not yet."""
    factory, cls = finding.facts.get("factory"), finding.facts.get("class")
    if not factory or not cls:
        return "the concept has no factory to call"
    loc = finding.location
    call = parsed.find(cst.Call, loc.line, loc.column)
    if call is None:
        return "no call at the finding's position"
    init, params = signature(str(cls)), signature(str(factory))
    if init is None or params is None:
        return "the constructor's or the factory's parameters are unknown"
    why = _maps(call, init, params)
    if why is not None:
        return why
    module, _, name = str(factory).rpartition(".")
    imports = ensure_import(parsed, importer, module=module, name=name)
    if isinstance(imports, str):
        return imports
    edits = [*imports, parsed.replace(call.func, name)]
    return Fix(f"call the factory {name}(...) instead of {str(cls).rpartition('.')[2]}(...)", Applicability.UNSAFE,
               tuple(edits))  # fmt: skip
