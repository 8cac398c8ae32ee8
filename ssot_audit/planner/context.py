"""What every plan builder reads: the result's findings, import records and module graph, indexed once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ssot_audit.model import AuditResult, Finding, ImportRef
from ssot_audit.planner.graph import ModuleGraph


@dataclass
class PlanContext:
    """Indexes over one ``AuditResult`` (built once per plan, read by the concept and symbol planners)."""

    root: str
    graph: ModuleGraph
    findings: tuple[Finding, ...]
    refs_by_target: dict[str, list[ImportRef]] = field(default_factory=dict)
    canonical_path: dict[str, str] = field(default_factory=dict)  # symbol -> canonical import path (SSOT201)
    canonical_name: dict[str, str] = field(default_factory=dict)  # symbol -> the public name to import it by
    paths: dict[str, dict[str, int]] = field(default_factory=dict)  # symbol -> {import path: count} (SSOT201)
    codes: dict[str, str] = field(default_factory=dict)  # fingerprint -> rule code
    findings_by_code: dict[str, list[Finding]] = field(default_factory=dict)

    @classmethod
    def from_result(cls, result: AuditResult) -> PlanContext:
        """Index the result."""
        ctx = cls(result.root, ModuleGraph(result.import_edges, result.modules), result.findings)
        refs: dict[str, list[ImportRef]] = defaultdict(list)
        for ref in result.symbol_imports:
            refs[ref.target].append(ref)
        ctx.refs_by_target = dict(refs)
        ctx.codes = {f.fingerprint: f.code for f in result.findings}
        by_code: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_code[finding.code].append(finding)
        ctx.findings_by_code = dict(by_code)
        for concept in result.concepts:
            for member in concept.members:
                if member.public_name:  # a private class exported under a public name, or a re-export
                    ctx.canonical_path[member.qualname], _, ctx.canonical_name[member.qualname] = member.public_name.rpartition(".")
        for finding in ctx.by_code("SSOT201"):
            ctx.canonical_path[finding.facts["symbol"]] = finding.facts["canonical_path"]
            if "canonical_name" in finding.facts:
                ctx.canonical_name[finding.facts["symbol"]] = finding.facts["canonical_name"]
            ctx.paths[finding.facts["symbol"]] = dict(finding.facts["paths"])
        return ctx

    def code_of(self, fingerprint: str) -> str:
        """The rule code of the finding with this fingerprint ("" when unknown)."""
        return self.codes.get(fingerprint, "")

    def by_code(self, code: str) -> list[Finding]:
        """Findings of one rule, in report order."""
        return list(self.findings_by_code.get(code, ()))

    def path_for(self, symbol: str) -> str:
        """The canonical import path of a symbol: SSOT201's choice, else its defining module."""
        return self.canonical_path.get(symbol) or symbol.rsplit(".", 1)[0]

    def name_for(self, symbol: str) -> str:
        """The public name to import a symbol by: SSOT201's choice, else the concept member's public name, else its
        own name."""
        return self.canonical_name.get(symbol) or symbol.rsplit(".", 1)[-1]

    def refs(self, target: str) -> list[ImportRef]:
        """Recorded imports of ``target``."""
        return self.refs_by_target.get(target, [])

    def hops(self, target: str) -> set[str]:
        """Modules others import ``target`` through without defining it (package ``__init__``, compat modules)."""
        home = target.rsplit(".", 1)[0]
        return {r.source for r in self.refs(target) if r.source != home and r.source != r.importer}
