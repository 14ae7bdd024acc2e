"""Finders of constraints: each takes the Context and yields Constraints for the graph."""

from auditor.linking import growth, identity, links, logic, named_totals, narrative, tables, timeline, units

FINDERS = (narrative.find, tables.find, links.find, identity.find, timeline.find, units.find, logic.find, growth.find,
           named_totals.find)
