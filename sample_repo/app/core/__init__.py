"""Core infrastructure (settings, sessions, async helpers)."""
from .session_store import SessionStore

__all__ = ["SessionStore"]
