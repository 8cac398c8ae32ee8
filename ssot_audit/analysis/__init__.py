"""Analysis: discovery, parsing, per-file facts, the index and resolver, the import graph, concepts."""
