"""Figures glued together without a separator (``680661.7252100%10``), bound to a form's columns
only when one reading is certain.

Public functions
----------------
``is_glued(norm: str) -> bool``
    Whether a token is several figures run together (digits, decimal points and percent signs
    only, and no single figure).
``bind_glued(cells, columns, rules, fits) -> list[GridCell] | None``
    The figures of a run of cells (some of them glued) under the columns of a header run, each
    with its column, or None. A glued token is cut into figures every possible way; a cutting
    and an order-keeping binding to the columns are kept when every figure fits its column's
    type (``fits``), the rate column's figure is its numerator column over its denominator
    column within the figures' stated precision (``rate_parts`` in rules/tables.yaml), and no
    score exceeds its column of points. Exactly one survivor is the reading; none or several
    leave the row unlinked: never a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from auditor.ingest.tables import GridCell, TableRules
from auditor.intervals import Interval
from auditor.model import Span

_TOKEN = re.compile(r"[\d.%％]+")
_PIECE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?[%％]?")
_ONE = re.compile(r"[+\-]?\d+(?:\.\d+)?[%％]?")
_MAX_CHARS = 32  # a longer run of digits is no row of a form
_MAX_READINGS = 2000  # cuttings, or readings and bindings, looked at before the row is given up


def is_glued(norm: str) -> bool:
    return len(norm) <= _MAX_CHARS and _TOKEN.fullmatch(norm) is not None and _ONE.fullmatch(norm) is None \
        and norm[0].isdigit()


def _cuttings(norm: str, most: int) -> list[list[tuple[int, int]]] | None:
    """Every way to cut ``norm`` into at most ``most`` figures, as (start, end) offsets; None when
    there are too many to look at."""
    out: list[list[tuple[int, int]]] = []
    steps = 0

    def cut(at: int, pieces: list[tuple[int, int]]) -> bool:
        nonlocal steps
        steps += 1
        if steps > _MAX_READINGS:
            return False
        if at == len(norm):
            out.append(pieces)
            return True
        if len(pieces) == most:
            return True
        for end in range(at + 1, len(norm) + 1):
            if _PIECE.fullmatch(norm, at, end) and (end == len(norm) or norm[end].isdigit()):
                if not cut(end, [*pieces, (at, end)]):
                    return False
        return True

    return out if cut(0, []) else None


def _interval(norm: str) -> Interval | None:
    """A figure's interval from its stated precision; a percentage as a fraction."""
    percent = norm.endswith(("%", "％"))
    try:
        value = Decimal(norm.rstrip("%％"))
    except ArithmeticError:
        return None
    half = Decimal(1).scaleb(value.as_tuple().exponent) / 2
    interval = Interval(value - half, value + half)
    return interval.scale(Decimal("0.01")) if percent else interval


def _column(columns: list[str], words: tuple[str, ...], before: int | None = None) -> int | None:
    """The column nearest left of ``before`` (or the first) whose header holds one of ``words``."""
    found = [c for c, h in enumerate(columns) if any(w in h for w in words) and (before is None or c < before)]
    if not found:
        return None
    return found[-1] if before is not None else found[0]


def _rate_holds(texts: list[str], placed: list[int], columns: list[str], rules: TableRules) -> bool | None:
    """Whether the bound rate is its numerator over its denominator (None: no rate to check)."""
    at = {col: t for t, col in zip(texts, placed)}
    checked = None
    for rate_words, numerator_words, denominator_words in rules.rate_parts:
        rate = _column(columns, (rate_words,))
        numerator = _column(columns, (numerator_words,), rate) if rate is not None else None
        denominator = _column(columns, (denominator_words,), numerator) if numerator is not None else None
        if rate is None or numerator is None or denominator is None:
            continue
        if not all(c in at for c in (rate, numerator, denominator)):
            continue
        stated, over, under = (_interval(at[c]) for c in (rate, numerator, denominator))
        if stated is None or over is None or under is None:
            return False
        if not at[rate].endswith(("%", "％")) and stated.hi > 1:
            stated = stated.scale(Decimal("0.01"))  # 100 under 执行率: a percentage without its sign
        recomputed = over / under
        if recomputed is None or not recomputed.meets(stated):
            return False
        checked = True
    return checked


def _points_hold(texts: list[str], placed: list[int], columns: list[str], rules: TableRules) -> bool:
    """No score above its points (得分 ≤ 分值)."""
    at = {col: t for t, col in zip(texts, placed)}
    points = _column(columns, rules.points_terms)
    if points is None or points not in at:
        return True
    full = _interval(at[points])
    for col, text in at.items():
        if col > points and any(w in columns[col] for w in rules.score_terms):
            score = _interval(text)
            if full is None or score is None or score.lo > full.hi:
                return False
    return True


def bind_glued(cells: list[GridCell], columns: list[str], rules: TableRules,
               fits: Callable[[str, str, TableRules], bool]) -> list[GridCell] | None:
    """The cells (glued ones cut into figures) with their columns, when one reading is certain."""
    options: list[list[list[GridCell]]] = []
    room = len(columns) - len(cells) + 1  # the figures one glued token may hold at most
    for cell in cells:
        norm = "".join(cell.text.split())
        if norm == cell.text and is_glued(norm):
            start = cell.span.start
            cuttings = _cuttings(norm, room)
            if cuttings is None:
                return None
            options.append([[GridCell(norm[a:b], Span(start + a, start + b)) for a, b in cut] for cut in cuttings])
        else:
            options.append([[cell]])
    survivors: list[list[GridCell]] = []
    looked = 0
    for reading in itertools.product(*options):
        figures = [c for part in reading for c in part]
        texts = [c.text for c in figures]
        looked += 1
        if len(figures) > len(columns) or looked > _MAX_READINGS:
            if looked > _MAX_READINGS:
                return None
            continue
        fit = [[fits(t, h, rules) for h in columns] for t in texts]
        for placed in _bindings(fit, len(columns)):
            looked += 1
            if looked > _MAX_READINGS:
                return None
            if _rate_holds(texts, placed, columns, rules) and _points_hold(texts, placed, columns, rules):
                survivors.append([f._replace(col=c) for f, c in zip(figures, placed)])
                if len(survivors) > 1:
                    return None
    return survivors[0] if survivors else None


def _bindings(fit: list[list[bool]], width: int) -> Iterator[list[int]]:
    """Every order-keeping placement of the figures in columns whose type they fit."""
    def place(a: int, b: int, placed: list[int]) -> Iterator[list[int]]:
        if a == len(fit):
            yield placed
            return
        for col in range(b, width - (len(fit) - a) + 1):
            if fit[a][col]:
                yield from place(a + 1, col + 1, [*placed, col])

    yield from place(0, 0, [])
