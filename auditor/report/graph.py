"""The consistency graph as one JSON object (``auditor audit FILE --format graph``): every claim,
and every constraint with the claims it relates, its evidence that is not a claim (``spans``: names,
phrases, years) and whether it holds."""

from __future__ import annotations

from typing import Any


def graph_record(analysis: Any, broken: set[str]) -> dict[str, Any]:
    """``analysis`` is a pipeline.Analysis; ``broken`` the ids of constraints whose check found something."""
    claims = [{"id": c.id, "start": c.span.start, "end": c.span.end, "text": c.text,
               "value": str(c.quantity.value), "unit": c.quantity.unit, "role": c.role, "subject": c.subject}
              for c in analysis.graph.context.by_id.values()]  # the reading's claims and the names counted
    constraints = [{"id": k.id, "kind": k.kind, "code": k.params.get("code", ""), "claims": list(k.claims),
                    "spans": [[span.start, span.end] for span in k.spans], "holds": k.id not in broken}
                   for k in analysis.graph.constraints]
    return {"document": {"path": analysis.document.path, "chars": len(analysis.document.text)},
            "claims": claims, "constraints": constraints}
