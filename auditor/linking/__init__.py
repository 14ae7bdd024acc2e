"""Finders of constraints: each takes the Context and yields Constraints for the graph."""

from auditor.linking import bounds, identity, links, logic, narrative, tables, timeline, units

FINDERS = (narrative.find, tables.find, links.find, identity.find, timeline.find, units.find, logic.find, bounds.find)
