"""chatapp: realtime chat backend (WebSocket fan-out, presence, agents)."""

__version__ = "2.3.1"
