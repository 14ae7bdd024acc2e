"""Constraints from narrative patterns: 占…% shares (of the lists of ``lists``), execution and
completion rates, section point budgets and scores, full marks next to a shortfall, grade bands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from auditor.linking import earlier_budgets, share_totals
from auditor.linking.context import Context, squash
from auditor.linking.growth import Vocabulary, classify
from auditor.linking.lists import PartLists, common_run  # noqa: F401 (common_run: used by identity.py)
from auditor.model import Claim, Constraint, Span

SUMMABLE = ("money", "people", "count")


def left_text(ctx: Context, claim: Claim) -> str:
    """The words before a figure in its clause (the figure itself excluded)."""
    return squash(ctx.text[claim.context.start:claim.span.start]) if claim.context else ""


def summable(claim: Claim) -> bool:
    return claim.quantity.dimension in SUMMABLE and claim.role not in ("rate",) and claim.quantity.comparator == "="


def shares(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """人员经费337.65万元，占74.74%: the part over its total."""
    growth_words = Vocabulary.of(ctx)
    words = ctx.rules["ratios"].get("named_rates", {})
    own_references = (*words.get("budget_words", ()), *words.get("task_words", ()), *growth_words.previous)

    def change(c: Claim) -> bool:  # 较上年减少87.3万元: a year-on-year change is no total
        return growth_words.ending(squash(left_text(ctx, c)), growth_words.changes) is not None

    verbs = tuple(words.get("total_verbs", ()))
    unnamed: dict[tuple[int, str], list[tuple[Claim, Claim]]] = {}  # shares of one total, not found
    of_one_whole: dict[tuple[int, str], list[tuple[Claim, Claim, Claim | None]]] = {}  # and the total found
    parts_of: dict[str, set[int]] = {}  # the parts given a share of each named whole so far: none is that whole
    of_found_total: list[tuple[Claim, Claim, Claim, str]] = []  # (share, part, total, whole's name), any sentence
    for claim in ctx.narrative:
        if claim.quantity.dimension != "percent" or "占" not in left_text(ctx, claim):
            continue
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        before = [c for c in ctx.claims_in(Span(sentence.start, claim.span.start)) if summable(c)]
        if not before:
            continue
        part = before[-1]
        if change(part):  # 增收8120万元，税收收入占…58.40%: the share is of the amount, not its change
            kinds = {p.claim.id: p.kind for p in classify(ctx, growth_words, before, sentence.start)}
            amounts = [c for c in before if kinds.get(c.id) == "plain"]
            part = amounts[-1] if amounts else part
        total = lists.total_of.get(part.id)
        if total is not None and change(total):
            total = None
        named = re.search(r"占(.+?)的?$", left_text(ctx, claim))
        name = named.group(1).rstrip("的") if named else ""
        key = (sentence.start, name)
        shared = names_a_whole(name, words, own_references) if name else \
            squash(left_text(ctx, claim)).strip("，,") in ctx.rules["lexicon"]["bare_share"]
        if shared and not change(part):
            unnamed.setdefault(key, []).append((claim, part))
            of_one_whole.setdefault(key, []).append((claim, part, None))
        if name:
            # 占总支出的46.1%: the total it names. The list's total when it is that one; else a figure
            # named so that is no listed part; else nothing (an unknown total is not guessed)
            core = name.removeprefix("全部").lstrip("总全").replace("总数", "").replace("总额", "")
            if total is not None and not (core and core in total.subject):
                total = None
            if total is None:
                names = [n for n in (name, core, *spellings(name, words)) if n]
                candidates = [c for c in ctx.narrative if c.span.end <= part.span.start and summable(c) and not change(c)
                              and c.quantity.dimension == part.quantity.dimension and c.id not in lists.total_of
                              and c.id not in parts_of.get(name, ())
                              and (c.year is None or part.year is None or c.year == part.year)  # no other year's
                              and any(s.endswith(n) for s in subjects(c, verbs) for n in names)]
                total = candidates[-1] if candidates else None
            parts_of.setdefault(name, set()).add(part.id)
        if total is not None and total.id != part.id:
            if of_one_whole.get(key) and of_one_whole[key][-1][0] is claim:
                of_one_whole[key][-1] = (claim, part, total)
            yield ctx.constraint("ratio", "RAT002", [claim, part, total], "narrative", denominators=1)
            unnamed.pop(key, None)
            if name:
                of_found_total.append((claim, part, total, name))
    yield from complete_shares(ctx, list(unnamed.values()))
    for pairs in unnamed.values():
        if len(pairs) == 1:
            yield from lone_share(ctx, *pairs[0], growth_words, tuple(words.get("lone_part_openings", ())))
    yield from share_totals.find(ctx, list(of_one_whole.values()))
    listed = {(g.total.id, frozenset(p.id for p in g.parts)) for g in lists.found}
    yield from share_totals.whole_sums(ctx, of_one_whole, listed)
    yield from share_totals.find(ctx, share_totals.across_sentences(ctx, of_found_total))


def spellings(name: str, words: dict) -> list[str]:
    """占本年支出合计的: the whole's other spellings (总支出); 占…财政拨款总支出的: …财政拨款支出."""
    return [name.replace(word, other) for word, others in words.get("whole_spellings", {}).items() if word in name
            for other in others]


