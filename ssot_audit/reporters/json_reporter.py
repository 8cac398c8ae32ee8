"""JSON: the full result, deterministic (sorted keys, no timestamps), readable back by ``serialization``."""

from __future__ import annotations

import json

from ssot_audit.model import AuditResult
from ssot_audit.serialization import result_to_dict


def render(result: AuditResult) -> str:
    """The result as pretty-printed JSON."""
    return json.dumps(result_to_dict(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
