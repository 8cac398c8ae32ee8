"""The sub-commands, each a module with ``register(subparsers)``; listed explicitly, in help order."""

from __future__ import annotations

from ssot_audit.commands import concepts, plan, report
from ssot_audit.commands import dashboard, fix, graph, history, rules, scan

COMMANDS = (scan, fix, plan, concepts, report, graph, rules, history, dashboard)