def subjects(claim: Claim, verbs: tuple[str, ...]) -> tuple[str, ...]:
    """A figure's subject, and without the verb that reports it (一般公共预算支出完成212.4亿元)."""
    return (claim.subject, *(claim.subject.removesuffix(v) for v in verbs if claim.subject.endswith(v)))


def lone_share(ctx: Context, rate: Claim, part: Claim, growth_words: Vocabulary,
               openings: tuple[str, ...]) -> Iterator[Constraint]:
    """收入合计8,216.30万元，较上年增加…。其中：财政拨款收入8,216.30万元，占100.00%: one part's
    share in a sentence opening with 其中 is of the one amount the sentence before states (its
    changes, bases and rates aside); several amounts there, no total."""
    sentence = ctx.sentence(rate.span.start, "。！？!?\n")
    opening = squash(ctx.text[sentence.start:part.span.start])
    if not openings or not opening.startswith(openings) or sentence.start < 2 or ctx.text[sentence.start - 1] not in "。！？!?":
        return
    before = ctx.sentence(sentence.start - 2, "。！？!?\n")
    claims = ctx.claims_in(before)
    amounts = [p.claim for p in classify(ctx, growth_words, claims, before.start) if p.kind == "plain"
               and summable(p.claim) and p.claim.quantity.dimension == part.quantity.dimension
               and p.claim.block == part.block]
    if len({c.quantity.base_value for c in amounts}) == 1:
        yield ctx.constraint("ratio", "RAT002", [rate, part, amounts[-1]], "narrative", denominators=1)


def names_a_whole(name: str, words: dict, own_references: tuple[str, ...]) -> bool:
    """占一般公共预算收入的: a whole the items of a list share; 占调整预算 (or 计划, 上年): each
    item's own, so no common total (a fund's name such as 一般公共预算 is no budget)."""
    for fund in words.get("fund_names", ()):
        name = name.replace(fund, "")
    return not any(w in name for w in own_references)


def complete_shares(ctx: Context, lists_of_pairs: list[list[tuple[Claim, Claim]]]) -> Iterator[Constraint]:
    """其中：财政拨款收入1,645.20万元，占94.0%；事业收入105.00万元，占6.0%: shares of one total (unnamed,
    or named alike) not found; when they add up to 100% the parts are all of it, so each share is its
    part over their sum."""
    for pairs in lists_of_pairs:
        parts = [part for _, part in pairs]
        if len(pairs) < 2 or len({p.id for p in parts}) < len(parts) \
                or len({p.quantity.dimension for p in parts}) > 1:
            continue
        low = sum((rate.quantity.low for rate, _ in pairs), Decimal(0))
        high = sum((rate.quantity.high for rate, _ in pairs), Decimal(0))
        if low <= 100 <= high:
            for rate, part in pairs:
                yield ctx.constraint("ratio", "RAT002", [rate, part, *parts], "narrative", denominators=len(parts))
        else:
            # not the whole: still one total, so each part over its share must give the same total
            yield ctx.constraint("one_total", "RAT002", [c for pair in pairs for c in pair], "narrative")


def named_as(ctx: Context, rate: Claim, denominators: list[Claim], words: dict) -> bool:
    """完成调整后预算的96.8%: the rate names its total, so the total must be a figure named so (its
    qualifier 调整/年初/计划… in its own words, a fund's name such as 一般公共预算收入 not counting)."""
    named = re.search(r"(?:完成|占)(.+?)的?$", left_text(ctx, rate))
    if not named:
        return True
    own = "".join(squash(left_text(ctx, d)) for d in denominators)
    for fund in words.get("fund_names", ()):
        own = own.replace(fund, "")
    groups = [group for group in words.get("qualifiers", ()) if any(q in named.group(1) for q in group)]
    return all(any(q in own for q in group) for group in groups)


