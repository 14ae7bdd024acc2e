"""Finders of constraints: each takes the Context and yields Constraints for the graph."""

from auditor.linking import narrative, tables

FINDERS = (narrative.find, tables.find)
