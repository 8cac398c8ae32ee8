"""Which judgement made each finding: the key of its unit (``RuleContext.unit``), read back from the finding.

A scan after an interface edit reruns only the judgements whose reads the edit fired (``analysis.trace``), each
rule narrowed to those units (``RuleContext.units``), and keeps the last scan's findings of the other units: it
needs, for each kept finding, the unit that made it. Every rule judges in units of one of these kinds, and the key
is in each finding, where it can be read without the project:

- a module (by name), for the rules that judge each module by its own facts (calls, imports, bindings, classes):
  the module of the finding's location, which the finding names by path only, hence ``module_of``;
- a group key, for the rules that judge groups across modules: SSOT101 the concept, SSOT104 the factory name,
  SSOT201 the imported symbol, SSOT204 the public name, SSOT202 the cycle (its modules), each in the facts;
- SSOT900 the failed file's path (a file that could not be parsed has no module);
- SSOT901 none: the suppression step makes those from every other finding, never a rule's ``check``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.usage import ImportSites, SitesChanged
from ssot_audit.model import Finding

# The rules keyed by a fact of their findings (the group they judge by), and the fact.
BY_FACT: dict[str, str] = {
    "SSOT101": "concept",  # a concept's implementations
    "SSOT104": "factory",  # one factory name's copies
    "SSOT201": "symbol",  # one imported symbol's paths
    "SSOT204": "name",  # one public name's meanings
}
BY_CYCLE = "SSOT202"  # the cycle's modules, in the finding's order
BY_PATH = "SSOT900"  # the file that failed
WHOLE = "SSOT901"  # not judged in units: made from every other finding
# The rules whose units are not modules: judging an edited module again means nothing to them (what an edit changes
# of theirs is a unit the record reaches, or one the import and attribute rows name)
GROUP_KEYED = frozenset({*BY_FACT, BY_CYCLE, BY_PATH})


def unit_of(finding: Finding, module_of: Mapping[str, str]) -> Hashable:
    """The key of the unit of ``finding``'s rule that made it (``RuleContext.unit``); ``module_of``: each scanned
    file's module name by its repo-relative path (``module_names``), for the rules judged module by module."""
    code = finding.code
    fact = BY_FACT.get(code)
    if fact is not None:
        return finding.facts[fact]  # type: ignore[no-any-return]
    if code == BY_CYCLE:
        return tuple(finding.facts["modules"])
    if code == BY_PATH:
        return finding.location.path
    if code == WHOLE:
        return None
    return module_of[finding.location.path]


def module_names(index: ProjectIndex) -> dict[str, str]:
    """``unit_of``'s ``module_of`` for the modules of ``index`` (reading no facts)."""
    return {info.relpath: name for name, info in index.modules.items()}


def keys_after_imports(code: str, changed: SitesChanged, sites: ImportSites) -> frozenset[Hashable]:
    """The units of rule ``code`` that edits of some modules' imports (``changed``: the sites added or removed) can
    change through the import sites, for the rules whose setup reads every site and whose units are keyed by what
    a site names (SSOT201, SSOT204; their setups read the sites unrecorded, ``ImportSites.unrecorded``): the symbol
    of each changed site (SSOT201), and (SSOT204) each changed site's name and the names every site of its target
    is imported by (whether a site is a path taken reads its target's re-export hops). A unit that never ran (a
    symbol imported once, a name with one meaning) is in no record. (What an edited module reads as ``m.Name``,
    SSOT204's table of attribute reads, is recorded: its bindings are leaves that table's reads reach.)"""
    if code == "SSOT201":
        return frozenset(target.fullname for target in changed.targets())
    if code != "SSOT204":
        return frozenset()
    names = changed.names()
    for target in changed.targets():
        names.update(site.name for site in sites.unrecorded_of(target))
    return frozenset(names)
