"""The fix layer: each fixable finding's edits (computed with libcst, the only libcst importer) and the engine that
applies every fix of a file in one pass. It reads findings, the index and source text; it never writes files.
``ssot_audit.fixing`` (above the API) verifies a fixed tree by re-scanning it and writes it.
"""