def rates(ctx: Context) -> Iterator[Constraint]:
    """执行率/支付率/完成…%: recomputed from the executed (or achieved) figure over the budget (or
    target), or over itself plus what is left (支付12360万元，未支640万元，支付率95.1%)."""
    words = ctx.rules["ratios"].get("named_rates", {})
    cues = tuple(words["cues"])
    growth_words = Vocabulary.of(ctx)
    for claim in ctx.narrative:
        left = left_text(ctx, claim)
        if claim.quantity.dimension != "percent" or not any(cue in left for cue in cues):
            continue
        if "占" in left or "增" in left:
            continue
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        window_start = sentence.start
        if squash(ctx.text[sentence.start:claim.span.start]).strip("，,").startswith(("全年", "预算执行率", "执行率")) \
                or not [c for c in ctx.claims_in(Span(sentence.start, claim.span.start)) if summable(c)]:
            block_start = ctx.block(claim.block).span.start if claim.block >= 0 else 0
            if sentence.start > block_start:
                window_start = ctx.sentence(sentence.start - 2, "。！？!?\n").start
        window = [c for c in ctx.claims_in(Span(window_start, claim.span.start)) if summable(c)]
        if not window and claim.block > 0 and ctx.block(claim.block - 1).kind == "paragraph" \
                and not squash(ctx.text[ctx.block(claim.block).span.start:sentence.start]):
            # 全年预算执行率为98%。 opening a paragraph: its figures close the one before
            previous = ctx.block(claim.block - 1).span
            last = ctx.sentence(max(previous.start, previous.end - 2), "。！？!?\n")
            window = [c for c in ctx.claims_in(Span(last.start, previous.end)) if summable(c)]
        clause = ctx.sentence(claim.span.start).start
        if any(c.span.start >= clause for c in window):
            window = [c for c in window if c.span.start >= clause]  # …；项目资金使用256300元，使用率81.25%
        if not window:
            continue
        dimension = window[-1].quantity.dimension
        # a year-on-year change (比上年减少2.36万元) is no operand of a rate
        window = [c for c in window if c.quantity.dimension == dimension
                  and not growth_words.ending(squash(left_text(ctx, c)), growth_words.changes)]
        # 支付率 is of the figure paid (支付12360万元): the figure its own words name comes first
        stems = [cue[:-1] for cue in cues if cue.endswith("率") and cue in left]
        left_over = [c for c in window if any(squash(left_text(ctx, c)).endswith(w) for w in words.get("remainder", ()))]
        suffixes = ("", *words.get("numerator_suffixes", ()))  # 已拨付资金141.60万元: of 拨付率
        named = [c for c in window if c not in left_over
                 and any(squash(left_text(ctx, c)).endswith(stem + s) for stem in stems for s in suffixes)]
        named = named if len(named) == 1 else []
        spent = tuple(stem + s for stem in stems for s in suffixes if s)
        if not named and any(cue in left for cue in words.get("named_numerator", ())):
            continue  # 到位率 is of what arrived, not of what was paid out: no figure named so, no rate
        denominators = [c for c in window if c.role == "adjusted_budget" and c not in named][-1:]
        if not denominators:
            base = [c for c in window if c.role in ("budget", "target") and c not in named][-1:]
            denominators = base + ([c for c in window if c.role == "addition"] if base else [])
        rest = [c for c in window if c not in denominators and c not in left_over]
        remainders = [c for c in left_over if c not in denominators]
        numerators = named or [c for c in rest if c.role in ("executed", "actual")]
        if not numerators:
            numerators = rest if len(rest) == 1 else []
        if not denominators and len(numerators) == 1 and len(remainders) == 1:
            denominators = [numerators[0], remainders[0]]  # paid + unpaid is what was to be paid
        if not denominators and named and dimension == "money" and not remainders \
                and earlier_budgets.several_rates(ctx, claim, sentence, stems):
            # rates of several items in one sentence: each of the budget above that names its item
            budget = earlier_budgets.of_item(ctx, claim, numerators[-1], (*stems, *spent), tuple(words.get("item_words", ())),
                                             lambda c: growth_words.ending(squash(left_text(ctx, c)), growth_words.changes),
                                             int(words.get("min_item_chars", 4)))
            name = next((cue for cue in cues if cue.endswith("率") and cue in left), "")
            if budget is not None:
                yield ctx.constraint("ratio", "RAT001", [claim, numerators[-1], budget], "narrative", denominators=1,
                                     **({"word": name} if name else {}))
            continue
        if not denominators and named and dimension == "money" and not remainders:
            # 拨付率 of a figure named 拨付 whose budget is stated in a sentence above: each one there is a reading
            budgets = earlier_budgets.readings(ctx, claim, numerators[-1],
                                               lambda c: growth_words.ending(squash(left_text(ctx, c)), growth_words.changes))
            name = next((cue for cue in cues if cue.endswith("率") and cue in left), "")
            if budgets:
                yield ctx.constraint("ratio", "RAT001", [claim, numerators[-1], *budgets], "narrative", denominators=1,
                                     denominator_readings=[c.id for c in budgets], **({"word": name} if name else {}))
            continue
        task = re.search(r"完成(.+?)的?$", left)
        if not denominators and numerators and dimension != "money" and task \
                and any(w in task.group(1) for w in words.get("task_words", ())):
            # 完成年度任务的100%, the task stated in a paragraph above: each one there is a reading
            tasks = earlier_budgets.readings(ctx, claim, numerators[-1],
                                             lambda c: growth_words.ending(squash(left_text(ctx, c)), growth_words.changes),
                                             roles=("target",))
            if tasks:
                yield ctx.constraint("ratio", "RAT003", [claim, numerators[-1], *tasks], "narrative", denominators=1,
                                     denominator_readings=[c.id for c in tasks])
            continue
        if not denominators or not numerators or not named_as(ctx, claim, denominators, words):
            continue
        code = "RAT001" if dimension == "money" and any(c.role != "target" for c in denominators) else "RAT003"
        name = next((cue for cue in cues if cue.endswith("率") and cue in left), "")  # 支付率, for the message
        yield ctx.constraint("ratio", code, [claim, numerators[-1], *denominators], "narrative",
                             denominators=len(denominators), **({"word": name} if name else {}))


