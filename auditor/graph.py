"""link: the consistency graph. Claim nodes and constraint nodes, edges from a constraint to the
claims it relates. Constraints are found by the finders of ``auditor.linking`` from table
structure, narrative patterns and names; the checks evaluate them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import networkx as nx

from auditor.linking import FINDERS
from auditor.linking.context import Context
from auditor.model import Constraint, Document, Reading
from auditor.rules import RuleSet


class ConsistencyGraph:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.graph = nx.DiGraph()
        for claim in context.claims:
            self.graph.add_node(("claim", claim.id), claim=claim)

    def add(self, constraint: Constraint) -> None:
        node = ("constraint", constraint.id)
        if node in self.graph:
            return
        self.graph.add_node(node, constraint=constraint)
        for position, claim_id in enumerate(constraint.claims):
            if ("claim", claim_id) not in self.graph:  # a listed name the constraint counts (Context.listed_item)
                self.graph.add_node(("claim", claim_id), claim=self.context.by_id[claim_id])
            self.graph.add_edge(node, ("claim", claim_id), position=position)

    def extend(self, constraints: Iterable[Constraint]) -> None:
        for constraint in constraints:
            self.add(constraint)

    @property
    def constraints(self) -> Iterator[Constraint]:
        for _, data in self.graph.nodes(data=True):
            if "constraint" in data:
                yield data["constraint"]


def build(document: Document, reading: Reading, rules: RuleSet) -> ConsistencyGraph:
    context = Context(document, reading, rules)
    graph = ConsistencyGraph(context)
    for finder in FINDERS:
        graph.extend(finder(context))
    return graph
