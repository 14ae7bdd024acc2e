"""Column labels that name their figures by letters, and a rate label whose bracket is their quotient
(预算数(A) 执行数(B) 执行率(B/A)), in a form flattened into one line: the rate is B over A (RAT001 for
执行率; the codes by rate word in rules/ratios.yaml ``lettered_columns``).

A figure is bound to a column only where the layout leaves one reading:
- a figure right after its own label, before the next label (预算数(A)300执行数(B)…), is that column's;
- the run of figures after the last label (a short row label before it allowed, cells separated by
  nothing but separators) fills the columns left without a figure, in order, or, as a whole row, all
  of them; a full row's figure that differs from a column's own one reads another row, and the
  row's own figures are taken.
The rate's column must get the only percentage and the operands figures of one unit (a bare number
beside the report's money unit read in it); any other count or type and nothing is said.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile

from auditor.linking.context import Context
from auditor.model import Claim, Constraint

SEPARATORS = re.compile(r"[\s|｜]+")
LEAD = re.compile(r"[\s|｜:：]*")  # between a label and its own figure


@dataclass(frozen=True)
class Label:
    start: int  # of the bracket
    end: int
    letter: str  # the operand's letter, or "" for the rate label
    formula: tuple[str, str] = ("", "")  # (numerator, denominator) letters of the rate label


def labels(ctx: Context, letters: str) -> list[Label]:
    pattern = re.compile(rf"[（(] ?([{re.escape(letters)}]) ?(?:[/÷／] ?([{re.escape(letters)}]) ?)?[）)]")
    out = []
    for m in pattern.finditer(ctx.text):
        if m.start() == 0 or not "\u4e00" <= ctx.text[m.start() - 1] <= "\u9fff":
            continue  # a label is a word with its letter: 预算数(A)
        if m.group(2):
            out.append(Label(m.start(), m.end(), "", (m.group(1), m.group(2))))
        else:
            out.append(Label(m.start(), m.end(), m.group(1)))
    return out


def claims_from(ctx: Context, start: int) -> Iterator[Claim]:
    """The claims from ``start`` on, in text order (no copy of the list: a label may be far from the next)."""
    return (ctx.claims[i] for i in range(bisect_left(ctx.starts, start), len(ctx.claims)))


def claims_between(ctx: Context, start: int, end: int) -> list[Claim]:
    return list(takewhile(lambda c: c.span.start < end, claims_from(ctx, start)))


def word_before(ctx: Context, gap_start: int, label: Label, max_chars: int) -> bool:
    """The text from ``gap_start`` to ``label`` is separators and the label's word alone."""
    word = SEPARATORS.sub(" ", ctx.text[gap_start:label.start]).strip()
    return 0 < len(word) <= max_chars and " " not in word and not any(ch.isdigit() for ch in word)


def groups(ctx: Context, found: list[Label], max_chars: int) -> Iterator[tuple[list[Label], dict[int, Claim]]]:
    """Runs of labels with nothing between two but the first one's own figure and the next one's
    word; with the figures so given, by place in the run."""
    run: list[Label] = []
    own: dict[int, Claim] = {}
    for label in found:
        if run:
            prev = run[-1]
            between = claims_between(ctx, prev.end, label.start)
            figure = between[0] if len(between) == 1 and LEAD.fullmatch(
                ctx.text[prev.end:between[0].span.start]) else None
            if (figure is not None or not between) \
                    and word_before(ctx, figure.span.end if figure else prev.end, label, max_chars):
                if figure is not None:
                    own[len(run) - 1] = figure
                run.append(label)
                continue
            yield run, own
        run, own = [label], {}
    if run:
        yield run, own


def row_after(ctx: Context, end: int, max_chars: int) -> list[Claim]:
    """The figures right after ``end`` (a short row label before them allowed) with nothing but
    separators between them."""
    following = claims_from(ctx, end)
    first = next(following, None)
    if first is None:
        return []
    lead = SEPARATORS.sub("", ctx.text[end:first.span.start])
    if len(lead) > max_chars or any(ch.isdigit() for ch in lead):
        return []
    row = [first]
    for claim in following:
        if claim.span.start < row[-1].span.end or not SEPARATORS.fullmatch(ctx.text[row[-1].span.end:claim.span.start]):
            break
        row.append(claim)
    return row


def bind(columns: list[Label], own: dict[int, Claim], row: list[Claim]) -> dict[int, Claim] | None:
    """Each column's figure, when the row fills the columns left without one, or all of them."""
    empty = [i for i in range(len(columns)) if i not in own]
    if len(row) == len(empty):
        return {**own, **dict(zip(empty, row, strict=True))}
    if len(row) == len(columns):
        full = dict(enumerate(row))
        if all(own[i].quantity.value == full[i].quantity.value for i in own):
            full.update(own)  # the column's own figure, the same as the row's
        return full
    return None


def is_rate(claim: Claim) -> bool:
    return claim.quantity.unit == "%"


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["ratios"].get("lettered_columns", {})
    letters, rates = spec.get("letters", ""), spec.get("rates", {})
    if not letters or not rates:
        return
    found = labels(ctx, letters)
    if not any(label.formula[0] for label in found):
        return
    for columns, own in groups(ctx, found, spec.get("label_chars", 12)):
        formulas = [i for i, c in enumerate(columns) if not c.letter]
        operands = [c.letter for c in columns if c.letter]
        if len(formulas) != 1 or len(set(operands)) != len(operands):
            continue
        rate_column = columns[formulas[0]]
        numerator, denominator = rate_column.formula
        if numerator == denominator or numerator not in operands or denominator not in operands:
            continue
        word = next((w for w in sorted(rates, key=len, reverse=True)
                     if ctx.text.endswith(w, 0, rate_column.start)), None)
        if word is None:
            continue
        bound = bind(columns, own, row_after(ctx, columns[-1].end, spec.get("row_label_chars", 16)))
        if bound is None or len(bound) != len(columns):
            continue
        figures = list(bound.values())
        if sum(map(is_rate, figures)) != 1 or not is_rate(bound[formulas[0]]) \
                or any(f.quantity.comparator != "=" for f in figures):
            continue
        by_letter = {c.letter: bound[i] for i, c in enumerate(columns) if c.letter}
        top, bottom = by_letter[numerator], by_letter[denominator]
        units = {top.quantity.unit, bottom.quantity.unit}
        if len(units - {""}) > 1 or "" in units and len(units) > 1 and units - {""} != {ctx.money_unit}:
            continue  # 元 over 万元 (the unit checks' case); a bare number is read in the report's unit only
        yield ctx.constraint("ratio", rates[word], [bound[formulas[0]], top, bottom], "table", denominators=1,
                             as_written=True, word=word)