def control_rates(ctx: Context) -> Iterator[Constraint]:
    """核定编制46人，实际在职41人，编制控制率为95%: staff over establishment."""
    for claim in ctx.narrative:
        if claim.quantity.dimension != "percent" or "控制率" not in left_text(ctx, claim):
            continue
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        before = ctx.claims_in(Span(sentence.start, claim.span.start))
        staff = next((c for c in reversed(before) if c.role == "staff"), None)
        establishment = next((c for c in reversed(before) if c.role == "establishment"), None)
        if staff and establishment:
            yield ctx.constraint("ratio", "RAT004", [claim, staff, establishment], "narrative", denominators=1)


def section_scores(ctx: Context) -> Iterator[Constraint]:
    """Headings ‘N、指标（10分）’ with the score given below them; inline ‘(分值20分，自评得分19.84分)’."""
    sections: list[tuple[Claim, Claim]] = []
    inline_sections: list[tuple[Claim, Claim]] = []  # headings that state both: (分值20分，自评得分19.84分)
    current_max: Claim | None = None
    for index in ctx.paragraphs:
        span = ctx.block(index).span
        line = squash(ctx.at(span))
        claims = [c for c in ctx.in_block[index] if c.cell is None]
        maxes = [c for c in claims if c.role == "max" and c.quantity.dimension == "points"]
        scores = [c for c in claims if c.role == "score" and c.quantity.dimension == "points"]
        for m in maxes:
            inline = [s for s in scores if s.span.start > m.span.start
                      and ")" not in ctx.text[m.span.end:s.span.start] and "）" not in ctx.text[m.span.end:s.span.start]]
            if inline:
                yield ctx.constraint("score_cap", "CAP001", [inline[0], m], "narrative")
                if len(line) <= 40 and len(maxes) == 1:
                    inline_sections.append((inline[0], m))
        if maxes and len(line) <= 40 and not scores:
            current_max = maxes[-1]
            continue
        if maxes or (len(line) <= 40 and not scores):
            current_max = None  # another heading, or a paragraph with its own point values
            continue
        if current_max is not None and scores:
            sections.append((scores[0], current_max))
            yield ctx.constraint("score_cap", "CAP001", [scores[0], current_max], "narrative")
            if "执行" in ctx.name_of(current_max, simplified=True):
                # 预算执行情况（10分）…执行率90%…得分10分: the score is the rate times the points
                rate = next((c for c in claims if c.quantity.dimension == "percent" and c.span.end <= scores[0].span.start
                             and "执行率" in left_text(ctx, c)), None)
                if rate is not None:
                    yield ctx.constraint("score_formula", "SCO001", [scores[0], current_max, rate], "narrative")
            current_max = None
    if len(sections) >= 3:
        last = sections[-1][0]
        totals = [c for c in ctx.narrative if c.span.start > last.span.start and c.role == "score"
                  and any(cue in c.subject for cue in ctx.rules["lexicon"]["score_cues"]["section_total"])]
        if totals:
            yield ctx.constraint("sum", "SUM003", [totals[0], *(s for s, _ in sections)], "narrative", relation="=")
            if all(m.quantity.value for _, m in sections):
                yield ctx.constraint("points_total", "SUM002", [m for _, m in sections], "narrative", expected=100)
    elif len(inline_sections) >= 3:
        yield from inline_total(ctx, inline_sections)


