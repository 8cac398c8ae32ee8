"""ssot-audit: find where a Python codebase lost its Single Source Of Truth, and plan the way back."""

__version__ = "0.1.0"
