"""A suppression comment that silences nothing.

## What it does
Reports ``# ssot: ignore[...]`` and ``# ssot: file-ignore[...]`` comments that do no work: the named rule has
no finding on that line (or in that file), the code or name is unknown, the comment names no code at all, a
``file-ignore`` sits below the first statement, or ``require-reasons = true`` is set and the comment gives no
``-- reason`` (the finding is then still reported). Only rules that ran are checked, so ``--select`` never
makes a suppression look unused.

The findings are produced by the suppression step that runs after every other rule (the way ruff's RUF100
works); this entry documents them and lets ``--select``/``--ignore`` turn them on and off.

## Why is this bad?
A suppression outlives the problem it silenced: once the code is fixed, the comment stays and would silence
the next, real, problem on that line without anyone deciding so. A misspelt code silences nothing while
looking as if it does.

## Example
```python
manager = get_websocket_manager()  # ssot: ignore[SSOT401] -- nothing awaited here any more
```

## Use instead
```python
manager = get_websocket_manager()
```

## Options
None. ``require-reasons = true`` in ``[tool.ssot-audit]`` makes a reason (``-- why``) mandatory.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.model import Finding, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_rule_info

INFO = make_rule_info("SSOT901", "unused-suppression", Severity.WARNING, __doc__)


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Nothing here: the suppression step (``ssot_audit.suppressions``) reports these after all rules ran."""
    return iter(())


RULE = Rule(INFO, check)
