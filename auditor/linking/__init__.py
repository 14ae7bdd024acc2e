"""Finders of constraints: each takes the Context and yields Constraints for the graph."""

from auditor.linking import identity, links, logic, narrative, score_groups, tables, timeline, units

FINDERS = (narrative.find, tables.find, score_groups.find, links.find, identity.find, timeline.find, units.find, logic.find)
