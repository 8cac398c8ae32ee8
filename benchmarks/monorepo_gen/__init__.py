"""The monorepo generator behind ``benchmarks/gen_monorepo.py`` (see that script for the labels format).

``generate.generate(out, files=N, seed=S)`` writes the tree and returns its labels. Modules: ``builder`` (files
built line by line, labels pinned to the marked lines), ``vocab`` (words and layout), ``snippets`` / ``filler`` /
``modules`` (ordinary code, clean by construction), ``websocket`` / ``websocket_family`` (the eleven-class manager
concept), ``usage`` / ``usage_files`` (sites that use it, right and wrong), ``concepts`` / ``concept_usage`` (other
duplicated concepts, interface families, look-alikes), ``broken`` (parse errors, import cycles), ``generate``
(layout and sizes).
"""
