"""Backwards-compatibility layer for the v1 API and the old mobile clients.

Nothing new should be added here; see README.md.
"""
