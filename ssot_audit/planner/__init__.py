"""Consolidation planner (see issue 3)."""
