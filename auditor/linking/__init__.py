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
    products,
    score_groups,
    tables,
    timeline,
    units,
)

FINDERS = (narrative.find, lists.find, counts.find, identities.find, tables.find, score_groups.find, links.find,
           identity.find, timeline.find, units.find, logic.find, growth.find, named_totals.find, bounds.find)
FINDERS += (products.find,)  # amounts against count × per-unit standard (RAT006)
