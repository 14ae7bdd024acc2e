"""Mutants of hand-checked relations: does the auditor notice when a consistent figure changes?

For a hold of the gold (a relation checked by hand and found consistent), one figure inside its
quotes gets another leading digit; the relation is now broken. The mutated text is audited again
and the mutant is *killed* when a finding's evidence overlaps the changed figure, with a code that
had no finding on that figure before the change (an alarm already raised on the intact text proves
nothing). A figure is a number that states a quantity: never a year, a date, a list number or a
digit inside a label, an index or a document number. Figures are found here, by their own
patterns, not by the auditor's reader, so that the measure does not move with what it measures.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.model import Finding, Span

SEED = 11
PER_DOCUMENT = 3

NUMBER = re.compile(r"(?<![0-9.,])[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")
# Dates and index numbers: 2022-08-14, 2022.8.14, 2022年9月6日, 00874412-3/20220814-00027; not the
# amount 24817.35 (its last four digits and decimals are no year and month).
DATE = re.compile(r"(?<![0-9.])(?:19|20)[0-9]{2}\s*[-/.年]\s*[0-9]{1,2}(?:\s*[-/.月]\s*[0-9]{1,2}\s*日?)?|[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日")
# List numbering: "1、", "(2)", "3." or "4．" before a word, a bare serial number opening a table row.
LIST_NUMBER = re.compile(r"(?m)(?:^[ \t\u3000\-|*#]*|[（(])[0-9]{1,3}(?=[、.．)）]\D|[、)）]|\s*[|\t])"
                         r"|(?<=[\s，,；;：:。])[0-9]{1,2}(?=[.．][^0-9\s])|(?<=[^0-9])[0-9]{1,2}(?=、)")
# A number naming an item: 指标1：, 指标11:
ITEM_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])[0-9]{1,3}(?=[:：])")
YEAR_LIKE = range(1980, 2040)
NOT_AFTER = "第〔〕[]【】-#№"  # 第3条, 〔2023〕, 〔2018〕220号, index numbers
NOT_BEFORE = "年月日号號届屆条條款版期-#"  # 3年 (a year or a duration), 5月, 12号, 3条
LABEL_LETTER = re.compile(r"[A-Za-z]")
# Row numbers of a statement with a 行次 column (决算总表): a whole number of up to three digits
# alone in the cell after a row's label (一、财政拨款收入 | 1 | 731.46; 八、其他收入 8 11,122.04), not a
# count with its unit (新增设备 15 台). The 行次 header is looked for this far before the number.
ROW_NUMBER_HEADER = "行次"
ROW_NUMBER_REACH = 3000
AFTER_ROW_LABEL = re.compile(r"[\u4e00-\u9fff）)][ \t\u3000|\n]{1,8}$")
CELL_END = re.compile(r"[ \u3000]*(?:[0-9|\t\n]|$)")  # a number, a cell's or the row's end follows


@dataclass(frozen=True)
class Mutant:
    hold: int  # index of the hold in the gold file
    span: Span  # the whole figure
    original: str
    mutated: str

    def apply(self, text: str) -> str:
        """The text with the figure's leading digit changed (same length, so offsets stay)."""
        return text[: self.span.start] + self.mutated + text[self.span.end:]


def figures(text: str, within: Span) -> list[Span]:
    """Spans of the figures whose first digit lies inside ``within``."""
    lo, hi = max(0, within.start - 40), min(len(text), within.end + 40)
    window = text[lo:hi]
    excluded = [Span(lo + m.start(), lo + m.end()) for pattern in (DATE, LIST_NUMBER, ITEM_NUMBER)
                for m in pattern.finditer(window)]
    out = []
    for m in NUMBER.finditer(window):
        span = Span(lo + m.start(), lo + m.end())
        if not within.start <= span.start < within.end or any(span.overlaps(x) for x in excluded):
            continue
        if _is_label_or_year(text, span):
            continue
        out.append(span)
    return out


def _is_label_or_year(text: str, span: Span) -> bool:
    number = text[span.start:span.end]
    before = text[span.start - 1] if span.start else ""
    after = text[span.end] if span.end < len(text) else ""
    if _is_row_number(text, span):
        return True
    if number.isdigit() and int(number[:4]) in YEAR_LIKE and (len(number) == 4 or len(number) >= 6):
        return True  # a year, or a document or index number that starts with one (2021455, 20230529)
    if len(number) > 1 and number[0] == "0" and number[1] != ".":  # index and phone numbers: 01525707
        return True
    if before and (before in NOT_AFTER or LABEL_LETTER.match(before)):
        return True
    return bool(after) and (after in NOT_BEFORE or bool(re.match(r"[A-Z]", after)))


def _is_row_number(text: str, span: Span) -> bool:
    number = text[span.start:span.end]
    if not number.isdigit() or len(number) > 3:
        return False
    return (bool(AFTER_ROW_LABEL.search(text, max(0, span.start - 9), span.start))
            and bool(CELL_END.match(text, span.end))
            and ROW_NUMBER_HEADER in text[max(0, span.start - ROW_NUMBER_REACH):span.start])


def mutants(name: str, text: str, holds: Sequence[Iterable[Span]], per_document: int = PER_DOCUMENT,
            seed: int = SEED) -> list[Mutant]:
    """Up to ``per_document`` mutants, each of one figure of a different hold (``holds``: where
    each hold's quotes occur), chosen by a generator seeded with ``seed`` and the document's
    ``name``, so the same on every run."""
    rng = random.Random(f"{seed}:{name}")
    candidates: list[tuple[int, list[Span]]] = []
    for index, locations in enumerate(holds):
        spans = {s for at in locations for s in figures(text, at)}
        if spans:
            candidates.append((index, sorted(spans, key=lambda s: (s.start, s.end))))
    chosen: list[Mutant] = []
    used: set[Span] = set()
    for index, spans in rng.sample(candidates, len(candidates)):
        free = [s for s in spans if s not in used]
        if not free:
            continue
        span = rng.choice(free)
        used.add(span)
        original = text[span.start:span.end]
        digit = rng.choice([d for d in "123456789" if d != original[0]])
        chosen.append(Mutant(index, span, original, digit + original[1:]))
        if len(chosen) == per_document:
            break
    return chosen


def killed(mutant: Mutant, before: Sequence[Finding], after: Sequence[Finding]) -> list[str]:
    """Codes of the new findings on the changed figure (empty: the mutant survived). A finding is
    new when no finding before had its code and its evidence: the same contradiction restated with
    the changed value is not new, another relation broken by the change (a report's own finding of
    that code already on the figure) is."""
    def on_figure(findings: Sequence[Finding]) -> set[tuple[str, frozenset]]:
        return {(f.code, frozenset((e.span.start, e.span.end) for e in f.evidence)) for f in findings
                if any(e.span.overlaps(mutant.span) for e in f.evidence)}

    return sorted({code for code, _ in on_figure(after) - on_figure(before)})
