"""Older route modules (pre-2.0 URL layout)."""