def inline_total(ctx: Context, sections: list[tuple[Claim, Claim]]) -> Iterator[Constraint]:
    """Headings that each state their points and score, against the one total score the text states
    for them (before or after: 总体得分为99.84分): the scores add up to it, the points to full marks.
    Two different totals in the text: which one is theirs is not certain."""
    own = {c.id for pair in sections for c in pair}
    cues = ctx.rules["lexicon"]["score_cues"]["section_total"]
    totals = [c for c in ctx.narrative if c.role == "score" and c.id not in own and any(cue in c.subject for cue in cues)]
    if len({c.quantity.value for c in totals}) != 1:
        return
    yield ctx.constraint("sum", "SUM003", [totals[0], *(s for s, _ in sections)], "narrative", relation="=")
    yield ctx.constraint("points_total", "SUM002", [m for _, m in sections], "narrative", expected=100)


def full_marks(ctx: Context) -> Iterator[Constraint]:
    """A full total score in a paragraph that states an execution rate below 100%."""
    total_cues = ctx.rules["lexicon"]["score_cues"]["total_score"]
    rate_cues = ctx.rules["lexicon"]["execution_rate_cues"]
    for claim in ctx.narrative:
        if claim.role != "score" or claim.quantity.value != 100 or not any(c in left_text(ctx, claim) for c in total_cues):
            continue
        nearby = ctx.in_block[claim.block] + (ctx.in_block[claim.block - 1] if claim.block > 0 else [])
        for rate in nearby:
            if rate.cell is None and rate.quantity.dimension == "percent" and rate.quantity.high < 100 \
                    and any(cue in left_text(ctx, rate) for cue in rate_cues):
                yield ctx.constraint("full_score", "SCO005", [claim, rate], "narrative")
                break


@lru_cache(maxsize=8)
def grade_pattern(leads: tuple[str, ...], grades: tuple[str, ...]) -> re.Pattern[str]:
    """评价等级为“优”, 评价结果为：优: a lead word, then a grade (the longest first, 优秀 before 优)."""
    alternatives = "|".join(re.escape(g) for g in sorted(grades, key=len, reverse=True))
    return re.compile(rf"(?:{'|'.join(map(re.escape, leads))})\s*(?:为|是)?\s*[：:]?\s*[“\"「]?({alternatives})")


@lru_cache(maxsize=8)
def band_pattern(above: tuple[str, ...], verbs: tuple[str, ...], grades: tuple[str, ...]) -> re.Pattern[str]:
    """90分（含）以上为优, ≥80分为良, 60-80分为中: a band's floor, then its grade."""
    alternatives = "|".join(re.escape(g) for g in sorted(grades, key=len, reverse=True))
    # every \s* follows a character it needs, so no two runs of spaces can share one (no backtracking)
    number = r"\d{1,3}(?:\.\d{1,2})?\s*(?:分\s*)?"
    inclusive = r"(?:[（(]不?含[^（()）]{0,6}[）)]\s*)?"
    upper = rf"[-—~～至到]\s*{number}{inclusive}(?:(?:之间|以下)\s*)?"
    return re.compile(rf"(?:(?P<at_least>[≥≧])\s*)?(?P<floor>\d{{1,3}}(?:\.\d{{1,2}})?)\s*(?:分\s*)?{inclusive}"
                      rf"(?P<tail>(?:{'|'.join(map(re.escape, above))})\s*|{upper})?(?:的\s*)?(?:{'|'.join(map(re.escape, verbs))})"
                      rf"\s*(?:[：:]\s*)?[“\"「]?(?P<grade>{alternatives})")


