"""Per-run context handed to tools."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # innocent: type-only back-import, runner <-> context is not a runtime cycle
    from app.agents.runner import AgentRunner


@dataclass
class RunContext:
    run_id: str
    user_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    runner: AgentRunner | None = None
