"""``python -m ssot_audit``."""

from ssot_audit.cli import entry_point

entry_point()
