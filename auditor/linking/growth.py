"""Growth statements: this year's amount, last year's, the change and the rate, recomputed from
whichever of them one sentence states (RAT005).

    非税收入完成8640万元，同比增加960万元，增长12.5%       current, change, rate: 960/(8640 − 960)
    较上年12800万元，增收1664万元，增幅13%                base, change, rate: 1664/12800
    支出432.6万元，2023年为400.0万元，同比增长8.15%       current, base (a year earlier), rate

Each figure's part is read from the words right before it (rules/ratios.yaml ``growth``): a change
amount follows 增加/减少/增收…, a base follows 较/比/同比 with no change word between, a rate follows
增长/增幅/下降…. A change amount is never a base and never summed with this year's amounts. This
year's amount is the one plain amount before the comparison; when two could be it, none is taken,
but for a whole and the one part a 其中 clause names right before the comparison: the part.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.model import Claim, Constraint, Span

AMOUNTS = ("money", "people", "count")
MAGNITUDES = ("万", "亿")  # 增收3,815万: a bare magnitude, an amount in its partners' unit
SEPARATORS = re.compile(r"[，,、：:（(）)]")
FULL_STOPS = "。；;！？!?"
CLOSING = FULL_STOPS + "：:"
LIST_OPENING = re.compile(r"^(?:其中|包括)")
MAX_READINGS = 4
MAX_JOINT_NAME = 4  # 收支: a subject joined of this many characters at most, one per amount
MIN_NAME = 3  # a subject this long or longer is looked for across its paragraph  # more amounts than this before a comparison: no telling which it compares
WRAPPED_LINE = 10  # a line this long that ends mid-sentence was wrapped, not ended
COMPARISON_OPENERS = ("与", "與", "同", "和", "跟")  # 与2021年初预算比较: no subject, the other side
OPENER_OF_PERIOD = re.compile(r"[与與同和跟](?=\d{4}|上年|去年|上一年|年初|同期)")
SUBJECT_SEPARATORS = re.compile(r"[，,：:（(）)]")
NOT_SUBJECT = re.compile(r"^(?:其中|包括|另|\d+[.、．]|[（(]?\d+[）)]|[①-⑩])*|(?:\d{4}年度?|本年度?|当年|今年|全年|年度|经比较)")
SHORT_BRACKETS = re.compile(r"(?<=[\u4e00-\u9fff])[（(][^（()）\d一二三四五六七八九十]{1,3}[）)](?=[\u4e00-\u9fff])")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:[、．]|\.(?!\d))|第[一二三四五六七八九十\d]+)")


@dataclass(frozen=True)
class Vocabulary:
    compare: tuple[str, ...]
    not_compare: tuple[str, ...]
    previous: tuple[str, ...]
    changes: tuple[tuple[str, int], ...]  # (word, +1 increase / −1 decrease), longest first
    rates: tuple[tuple[str, int], ...]
    fillers: tuple[str, ...]
    not_rate: tuple[str, ...]
    qualifiers: tuple[str, ...] = ()  # 同口径比…: words of the comparison, not of its subject

    @classmethod
    def of(cls, ctx: Context) -> Vocabulary:
        words = ctx.rules["ratios"].get("growth", {})

        def signed(up: str, down: str) -> tuple[tuple[str, int], ...]:
            pairs = [(w, 1) for w in words.get(up, ())] + [(w, -1) for w in words.get(down, ())]
            return tuple(sorted(pairs, key=lambda p: -len(p[0])))

        return cls(tuple(words.get("compare_cues", ())), tuple(words.get("not_compare", ())),
                   tuple(words.get("previous_period", ())),
                   signed("increase_change", "decrease_change"), signed("increase_rate", "decrease_rate"),
                   tuple(sorted(words.get("fillers", ()), key=len, reverse=True)), tuple(words.get("not_rate", ())),
                   tuple(words.get("comparison_qualifiers", ())))

    def ending(self, lead: str, words: tuple[tuple[str, int], ...]) -> tuple[str, int] | None:
        """The signed word ``lead`` ends with, fillers (了, 为…) after it allowed."""
        suffixes = self._suffixes.get(id(words)) or tuple(word for word, _ in words)
        for _ in range(2):
            if lead.endswith(suffixes):  # one test for all the words; most leads end with none
                for word, sign in words:
                    if lead.endswith(word):
                        return word, sign
            if not lead.endswith(self.fillers):
                return None
            filler = next(f for f in self.fillers if lead.endswith(f))
            lead = lead[: -len(filler)]
        return None

    @cached_property
    def _suffixes(self) -> dict[int, tuple[str, ...]]:
        return {id(words): tuple(word for word, _ in words) for words in (self.changes, self.rates)}

    def strip_fillers(self, lead: str) -> str:
        if not lead.endswith(self.fillers):
            return lead
        filler = next(f for f in self.fillers if lead.endswith(f))
        return lead[: len(lead) - len(filler)]

    def masked(self, text: str) -> str:
        """``text`` with the words where 比 is no comparison (比重, 比较…) blanked, same length."""
        for word in self.not_compare:
            text = text.replace(word, "　" * len(word))
        return text

    def compares(self, segment: str) -> bool:
        """较上年 / 比上年同期 / 较2024年的 in ``segment`` with no change word after the cue."""
        segment = self.masked(segment)
        positions = [segment.rfind(cue) for cue in self.compare if cue in segment]
        if not positions:
            return False
        after = segment[max(positions):]
        return not any(word in after for word, _ in self.changes + self.rates)


@dataclass(frozen=True)
class Part:
    claim: Claim
    kind: str  # rate, change, base, plain, other
    sign: int = 0
    word: str = ""
    lead: str = ""


def dimension(claim: Claim) -> str:
    q = claim.quantity
    if q.dimension in AMOUNTS:
        return q.dimension
    return "magnitude" if not q.dimension and q.unit in MAGNITUDES else ""


def compatible(a: Claim, b: Claim) -> bool:
    da, db = dimension(a), dimension(b)
    return bool(da and db) and (da == db or "magnitude" in (da, db))


def classify(ctx: Context, vocabulary: Vocabulary, claims: list[Claim], start: int) -> list[Part]:
    parts = []
    previous_end = start
    for claim in claims:
        lead = squash(ctx.text[previous_end:claim.span.start])
        previous_end = claim.span.end
        q = claim.quantity
        if q.dimension == "percent":
            after = squash(ctx.text[claim.span.end:claim.span.end + 6])
            rate = vocabulary.ending(lead, vocabulary.rates)
            if rate and q.comparator == "=" and not after.startswith(("个百分点", "百分点")) \
                    and not any(word in lead for word in vocabulary.not_rate):
                parts.append(Part(claim, "rate", rate[1], rate[0], lead))
            else:
                parts.append(Part(claim, "other", lead=lead))
            continue
        if not dimension(claim) or q.comparator != "=":
            parts.append(Part(claim, "other", lead=lead))
            continue
        change = vocabulary.ending(lead, vocabulary.changes)
        segment = vocabulary.strip_fillers(SEPARATORS.split(lead)[-1])
        if change:
            parts.append(Part(claim, "change", change[1], change[0], lead))
        elif vocabulary.compares(segment) or segment in vocabulary.previous:
            parts.append(Part(claim, "base", lead=lead))
        else:
            parts.append(Part(claim, "plain", lead=lead))
    for n, (part, following) in enumerate(zip(parts, parts[1:])):
        if part.kind == "plain" and following.claim.quantity.dimension == "percent" and following.lead == "的" \
                and any(word in part.lead for word in vocabulary.not_rate):
            parts[n] = Part(part.claim, "other", lead=part.lead)  # 占年度预算18650万元的103.2%: a share's total
    return parts


def same_amount(claims: list[Claim]) -> bool:
    return len({c.quantity.base_value for c in claims}) == 1


def dated_pair(vocabulary: Vocabulary, candidates: list[Part]) -> tuple[Claim, Claim] | None:
    """2024年…586.2万元，2023年为541.9万元: two amounts a year apart, this year's and last year's,
    the second naming no other subject than the first."""
    if len(candidates) != 2:
        return None
    (a, first), (b, second) = ((p.claim, p.lead) for p in candidates)
    other = NOT_SUBJECT.sub("", vocabulary.strip_fillers(SEPARATORS.split(second)[-1]))
    if a.year is not None and b.year is not None and abs(a.year - b.year) == 1 and compatible(a, b) \
            and written_in(other, first):
        return (a, b) if a.year > b.year else (b, a)
    return None


def listed_part(parts: list[Part], candidates: list[Part], start: int) -> Part | None:
    """总收入X万元，其中本年收入Y万元，较上年减少…: the one part a 其中 clause names, when the
    comparison's clause follows it right away, compares that part (the nearest amount its clause
    follows), not the whole before it."""
    last = candidates[-1]
    clauses = SEPARATORS.split(last.lead)
    if len(clauses) < 2 or not LIST_OPENING.match(clauses[-1]) or parts[start - 1] is not last:
        return None
    return last if SEPARATORS.match(parts[start].lead) else None


def lone_amount(ctx: Context, sentence: Span, named: str) -> Claim | None:
    """This year's amount for a sentence that opens with its comparison: the sentence before's one
    amount (or its amounts, all equal: 收入总计A万元，支出总计A万元。收支较上年…), when the subject
    the comparison names, if any, is written in their words; else the one amount whose own words
    hold the subject named."""
    if sentence.start < 2 or ctx.text[sentence.start - 1] not in FULL_STOPS:
        return None  # a paragraph's first sentence compares nothing before it
    if LIST_OPENING.match(squash(ctx.text[sentence.start:sentence.end])):
        return None  # 其中A较上年减少…: a part of the amount before, not that amount
    before = sentence_around(ctx, sentence.start - 2)
    claims = ctx.claims_in(before)
    amounts = [c for c in claims if dimension(c)]
    if not amounts or any(c.quantity.dimension == "percent" for c in claims):
        return None
    if same_amount(amounts):
        return amounts[-1] if written_in(named, squash(ctx.text[before.start:amounts[-1].span.start])) else None
    # 街道本级“三公”经费决算6.8万元，因公出国费0万元…。经比较，街道本级“三公”经费较上年…: the one named so
    leads = [squash(ctx.text[(claims[n - 1].span.end if n else before.start):c.span.start]) for n, c in enumerate(claims)]
    named_so = [c for c, lead in zip(claims, leads) if dimension(c) and len(named) >= 2 and named in lead]
    return named_so[0] if len(named_so) == 1 else None


def joint_amounts(ctx: Context, sentence: Span, named: str) -> list[Claim]:
    """The amounts a comparison of a joint subject compares, each on its own: 收入总计A万元，支出总计B万元。
    收支较上年增加…: the sentence before's amounts when each one's words name a part of the subject
    (收, 支), one amount a part, and none names it whole. Paired by their names, not by A and B being
    equal, so that an A unlike B breaks the rate for one of them instead of leaving both unread."""
    if not 2 <= len(named) <= MAX_JOINT_NAME or sentence.start < 2 or ctx.text[sentence.start - 1] not in FULL_STOPS:
        return []
    before = sentence_around(ctx, sentence.start - 2)
    claims = ctx.claims_in(before)
    if len(claims) != len(named) or not all(dimension(c) for c in claims):
        return []  # one amount per part of the subject (收入总计A，其中本年收入B，支出总计C: no telling)
    leads = [squash(ctx.text[(claims[n - 1].span.end if n else before.start):c.span.start]) for n, c in enumerate(claims)]
    named_by = [{ch for ch in named if ch in lead} for lead in leads]
    if any(not chars or chars == set(named) for chars in named_by) or set().union(*named_by) != set(named) \
            or sum(len(chars) for chars in named_by) != len(named):  # each part named by one amount only
        return []
    return claims


def wrapped(ctx: Context, newline: int) -> bool:
    """A line break inside a sentence: the line runs on (no closing mark) into a line of text."""
    text = ctx.text
    line_start = text.rfind("\n", 0, newline) + 1
    line = squash(text[line_start:newline])
    next_end = text.find("\n", newline + 1)
    following = text[newline + 1:next_end if next_end >= 0 else len(text)]
    return (len(line) >= WRAPPED_LINE and line[-1] not in CLOSING and bool(squash(following))
            and not any(mark in line + following for mark in ("\t", "|")) and not HEADING.match(following.strip()))


def sentence_around(ctx: Context, pos: int) -> Span:
    """The sentence around ``pos``, across the line breaks of a hard-wrapped paragraph."""
    text = ctx.text
    start = pos  # from end mark to end mark (bisected in the context's list of them), over wrapped lines
    while start > 0:
        mark = ctx.sentence(start, SENTENCE_ENDS).start - 1  # the last end mark before start, -1 if none
        if mark < 0 or text[mark] != "\n" or not wrapped(ctx, mark):
            start = mark + 1
            break
        start = mark
    end = pos
    while end < len(text):
        end = ctx.sentence(end, SENTENCE_ENDS).end - 1  # the first end mark at or after end, if any
        if text[end] not in SENTENCE_ENDS:
            end = len(text)
        elif text[end] != "\n" or not wrapped(ctx, end):
            break
        else:
            end += 1
    return Span(start, min(len(text), end + 1))


def without_brackets(text: str) -> str:
    """因公出国(境)费 as 因公出国费: a short bracketed word inside a name dropped (not a number: (1))."""
    return SHORT_BRACKETS.sub("", text)


def subject_named(vocabulary: Vocabulary, lead: str) -> str:
    """The subject a comparison names before its cue (其中税收收入较上年增加…: 税收收入)."""
    lead = without_brackets(lead)
    cues = [vocabulary.masked(lead).find(c) for c in vocabulary.compare if c in vocabulary.masked(lead)]
    if cues:
        lead = lead[:min(cues)]
        opener = [m.start() for m in OPENER_OF_PERIOD.finditer(lead)]
        if opener and opener[-1] > 0:
            lead = lead[:opener[-1]]  # 收、支与2022年比较: the subject is what comes before 与
    else:
        for _ in range(2):  # 税收收入增长…: before the word (and its fillers)
            lead = vocabulary.strip_fillers(lead)
            word = next((w for w, _ in vocabulary.changes + vocabulary.rates if lead.endswith(w)), "")
            lead = lead[: len(lead) - len(word)]
    lead = SUBJECT_SEPARATORS.split(lead)[-1].replace("、", "")  # 收、支: both subjects
    if lead.startswith(COMPARISON_OPENERS) or vocabulary.strip_fillers(lead) in vocabulary.previous:
        return ""  # 与2021年初预算比较, 上年同期: the other side of the comparison, no subject
    for word in vocabulary.qualifiers:
        lead = lead.removesuffix(word)
    return NOT_SUBJECT.sub("", lead)


def written_in(named: str, words: str) -> bool:
    """Every character of the subject ``named`` appears in ``words`` (收支 in 收入总计…支出总计)."""
    return all(ch in words for ch in named)


def this_years(ctx: Context, vocabulary: Vocabulary, parts: list[Part], start: int, group_end: int,
               operands: list[Claim], shared: Claim | None, sentence: Span,
               carried: Claim | None = None) -> tuple[Claim | None, Claim | None]:
    """(this year's amount, last year's when two dated amounts give it) for the group at ``start``.
    ``carried``: the amount the clause before a ； compared (…下降0.6%；较年初预算减少…: the same one)."""
    candidates = [p for p in outside_brackets(parts[group_end + 1:start + 1]) if p.kind == "plain"
                  and all(compatible(p.claim, o) for o in operands)]
    plain = [p.claim for p in candidates]
    # 收入A万元，其中税收收入较上年增加…: a comparison naming its own subject compares that one
    named = subject_named(vocabulary, parts[start].lead)
    if len(plain) == 1 or (plain and same_amount(plain)):
        return (plain[-1] if written_in(named, "".join(p.lead for p in candidates)) else None), None
    if len(plain) > 1:
        pair = dated_pair(vocabulary, candidates) if not operands else None
        part = listed_part(parts, candidates, start)
        if pair is None and part is not None and written_in(named, part.lead):
            return part.claim, None
        return pair or (None, None)
    if not any(cue in vocabulary.masked(parts[start].lead) for cue in vocabulary.compare):
        return None, None
    if group_end >= 0:
        # 支出9.07万元，较年初预算减少…，较上年减少0.38万元: the same amount compared twice
        return (shared if not named else None), None
    if start == 0 and carried is not None and not named:
        return carried, None
    return (lone_amount(ctx, sentence, named) if start == 0 else None), None


def outside_brackets(parts: list[Part]) -> list[Part]:
    """The parts before a comparison (the last of ``parts``) less those in a bracket closed before it:
    公车购置及运行费995万元（其中购置费38万元，运行费958万元），比上年下降26.24% compares the amount
    the bracket details, not its parts."""
    depth, outside = 0, []
    for part in parts:
        depth = max(0, depth + sum(part.lead.count(c) for c in "（(") - sum(part.lead.count(c) for c in "）)"))
        if depth == 0:
            outside.append(part)
    return outside[:-1] if outside and outside[-1] is parts[-1] else parts[:-1]


def possible_currents(ctx: Context, vocabulary: Vocabulary, parts: list[Part], start: int, group_end: int,
                      operands: list[Claim], sentence: Span) -> list[Claim]:
    """The amounts this year's could be when no one of them is it: the plain amounts before the
    comparison in its sentence, or, when the sentence opens with it, those of the sentence before
    (收入总计1475万元。其中…。同比减少212万元). Those the named subject is written in, if any are.
    The rate holds when it agrees with one of them, so more of them never raise an alarm."""
    if not operands:
        return []
    named = subject_named(vocabulary, parts[start].lead)
    candidates = [p for p in parts[:start] if p.kind == "plain"] if group_end < 0 else []
    before = sentence
    # a comparison in a sentence opening with 其中 is of a part: the amount before is its whole
    part_of_before = bool(LIST_OPENING.match(squash(ctx.text[sentence.start:sentence.end])))
    while group_end < 0 and not part_of_before \
            and (before is sentence or LIST_OPENING.match(squash(ctx.text[before.start:before.end]))):
        # the sentence before; and the one before it when it lists parts (其中…): their total is one
        if start > 0 or before.start < 2 or ctx.text[before.start - 1] not in FULL_STOPS:
            break
        before = sentence_around(ctx, before.start - 2)
        candidates = [p for p in classify(ctx, vocabulary, ctx.claims_in(before), before.start)
                      if p.kind == "plain" and p.claim.block == parts[start].claim.block] + candidates
    candidates = [p for p in candidates if all(compatible(p.claim, o) for o in operands)]
    if named:
        candidates = [p for p in candidates if written_in(named, p.lead)]
    if not candidates and len(named) >= MIN_NAME:
        # （1）财政拨款收入较上年减少…: the one amount its paragraph names so, wherever in it
        named_so = [p.claim for p in named_in_paragraph(ctx, vocabulary, parts[start].claim.block)
                    if named in without_brackets(p.lead) and all(compatible(p.claim, o) for o in operands)]
        return named_so[:1] if len({c.quantity.base_value for c in named_so}) == 1 else []
    values = {p.claim.quantity.base_value for p in candidates}
    if named and len(values) == 1:
        return [candidates[-1].claim]  # the one amount named so
    return [p.claim for p in candidates] if 2 <= len(values) <= MAX_READINGS else []


def named_in_paragraph(ctx: Context, vocabulary: Vocabulary, block: int) -> list[Part]:
    """The plain amounts of a paragraph, each with the words of its own clause before it (read once
    per paragraph)."""
    cache = ctx.once("plain_amounts", lambda _: {})
    if block not in cache:
        cache[block] = _plain_amounts(ctx, vocabulary, block)
    return cache[block]


def _plain_amounts(ctx: Context, vocabulary: Vocabulary, block: int) -> list[Part]:
    out: list[Part] = []
    claims = [c for c in ctx.in_block[block] if c.cell is None]
    done = -1
    for claim in claims:
        if claim.span.start < done:
            continue
        sentence = sentence_around(ctx, claim.span.start)
        done = sentence.end
        out += [p for p in classify(ctx, vocabulary, ctx.claims_in(sentence), sentence.start) if p.kind == "plain"]
    return out


def sentence_groups(ctx: Context, vocabulary: Vocabulary, sentence: Span,
                    carried: list[Claim | None] | None = None) -> Iterator[Constraint]:
    """The growth groups of one sentence. ``carried`` holds the amount the clause before compared
    when a ； joins them, and on return the amount this sentence compared last."""
    carried = carried if carried is not None else [None]
    parts = classify(ctx, vocabulary, ctx.claims_in(sentence), sentence.start)
    kinds = [p.kind for p in parts]
    group_end, shared = -1, None
    for i, part in enumerate(parts):
        if part.kind == "rate":
            rate = part
            change = None
            if i - 1 > group_end and kinds[i - 1] == "change":
                change = i - 1
            elif i + 1 < len(parts) and kinds[i + 1] == "change" and not (i + 2 < len(parts) and kinds[i + 2] == "rate"):
                change = i + 1  # 增长9.3%，增收3,815万元
        elif part.kind == "change" and i > group_end and not (i + 1 < len(parts) and kinds[i + 1] == "rate"):
            rate, change = None, i  # 比上年962.40万元增加了73.15万元: the sum alone
        else:
            continue
        first = min(j for j in (i, change) if j is not None)
        base = first - 1 if first - 1 > group_end and kinds[first - 1] == "base" else None
        start = base if base is not None else first
        operands = [parts[j].claim for j in (change, base) if j is not None]
        current, previous = this_years(ctx, vocabulary, parts, start, group_end, operands, shared, sentence,
                                       carried[0])
        joint = joint_amounts(ctx, sentence, subject_named(vocabulary, parts[start].lead)) \
            if rate is not None and start == 0 and base is None and group_end < 0 else []
        if len(joint) >= 2 and all(compatible(c, o) for c in joint for o in operands):
            for amount in joint:  # the same change and rate for each amount of the joint subject
                yield ctx.constraint("growth", "RAT005", [rate.claim, amount, *operands], "narrative",
                                     current=amount.id, previous=None,
                                     change=parts[change].claim.id if change is not None else None,
                                     current_readings=[], rate_sign=rate.sign,
                                     change_sign=parts[change].sign if change is not None else 0, word=rate.word,
                                     joint=True)
            group_end, shared = max(j for j in (i, change) if j is not None), joint[-1]
            continue
        group_end_before = group_end
        if current is not None and not all(compatible(current, o) for o in operands):
            current = None
        group_end, shared = max(j for j in (i, change) if j is not None), current
        if base is not None:
            previous = parts[base].claim
        change_claim = parts[change].claim if change is not None else None
        known = [c for c in (current, previous, change_claim) if c is not None]
        change_sign = parts[change].sign if change is not None else 0
        readings = possible_currents(ctx, vocabulary, parts, start, group_end_before, operands, sentence) \
            if current is None and previous is None and change_claim is not None else []
        if len(readings) == 1:  # the one amount named so: this year's, no reading among others
            current, readings = readings[0], []
            known = [current, *known]
        if rate is not None and current is not None and len(known) == 1:
            # 三公经费486万元，比上年下降2.6%: nothing to recompute, but change_identities reads it
            ctx.once("growth_rates", lambda _: []).append((current.id, rate.claim.id, rate.sign))
        if rate is not None and known == [change_claim] and change_claim is not None and not readings:
            # 购置费减少334万元，下降90%: this year's amount only implied (implied_currents reads it)
            ctx.once("growth_changes", lambda _: []).append((change_claim.id, rate.claim.id, change_sign))
        if rate is not None and (len(known) >= 2 or readings):
            yield ctx.constraint("growth", "RAT005", [rate.claim, *known, *readings], "narrative",
                                 current=current.id if current else None, previous=previous.id if previous else None,
                                 change=change_claim.id if change_claim else None,
                                 current_readings=[c.id for c in readings],
                                 rate_sign=rate.sign, change_sign=change_sign, word=rate.word)
        if len(known) == 3 and change_claim is not None:
            # 上年 ± 增减 = 本年: a wrong change amount is this sum's finding
            whole, others = (previous, [current, change_claim]) if change_sign < 0 else (current, [previous, change_claim])
            yield ctx.constraint("sum", "RAT005", [whole, *others], "narrative", relation="=")
    carried[0] = shared


def find(ctx: Context) -> Iterator[Constraint]:
    yield from constraints_of(ctx)


def constraints_of(ctx: Context) -> list[Constraint]:
    """The growth constraints of ``ctx``, found once (change_identities reads which change is whose)."""
    return ctx.once("growth", lambda c: list(_find(c)))


def rates_alone(ctx: Context) -> list[tuple[int, int, int]]:
    """(this year's amount, its rate, +1 / −1) of the rates stated with no other operand."""
    constraints_of(ctx)
    return ctx.once("growth_rates", lambda _: [])


def changes_alone(ctx: Context) -> list[tuple[int, int, int]]:
    """(a change, its rate, +1 / −1) stated with no amount of either year."""
    constraints_of(ctx)
    return ctx.once("growth_changes", lambda _: [])


def _find(ctx: Context) -> Iterator[Constraint]:
    vocabulary = Vocabulary.of(ctx)
    done = 0  # claims come in text order: each sentence is read once
    compared: list[Claim | None] = [None]
    for claim in ctx.narrative:
        if claim.span.start < done:
            continue
        sentence = sentence_around(ctx, claim.span.start)
        joined = sentence.start == done and sentence.start > 0 and ctx.text[sentence.start - 1] in "；;"
        compared = compared if joined else [None]
        done = sentence.end
        yield from sentence_groups(ctx, vocabulary, sentence, compared)
