"""The outline of an evaluation report's narrative scores: a section heading that carries the
section's points and score (（二）项目过程情况（分值35分，自评得分35分）) and the numbered
sub-headings under it that carry one figure each (1、项目管理（25分）). The sub-headings' figures
add up to the section's points or to its score: which of the two the writer gave them is not said,
so only a sum that is neither is a finding (SUM002).

Headings are short lines read by their shape: a section heading with exactly one points and one
score figure, a sub-heading with a sub-item number (rules: SUM002 sub_heading) and exactly one
points figure. A section's sub-headings run to the next section heading or the next line numbered
as a section (SUM002 section_heading); fewer than two say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint


def points_of(ctx: Context, block: int) -> list[Claim]:
    return [c for c in ctx.in_block[block] if c.quantity.dimension == "points"]


def find(ctx: Context) -> Iterator[Constraint]:
    params = ctx.rules.check("SUM002").get("params", {})
    longest = int(params["heading_chars"])
    sub_heading, section_heading = re.compile(params["sub_heading"]), re.compile(params["section_heading"])
    section: tuple[Claim, Claim, str] | None = None
    parts: list[Claim] = []
    for block in ctx.paragraphs:
        span = ctx.block(block).span
        line = squash(ctx.text[span.start:min(span.end, span.start + 2 * longest)])
        if len(line) > longest:  # no heading; a numbered section still closes the one before
            if section_heading.match(line):
                yield from close(ctx, section, parts)
                section, parts = None, []
            continue
        figures = points_of(ctx, block)
        roles = sorted(c.role for c in figures)
        if roles == ["max", "score"] or section_heading.match(line):
            yield from close(ctx, section, parts)
            section, parts = None, []
            if roles == ["max", "score"]:
                points = min(figures, key=lambda c: c.span.start)
                lead = ctx.text[ctx.block(block).span.start:points.span.start]
                heading = squash(lead[:max(lead.rfind("("), lead.rfind("（"))]) if "(" in lead or "（" in lead else ""
                section = (next(c for c in figures if c.role == "max"), next(c for c in figures if c.role == "score"),
                           heading)
        elif section is not None and len(figures) == 1 and sub_heading.match(line):
            parts.append(figures[0])
    yield from close(ctx, section, parts)


def close(ctx: Context, section: tuple[Claim, Claim, str] | None, parts: list[Claim]) -> Iterator[Constraint]:
    if section is not None and len(parts) >= 2:
        points, score, heading = section
        yield ctx.constraint("heading_parts", "SUM002", [points, score, *parts], "narrative", heading=heading)
