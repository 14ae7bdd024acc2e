"""Finders of constraints: each takes the Context and yields Constraints for the graph."""

from auditor.linking import (
    bounds,
    counts,
    growth,
    identities,
    identity,
    links,
    lists,
    logic,
    named_totals,
    narrative,
    score_groups,
    table_sums,
    tables,
    timeline,
    units,
)

FINDERS = (narrative.find, lists.find, counts.find, identities.find, tables.find, score_groups.find, links.find,
           identity.find, timeline.find, units.find, logic.find, growth.find, named_totals.find, bounds.find,
           table_sums.find)
