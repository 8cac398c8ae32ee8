"""A dead copy of a live class, in a file nothing imports (a backup, an ``*_old.py``).

## What it does
Finds classes in modules that no other module imports and that repeat a live class of the same name: files under
``backup/``, ``old/``, ``archive/`` (and the like), files named ``*_old.py``, ``*_backup.py``, ``*_copy.py``,
``copy_of_*.py``, or a file of the same name as the live class's module with most of its methods written again.
These are dead code, not a second implementation: they never join a duplicate cluster (SSOT101) and a plan never
merges them; the advice is to delete them.

## Why is this bad?
A dead copy still shows up in searches, code review and greps for the class name; people fix bugs in the copy, read
it to understand the live code, or import it again by accident. It makes the concept look twice as large as it is.

## Example
```python
# backup/websocket_manager_old.py  (nothing imports this module)
class WebSocketManager:
    async def connect(self, user_id, websocket): ...
```

## Use instead
Delete the file (version control keeps the history).

## Options
None. A file that is run rather than imported (a ``scripts/`` entry point, a module with
``if __name__ == "__main__":``) is a script, not a copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.roles import ORPHAN, is_backup_path
from ssot_audit.analysis.values import ClassValue
from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, class_finding, make_rule_info

INFO = make_rule_info("SSOT105", "orphaned-copy", Severity.WARNING, __doc__)


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per orphaned class that copies a live class.

    Units: one per orphan's module. Setup: none (the concept model's roles)."""
    # the orphans picked before sorting (a sort of every class with a role, by a computed name, was most of this)
    orphans = [value for value, role in ctx.concepts.roles.role.items() if role == ORPHAN]
    for value in sorted(orphans, key=lambda v: v.fullname):
        if ctx.runs(value.module):
            with ctx.unit(value.module):
                yield from _judge(ctx, value)


def _judge(ctx: RuleContext, value: ClassValue) -> Iterator[Finding]:
    """The finding on one orphan class, if it copies a live class (the unit of the orphan's module)."""
    roles = ctx.concepts.roles
    original = roles.copied_class(value)
    if original is None:
        return
    info = ctx.index.get_module(value.module)
    public = ctx.concepts.public(original)
    backup = is_backup_path(info.relpath)
    yield class_finding(
        INFO,
        ctx,
        value,
        message=(f"{value.qualname} in {info.relpath} is a dead copy of {public}: nothing imports this module"
                 + (" (a backup-shaped file)" if backup else "")),  # fmt: skip
        fix_hint=f"delete {info.relpath} (or the class); the live class is {public}",
        key=f"orphan:{original.fullname}",
        confidence=Confidence.HIGH if backup else Confidence.MEDIUM,
        related=[Related(ctx.class_location(original), f"the live {original.qualname}")],
        facts={"original": original.fullname, "original_public": public,
               "concept": c.name if (c := ctx.concepts.concept_of.get(original)) else None},  # fmt: skip
    )


RULE = Rule(INFO, check)
