"""A row of a table whose empty cells were lost (auditor/linking/column_groups.py): its figures are
placed in the columns in their order, every way they fit (whole numbers under a count column); the
row is consistent when one placement makes every relation hold whose total and at least one part
are written, a period's tiers (1类, 2类) never under a blank total of theirs. When none does, the
placement breaking the fewest relations names the break."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.intervals import Interval
from auditor.model import Claim, Constraint

ZERO = Interval(Decimal(0), Decimal(0))
BUDGET = 50_000  # cells tried per row: a wider row with more cells lost is left unread, not searched for long


def _whole(claim: Claim) -> bool:
    q = claim.quantity
    return q.decimals == 0 and q.value == q.value.to_integral_value()


def _state(relation: list[int], placed: list[Claim | None], bounded: bool = False, split: bool = False) -> bool | None:
    """Whether the relation holds in a placement; None when its total or all its parts are blank.
    ``bounded``: the total lies between its largest part and the parts' sum. ``split``: the parts
    are the tiers of the total (1类, 2类), written only beside it: tiers under a blank total break."""
    total, *parts = (placed[i] for i in relation)
    written_parts = [p for p in parts if p is not None]
    if split and total is None and written_parts:
        return False
    if total is None or not written_parts:
        return None
    added = ZERO
    for part in written_parts:
        added = added + interval(part)
    whole = interval(total)
    if bounded:
        return whole.lo <= added.hi and all(whole.hi >= interval(p).lo for p in written_parts)
    return whole.meets(added)


def best_placements(sequence: list[Claim | None], width: int, relations: list[list[int]],
                    counts: set[int], bounded: frozenset[int] = frozenset(),
                    split: frozenset[int] = frozenset()) -> tuple[int, list[list[Claim | None]]]:
    """The fewest relations any placement breaks and, among the placements breaking that few, those
    checking the most relations (the fullest readings; 0 breaks: the row can be read consistently,
    the search stops at the first such placement). (0, []) when the search runs over its budget.
    ``bounded``: the relations (by index) whose total lies between its largest part and their sum;
    ``split``: those whose parts are the tiers of their total (written only beside it)."""
    closing: dict[int, list[tuple[list[int], bool, bool]]] = {}
    for k, relation in enumerate(relations):
        closing.setdefault(max(relation), []).append((relation, k in bounded, k in split))
    best = [len(relations) + 1, -1]  # breaks, relations checked
    found: list[list[Claim | None]] = []
    placed: list[Claim | None] = [None] * width
    tried = [0]

    def walk(col: int, i: int, broken: int, checked: int) -> bool:
        tried[0] += 1
        if tried[0] > BUDGET:
            return True  # unwinds the search; the caller sees the budget spent
        if col == width:
            if (broken, -checked) < (best[0], -best[1]):
                best[:], found[:] = [broken, checked], []
            if len(found) < 64:  # enough to tell whether the fullest readings break the same relations
                found.append(list(placed))
            return broken == 0
        options = []
        if i < len(sequence):
            figure = sequence[i]
            if figure is None or col not in counts or _whole(figure):
                options.append((figure, i + 1))
        if width - col > len(sequence) - i:
            options.append((None, i))
        for figure, nxt in options:
            placed[col] = figure
            states = [_state(r, placed, b, t) for r, b, t in closing.get(col, ())]
            here = broken + states.count(False)
            if here <= best[0] and walk(col + 1, nxt, here, checked + len(states) - states.count(None)):
                return True
        placed[col] = None
        return False

    walk(0, 0, 0, 0)
    return (0, []) if tried[0] > BUDGET else (best[0], found)


@check("column_groups")
def row_placements(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    p = constraint.params
    sequence = [ctx.by_id[i] if i is not None else None for i in p["sequence"]]
    names = p["names"]
    bounded, split = frozenset(p.get("bounded", ())), frozenset(p.get("split", ()))
    cost, placements = best_placements(sequence, len(names), p["relations"], set(p["counts"]), bounded, split)
    if cost == 0 or not placements or cost > len(p["relations"]):
        return None
    broken = [[r for k, r in enumerate(p["relations"]) if _state(r, placed, k in bounded, k in split) is False]
              for placed in placements]
    breaks = {tuple((i, id(placed[i])) for i in r) for placed, rs in zip(placements, broken) for r in rs}
    # the break named is a sum that fails, not tiers under a blank total (no figure to compare)
    named = [(placed, r) for placed, rs in zip(placements, broken) for r in rs if placed[r[0]] is not None]
    if not named:
        return None
    placed, relation = named[0]
    # balanced by a reading with tiers under a blank total: unlikely, but another reading
    uncertain = len(breaks) > cost or bool(split) and best_placements(
        sequence, len(names), p["relations"], set(p["counts"]), bounded)[0] == 0
    total, parts = placed[relation[0]], [(i, placed[i]) for i in relation[1:] if placed[i] is not None]
    added = sum((c.quantity.base_value for _, c in parts), Decimal(0))
    expected, difference = in_unit(added, total), in_unit(abs(added - total.quantity.base_value), total)
    show = written
    if relation[0] in p["counts"]:  # persons under the table's 单位：万元: the figures as written
        plain = sum((c.quantity.value for _, c in parts), Decimal(0))
        expected, difference = f"{plain:f}", f"{abs(plain - total.quantity.value):f}"
        show = lambda claim: claim.text  # noqa: E731
    formula = " + ".join(f"{names[i]} {show(c)}" for i, c in parts) + f" = {expected}"
    claims = [total, *(c for _, c in parts), *(c for c in sequence if c is not None)]
    return finding(ctx, constraint, claims, stated=show(total), expected=expected,
                   subject=names[relation[0]], formula=formula, uncertain=uncertain, difference=difference)


def _adds_up(total: Claim, parts: list[Claim]) -> bool:
    """The parts can add up to the total as written (a figure under no column takes the column's
    unit, so the figures add as they stand)."""
    low = sum((p.quantity.low for p in parts), Decimal(0))
    high = sum((p.quantity.high for p in parts), Decimal(0))
    return low <= total.quantity.high and total.quantity.low <= high


@check("placed_readings")
def placed_readings(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A table whose rows lost cells read every way its figures fit the total row's columns
    (auditor/linking/placed_totals.py): when each reading leaves a column not adding up, the table
    is wrong though which column is not certain; the first reading's break is named."""
    readings = constraint.params["readings"]
    failing = []
    for reading in readings:
        bad = [column for column in reading
               if not _adds_up(ctx.by_id[column[0]], [ctx.by_id[i] for i in column[1:]])]
        if not bad:
            return None
        failing.append(bad)
    total, *parts = (ctx.by_id[i] for i in failing[0][0])
    added = sum((p.quantity.value for p in parts), Decimal(0))
    factor = total.quantity.factor or Decimal(1)
    formula = " + ".join(written(p) for p in parts) + f" = {in_unit(added * factor, total)}"
    # the other readings' broken totals, and the figures the readings place differently
    others = [ctx.by_id[column[0]] for bad in failing for column in bad]
    others += [ctx.by_id[i] for i in constraint.params["moved"]]
    subject = f"{total.subject or '合计'}（各行数字有{len(readings)}种列对应方式，每种都有列不符，此为其一）"
    return finding(ctx, constraint, [total, *parts, *others], stated=written(total), expected=in_unit(added * factor, total),
                   subject=subject, formula=formula, uncertain=True,
                   difference=in_unit(abs(added - total.quantity.value) * factor, total))
