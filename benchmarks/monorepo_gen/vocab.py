"""Words the generated backend is made of: domains, entities, verbs, class-name suffixes, package layouts."""

from __future__ import annotations

# Business nouns of an AI-ops backend (threads, runs, agents, billing...).
ENTITIES = (
    "thread", "message", "run", "agent", "tool", "user", "workspace", "org", "invoice", "quota", "audit", "corpus",
    "document", "embedding", "prompt", "model", "trace", "span", "metric", "alert", "report", "job", "task",
    "schedule", "webhook", "token", "permission", "role", "team", "project", "dataset", "pipeline", "query",
    "cache", "event", "session", "secret", "credential", "plan", "subscription", "payment", "notification",
    "feedback", "evaluation", "benchmark", "artifact", "snapshot", "checkpoint", "deployment", "endpoint",
    "supply", "demand", "forecast", "optimization", "recommendation", "insight", "anomaly", "cost", "latency",
    "throughput", "usage", "billing", "ledger", "tenant", "policy", "guardrail", "triage", "synthetic", "sample",
)  # fmt: skip
VERBS = (
    "get", "list", "create", "update", "delete", "fetch", "load", "save", "sync", "refresh", "validate", "build",
    "compute", "render", "resolve", "enqueue", "dispatch", "publish", "collect", "aggregate", "merge", "split",
    "normalize", "serialize", "parse", "score", "rank", "filter", "archive", "restore", "export", "import",
    "notify", "track", "record", "emit", "flush", "prune", "migrate", "reconcile", "estimate", "summarize",
)  # fmt: skip
SERVICE_SUFFIXES = ("Service", "Repository", "Handler", "Processor", "Builder", "Validator", "Client", "Registry",
                    "Controller", "Gateway", "Provider", "Resolver", "Tracker", "Formatter", "Coordinator",
                    "Executor", "Loader", "Exporter", "Calculator", "Analyzer", "Store", "Helper")  # fmt: skip
MODEL_SUFFIXES = ("Request", "Response", "Record", "Payload", "Summary", "Details", "Filter", "Config", "State",
                  "Result", "Event", "Spec", "Snapshot")  # fmt: skip
AGENT_NAMES = ("triage", "data", "optimization", "reporting", "synthetic_data", "corpus_admin", "supply_researcher",
               "actions", "goals_triage", "validation", "github_analyzer", "chat_orchestrator", "planner",
               "summarizer", "cost_analyzer", "anomaly_detector", "forecaster", "tool_dispatcher")  # fmt: skip
EXTERNAL_IMPORTS = (
    ("fastapi", ("APIRouter", "Depends", "HTTPException", "Request", "status")),
    ("pydantic", ("BaseModel", "Field")),
    ("sqlalchemy", ("select", "update", "delete")),
    ("sqlalchemy.ext.asyncio", ("AsyncSession",)),
    ("redis.asyncio", ("Redis",)),
    ("httpx", ("AsyncClient",)),
    ("starlette.websockets", ("WebSocket", "WebSocketDisconnect")),
)  # fmt: skip

# Per service: its import root, its sub-packages (the real backend's shape) and its share of the files.
SERVICES = (
    ("netra_backend", "netra_backend/app", (
        "routes", "services", "websocket_core", "agents", "db", "clickhouse", "core", "utils", "schemas",
        "models", "middleware", "llm", "tools", "monitoring", "auth_integration", "services/billing",
        "services/threads", "services/corpus", "agents/supervisor", "agents/tools", "core/configuration",
        "db/models", "routes/utils", "services/metrics",
    ), 0.62),
    ("auth_service", "auth_service/auth_core", (
        "routes", "services", "core", "database", "oauth", "security", "config", "utils", "session", "models",
    ), 0.14),
    ("analytics_service", "analytics_service/analytics_core", (
        "api", "services", "database", "ingestion", "aggregation", "models", "utils", "config", "websocket",
    ), 0.12),
    ("shared", "shared", (
        "logging", "types", "isolated_environment", "config", "session", "redis", "utils", "protocols",
        "cors", "metrics",
    ), 0.12),
)  # fmt: skip
# Directories without an __init__.py (PEP 420 namespace packages), as the real backend has a few.
NAMESPACE_DIRS = ("shared/logging", "analytics_service/analytics_core/ingestion", "netra_backend/app/agents/tools")
