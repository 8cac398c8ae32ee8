"""Shared test helpers (a test package, even though it is not under tests/)."""