def stated_bands(ctx: Context) -> list[list] | None:
    """The grade bands a report states itself (highest floor first, then 0 for the lowest grade
    named without a floor), or None unless it states two floors that rise with the grade."""
    words = ctx.rules["lexicon"]["score_cues"]
    pattern = band_pattern(tuple(words.get("band_above", ())), tuple(words.get("band_verbs", ())), tuple(words["grades"]))
    order = ctx.rules.param("SCO004", "bands") or ()
    rank = {str(g): i for i, (_, g) in enumerate(order)}
    same = words.get("grade_synonyms", {})  # 优秀 is the band of 优
    floors: dict[str, Decimal] = {}
    for m in pattern.finditer(ctx.text):
        if not (m.group("at_least") or m.group("tail")):
            continue  # 92分为优: a score graded, not a band's floor
        grade = same.get(m.group("grade"), m.group("grade"))
        value = Decimal(m.group("floor"))
        if grade not in rank or floors.get(grade, value) != value or value > 100:
            return None  # two floors for one grade: bands of different things
        floors[grade] = value
    if len(floors) < 2:
        return None
    ranked = sorted(floors.items(), key=lambda kv: rank[kv[0]])
    if any(a[1] <= b[1] for a, b in zip(ranked, ranked[1:])):
        return None  # a higher grade must have a higher floor
    lowest = ranked[-1][1]
    # the grades below the lowest stated floor keep their default floors under it, the last from 0
    below = [[str(f), str(g)] for f, g in order if rank[str(g)] > rank[ranked[-1][0]] and Decimal(str(f)) < lowest]
    return [[str(v), g] for g, v in ranked] + below if lowest > 0 else [[str(v), g] for g, v in ranked]


def grades(ctx: Context, table_totals: list[Claim]) -> Iterator[Constraint]:
    """评价等级为“优”: against the total score stated just before it, in the text or a table's 总分 row;
    by the report's own bands when it states them."""
    words = ctx.rules["lexicon"]["score_cues"]
    grade = grade_pattern(tuple(words["grade_lead"]), tuple(words["grades"]))
    own = stated_bands(ctx)
    bands = {"bands": own} if own else {}
    graded: set[int] = set()  # a score is graded by the first grade after it (上年度…为优 is another's)
    for index in ctx.paragraphs:
        span = ctx.block(index).span
        for m in grade.finditer(ctx.text, span.start, span.end):
            sentence = ctx.sentence(m.start(), "。！？!?\n")
            previous = ctx.sentence(sentence.start - 2, "。！？!?\n") if sentence.start > span.start else sentence
            scores = [c for c in ctx.claims_in(Span(previous.start, m.start())) if c.role == "score"
                      and any(cue in left_text(ctx, c) for cue in words["total_score"])]
            if not scores:
                scores = [c for c in table_totals if c.span.end <= span.start and c.block >= index - 3]
            if scores and scores[-1].id not in graded:
                graded.add(scores[-1].id)
                yield ctx.constraint("grade", "SCO004", [scores[-1], _grade_word(ctx, m, index)], "narrative",
                                     spans=(Span(m.start(1), m.end(1)),), grade=m.group(1), **bands)
    for (block, _, _), cell in ctx.cells.items():  # 评价分值：86.25分 评价等级：良 in one cell of a cover table
        m = grade.search(ctx.text, cell.span.start, cell.span.end) if len(cell.span) < 80 else None
        if m is None:
            continue
        scores = [c for c in ctx.claims_in(Span(cell.span.start, m.start()), narrative_only=False)
                  if c.role == "score" and any(cue in left_text(ctx, c) for cue in words["total_score"])]
        if scores and scores[-1].id not in graded:
            graded.add(scores[-1].id)
            yield ctx.constraint("grade", "SCO004", [scores[-1], _grade_word(ctx, m, block)], "table",
                                 spans=(Span(m.start(1), m.end(1)),), grade=m.group(1), **bands)


def _grade_word(ctx: Context, m: re.Match[str], block: int) -> Claim:
    """The grade word as the score's partner in the constraint (what the score is checked against)."""
    return ctx.listed_item(Span(m.start(1), m.end(1)), "", block)


def find(ctx: Context) -> Iterator[Constraint]:
    yield from shares(ctx, PartLists.of(ctx))
    yield from rates(ctx)
    yield from section_scores(ctx)
    yield from full_marks(ctx)
    from auditor.linking.links import table_totals

    yield from grades(ctx, [score for _, score in table_totals(ctx)])
    yield from control_rates(ctx)
