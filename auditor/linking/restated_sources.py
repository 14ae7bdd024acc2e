"""One breakdown by fund source restated under other sources (XREF002): 中央下达a万元，省级下达b万元，
地方配套c万元 in one place, 中央资金a万元，地方资金b万元，其他资金c万元 in another. A breakdown is a run
of consecutive narrative money figures of one sentence, each named by one fund source in the words
between it and the figure before (or its clause's start). Two breakdowns of as many figures with
the same values (in the same order, or each value once in any order), in one context (year, label,
list item), restate one breakdown: a figure named by one source in one and by a disjoint source in
the other (地方 and 其他, 中央 and 省级; not 省级 and 地方, which covers it) is one sum under two
sources.

Two figures of which none is precise (four significant digits) and only two in all may agree by
chance, and form nothing. Vocabulary (source classes, the class each lies within, their words) in
rules/subjects.yaml (fund_sources).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import CLAUSE_ENDS, Context
from auditor.linking.restated_pairs import Statements, one_context
from auditor.linking.restated_words import significant_digits
from auditor.model import Claim, Constraint

CLAUSE_SPLIT = re.compile(f"[{re.escape(CLAUSE_ENDS)}]")


class Sources:
    """The source classes, the words naming them, and which class lies within which."""

    def __init__(self, ctx: Context) -> None:
        spec = ctx.rules["subjects"].get("fund_sources", {})
        classes = spec.get("classes", {})
        self.within = {name: c.get("within") for name, c in classes.items()}
        self.words = sorted(((w, name) for name, c in classes.items() for w in c.get("words", ())),
                            key=lambda p: len(p[0]), reverse=True)
        self.not_words = tuple(spec.get("not_a_part", ()))
        self.joiners = tuple(spec.get("joiners", ()))
        self.max_lead = int(spec.get("max_lead_chars", 16))
        self.min_parts = int(spec.get("min_parts", 3))
        self.sure_digits = int(spec.get("sure_digits", 4))

    def lineage(self, name: str) -> list[str]:
        out = [name]
        while self.within.get(out[-1]):
            out.append(self.within[out[-1]])
        return out

    def disjoint(self, a: str, b: str) -> bool:
        return a not in self.lineage(b) and b not in self.lineage(a)

    def of(self, lead: str) -> str | None:
        """The one source the words name (the narrowest, when one lies within the other: 县级配套
        is 县级), None when they name none, two disjoint ones, two joined (省级和地方) or a change."""
        if any(w in lead for w in self.not_words):
            return None
        found: list[str] = []
        places: list[int] = []
        for word, name in self.words:
            if word in lead:
                places.append(lead.find(word))
                lead = lead.replace(word, "\0" * len(word))  # a longer word hides the shorter ones inside it
                found.append(name)
        if not found or any(j in lead[min(places):max(places)] for j in self.joiners):
            return None  # 省级和地方补助: two sources joined, however nested
        narrowest = max(found, key=lambda n: len(self.lineage(n)))
        return narrowest if all(n in self.lineage(narrowest) for n in found) else None


def breakdowns(ctx: Context, sources: Sources) -> list[list[tuple[Claim, str, str]]]:
    """Runs of consecutive narrative money figures of one sentence, each named by one source:
    (figure, source, the words naming it)."""
    runs: list[list[tuple[Claim, str, str]]] = []
    run: list[tuple[Claim, str, str]] = []
    previous: Claim | None = None
    for claim in ctx.narrative:
        sentence = ctx.sentence(claim.span.start)
        source, lead = None, ""
        if claim.quantity.dimension == "money" and claim.quantity.comparator == "=":
            start = max(sentence.start, claim.span.start - sources.max_lead)
            if previous is not None and previous.span.end > start:
                start = previous.span.end
            lead = CLAUSE_SPLIT.split(ctx.text[start:claim.span.start])[-1]  # the words of its own clause
            source = sources.of(lead)
        same_run = bool(run) and run[-1][0].block == claim.block and ctx.sentence(run[-1][0].span.start) == sentence
        if source is None or not same_run:
            if len(run) >= 2:
                runs.append(run)
            run = []
        if source is not None:
            run.append((claim, source, lead.strip()))
        previous = claim
    if len(run) >= 2:
        runs.append(run)
    return runs


def value(claim: Claim) -> object:
    return (claim.quantity.value * claim.quantity.factor).normalize()


def align(first: list, second: list) -> list[tuple] | None:
    """The figures of two breakdowns paired by value: in order when the values are the same in the
    same order, else by value when each value is stated once in each (a, b, c … c, a, b); None
    when the values differ."""
    values = [value(c) for c, *_ in first], [value(c) for c, *_ in second]
    if len(values[0]) != len(values[1]):
        return None
    if values[0] == values[1]:
        return list(zip(first, second, strict=True))
    if len(set(values[0])) != len(values[0]) or set(values[0]) != set(values[1]):
        return None
    by_value = dict(zip(values[1], second, strict=True))
    return [(f, by_value[v]) for f, v in zip(first, values[0], strict=True)]


def find(ctx: Context) -> Iterator[Constraint]:
    sources = Sources(ctx)
    if not sources.words:
        return
    runs = breakdowns(ctx, sources)
    if len(runs) < 2:
        return
    statements = Statements(ctx)
    for i, first in enumerate(runs):
        for second in runs[i + 1:]:
            aligned = align(first, second)
            if aligned is None:
                continue
            claims = [c for c, *_ in first + second]
            if len(first) < sources.min_parts and all(significant_digits(c) < sources.sure_digits for c in claims):
                continue  # 50万元，30万元 here and there may agree by chance
            if not all(statements.stated(c) for c in claims):
                continue
            if not one_context([statements.context(first[0][0]), statements.context(second[0][0])]):
                continue  # two years, two labelled items, or two lines of a numbered list
            for (a, source_a, words_a), (b, source_b, words_b) in aligned:
                if sources.disjoint(source_a, source_b):
                    yield ctx.constraint("source_labels", "XREF002", [a, b], "link",
                                         source=words_a, other_source=words_b)
