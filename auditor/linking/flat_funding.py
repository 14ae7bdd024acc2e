"""The funding row of a score form flattened into text: a run of column headers (年初预算数
全年预算数 全年执行数 分值 执行率 得分, roles from rules/lexicon.yaml header_roles) and, after the
row's label, a run of exactly as many figure cells. A cell goes to the column at its place only
when the count matches and the rate column holds the only rate (93.5%, or a fraction 0.935);
otherwise the row is left alone. The row yields 执行率 = 执行数 / 预算数 (RAT001), its score
against the rate (SCO001) and its cap (CAP001).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from auditor.linking.context import Context
from auditor.linking.flat_cells import TOKEN, FigureCell, header_runs, runs
from auditor.model import Claim, Constraint

NEEDED = {"executed", "max", "score"}  # the columns a funding header names at least
MAX_LABEL_TOKENS = 4  # words (年度资金总额, (万元)) between the header and the row's figures


@dataclass(frozen=True)
class FundingRow:
    cells: dict[str, Claim]  # role -> figure

    @cached_property
    def budget(self) -> Claim | None:
        return self.cells.get("adjusted_budget") or self.cells.get("budget")

    @property
    def start(self) -> int:
        return min(c.span.start for c in self.cells.values())


def funding_headers(ctx: Context) -> Iterator[tuple[list[str], int]]:
    """Header runs of a funding row: four or more columns, each once, executed, points and score among them."""
    for roles, end in ctx.once("header_runs", header_runs):  # read by several finders
        if len(roles) >= 4 and NEEDED <= set(roles) and len(set(roles)) == len(roles):
            yield roles, end


def is_rate(cell: FigureCell) -> bool:
    q = cell.claim.quantity
    return q.unit == "%" or (cell.bare and q.value <= 1 and q.decimals > 0)


def funding_rows(ctx: Context) -> list[FundingRow]:
    return ctx.once("funding_rows", _funding_rows)  # read by several finders


def _funding_rows(ctx: Context) -> list[FundingRow]:
    figure_runs = ctx.once("figure_runs", lambda c: list(runs(c)))
    out = []
    for columns, end in funding_headers(ctx):
        following = next((r for r in figure_runs if r[0].start >= end), None)
        if following is None or len(following) != len(columns):
            continue
        if len(TOKEN.findall(ctx.text[end:following[0].start])) > MAX_LABEL_TOKENS:
            continue
        rates = [i for i, cell in enumerate(following) if is_rate(cell)]
        others_bare = all(c.bare for i, c in enumerate(following) if i not in rates)
        if "rate" in columns and rates != [columns.index("rate")] or "rate" not in columns and rates or not others_bare:
            continue
        out.append(FundingRow({role: cell.claim for role, cell in zip(columns, following, strict=True)}))
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    for row in funding_rows(ctx):
        executed, budget = row.cells["executed"], row.budget
        rate, points, score = row.cells.get("rate"), row.cells["max"], row.cells["score"]
        if rate is not None and budget is not None:
            yield ctx.constraint("ratio", "RAT001", [rate, executed, budget], "table", denominators=1,
                                 may_be_fraction="%" not in rate.text)
        yield ctx.constraint("score_cap", "CAP001", [score, points], "table")
        if budget is not None:
            yield ctx.constraint("score_formula", "SCO001", [score, points, executed, budget], "table")
