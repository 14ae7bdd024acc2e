"""Amounts paid as a count times a per-unit standard (RAT006): a table row 困境儿童 | 85 | 84150
against the note 困境儿童、重残儿童…每人每月990元; a sentence 为23户分红，每户450元，共计10350元.

A standard is a money figure with its head (每人, /亩, 每户) and period (每月, /年) as data
(rules/products.yaml), and the categories it names before it. A row is paired with a standard only
when its label names exactly one category of exactly one standard value; its count column must be
in the standard's head unit and its amount column beside it must not be a total of several items.
A count of payments (人次) or a periodic standard gives only "amount ≤ count × standard × months";
a count of payments against a standard paid in full (no ceiling, no 差额) also gives a floor: the
average payment is at least a share of the standard (a part month is paid less, not a fraction).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from functools import cached_property

from auditor.linking.context import SENTENCE_ENDS, Context, label, squash
from auditor.model import Claim, Constraint, Span
from auditor.strings import CJK

CODE = "RAT006"
CLAUSE_ENDS = "。；;，,：:）)\n"
AFTER = re.compile(r"^\s*[/／][^\s，,。；;、（(]{0,6}")
NUMBER_LINE = re.compile(r"^\s*-?\d[\d,，.]*\s*$")
YEAR = re.compile(r"^\d{4}年度?")
MAX_BLANK_LINES = 20  # looking for the next sentence with figures: blank lines passed at most


@dataclass(frozen=True)
class Standard:
    claim: Claim
    subjects: tuple[str, ...]  # the categories it is paid to
    heads: tuple[str, ...]  # 人, 户, 亩, 座 (每人每亩: either)
    months: int  # 0: paid once per head; else the months one payment covers
    maximum: bool  # a ceiling, or paid less than it (差额)


@dataclass(frozen=True)
class Row:
    name: str
    count: Claim
    amount: Claim
    count_unit: str
    amount_factor: Decimal  # the amount's unit in 元 (its header's when the cell has none)


class Products:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.data = ctx.rules["products"]
        self.heads = {h: tuple(ws) for h, ws in self.data.get("heads", {}).items()}
        self.head_units = {h: tuple(us) for h, us in self.data.get("head_units", {}).items()}
        self.per_payment = tuple(self.data.get("per_payment_units", ()))
        self.periods = [(tuple(p["words"]), int(p["months"])) for p in self.data.get("periods", {}).values()]
        self.maximum_words = tuple(self.data.get("maximum_words", ()))
        self.trim = tuple(sorted(self.data.get("subject_trim", ()), key=len, reverse=True))
        self.separators = re.compile("[" + re.escape(self.data.get("subject_separators", "、")) + "]")
        self.header_units = sorted(self.data.get("header_units", {}).items(), key=lambda kv: -len(kv[0]))
        self.money = {u: Decimal(str(f)) for u, f in self.data.get("money_units", {}).items()}
        self.excludes = tuple(self.data.get("amount_excludes", ()))
        self.max_label = int(self.data.get("max_label_chars", 20))
        self.floor_share = str(self.data.get("per_payment_floor_share", 0))

    # --- standards ----------------------------------------------------------------------------
    @cached_property
    def standards(self) -> list[Standard]:
        out = []
        for claim in self.ctx.claims:
            if claim.quantity.dimension == "money" and claim.quantity.unit and claim.quantity.comparator in ("=", "~"):
                standard = self.standard(claim)
                if standard is not None:
                    out.append(standard)
        return out

    def standard(self, claim: Claim) -> Standard | None:
        text = self.ctx.text
        start = claim.span.start
        while start > 0 and text[start - 1] not in CLAUSE_ENDS:
            start -= 1
        before = squash(text[start:claim.span.start])
        if start > 0 and text[start - 1] in "：:" and not self.trimmed(before.replace("每", "")):
            lead = start - 1
            while lead > 0 and text[lead - 1] not in CLAUSE_ENDS:
                lead -= 1
            before = squash(text[lead:start - 1]) + before
        match = AFTER.match(text[claim.span.end:claim.span.end + 10])
        after = squash(match.group(0)) if match else ""
        cues = before + "|" + after
        if any(w in cues for w in self.data.get("other_periods", ())) or \
                any(w in before for w in self.data.get("not_standard_words", ())):
            return None
        heads = tuple(h for h, words in self.heads.items() if any(w in cues for w in words))
        months = next((m for words, m in self.periods if any(w in cues for w in words)), 0)
        if not heads and not (months and after):
            return None
        heads = heads or (self.data.get("period_only_head", "人"),)
        # the categories: the clause's words with the cue words and fillers cut off its end
        words = before
        for cue in [w for ws in self.heads.values() for w in ws] + [w for ws, _ in self.periods for w in ws]:
            words = words.replace(cue, "")
        for lead in self.data.get("subject_lead", ()):
            words = words[words.rfind(lead) + len(lead):] if lead in words else words
        words = self.trimmed(words)
        parts = (YEAR.sub("", self.trimmed(p)) for p in self.separators.split(words))
        subjects = tuple(s for s in parts if len(s) >= 2)
        sentence = self.ctx.at(self.ctx.sentence(claim.span.start, SENTENCE_ENDS))
        maximum = any(w in sentence for w in self.maximum_words)
        return Standard(claim, subjects, heads, months, maximum)

    def trimmed(self, words: str) -> str:
        return cut_endings(words, self.trim).strip("，,、：:（）() ")

    def names(self, row_label: str, subject: str) -> bool:
        """``subject`` is named by the row label: equal, or found in it in order in at most N pieces."""
        if subject == row_label:
            return True
        if len(subject) < int(self.data.get("min_subject_chars", 3)) or not row_label:
            return False
        if subject in row_label:
            return True
        blocks = [b for b in SequenceMatcher(None, subject, row_label, autojunk=False).get_matching_blocks() if b.size]
        return sum(b.size for b in blocks) == len(subject) and len(blocks) <= int(self.data.get("max_subject_pieces", 2))

    def heads_in(self, count: Claim) -> Decimal:
        """How many heads one of the count's unit is (1.5万亩: 10000 亩 each), not its base unit (m²)."""
        magnitudes = self.ctx.rules["units"].get("magnitudes", {})
        unit = count.quantity.unit
        return Decimal(str(magnitudes[unit[0]])) if len(unit) > 1 and unit[0] in magnitudes else Decimal(1)

    def counts_in(self, unit: str, standard: Standard) -> bool:
        return any(unit in self.head_units.get(h, ()) for h in standard.heads)

    def standard_for(self, row: Row) -> Standard | None:
        """The one standard value whose categories name the row (two different values: none)."""
        matches = [s for s in self.standards if s.claim.span.start != row.count.span.start
                   and any(self.names(row.name, subject) for subject in s.subjects)
                   and self.counts_in(row.count_unit, s)]
        values = {s.claim.quantity.base_value for s in matches}
        return matches[0] if len(values) == 1 else None

    # --- rows ---------------------------------------------------------------------------------
    def unit_in(self, header: str) -> str:
        return next((unit for word, unit in self.header_units if word in header), "")

    def cell_rows(self) -> Iterator[Row]:
        ctx = self.ctx
        for (block, row), claims in ctx.rows.items():
            first = ctx.cells.get((block, row, 0))
            if first is None or any(c.cell == (row, 0) for c in claims):
                continue
            name = label(first.text)
            by_col = {c.cell[1]: c for c in claims}
            for col, count in by_col.items():
                amount = by_col.get(col + 1)
                if amount is None:
                    continue
                count_head, amount_head = self.header(block, row, col), self.header(block, row, col + 1)
                row_ = self.row(name, count, amount, count_head, amount_head)
                if row_ is not None:
                    yield row_

    def header(self, block: int, row: int, col: int) -> str:
        """A column's header: its header path, else the nearest row above without figures."""
        cell = self.ctx.cells.get((block, row, col))
        if cell is not None and cell.header_path:
            return "".join(cell.header_path)
        for above in range(row - 1, -1, -1):
            top = self.ctx.cells.get((block, above, col))
            if top is not None and not self.ctx.rows.get((block, above)):
                return squash(top.text)
        return ""

    def line_rows(self) -> Iterator[Row]:
        """A table flattened one cell per line: a header run, then label line + figure lines per row."""
        ctx = self.ctx
        lines = []  # (start, end, text) of the non-blank lines outside table blocks
        pos = 0
        for raw in ctx.text.split("\n"):
            if raw.strip():
                lines.append((pos, pos + len(raw), squash(raw)))
            pos += len(raw) + 1
        numeric = [bool(NUMBER_LINE.match(t)) for _, _, t in lines]
        for i, (_, _, text) in enumerate(lines):
            if numeric[i] or len(text) > self.max_label or not CJK.search(text):
                continue
            k = 0
            while i + k + 1 < len(lines) and numeric[i + k + 1]:
                k += 1
            if k < 2:
                continue
            first = i  # back over the rows of the same shape to the header run
            while first - (k + 1) >= 0 and not numeric[first - (k + 1)] and all(numeric[first - k:first]):
                first -= k + 1
            header = lines[first - (k + 1):first] if first - (k + 1) >= 0 else []
            if len(header) != k + 1 or any(numeric[first - (k + 1):first]) or \
                    any(len(h[2]) > self.max_label for h in header):
                continue
            figures = [self.claim_at(lines[i + 1 + j][0], lines[i + 1 + j][1]) for j in range(k)]
            for j in range(k - 1):
                if figures[j] is not None and figures[j + 1] is not None:
                    row = self.row(label(text), figures[j], figures[j + 1], header[1 + j][2], header[2 + j][2])
                    if row is not None:
                        yield row

    def claim_at(self, start: int, end: int) -> Claim | None:
        found = self.ctx.claims_in(Span(start, end), narrative_only=False)  # bisected, not a scan of every claim
        return found[0] if len(found) == 1 else None

    def row(self, name: str, count: Claim, amount: Claim, count_head: str, amount_head: str) -> Row | None:
        count_unit = count.quantity.unit or self.unit_in(count_head)
        if not count_unit or count_unit in self.money or count.quantity.dimension == "money" or any(w in amount_head for w in self.excludes):
            return None
        if amount.quantity.dimension == "money" and amount.quantity.unit:
            factor = amount.quantity.factor
        elif not amount.quantity.unit:
            factor = self.money.get(self.unit_in(amount_head), Decimal(0))
        else:
            return None
        return Row(name, count, amount, count_unit, factor) if factor else None

    # --- one sentence -------------------------------------------------------------------------
    def sentence_rows(self) -> Iterator[tuple[Row, Standard]]:
        """为14户分红，每户700元，共计9800元: one standard, one count in its head, then one total."""
        ctx = self.ctx
        cues = tuple(self.data.get("sentence_total_cues", ()))
        others = tuple(self.data.get("sentence_other_items", ()))
        for standard in self.standards:
            if standard.claim.cell is not None:
                continue
            span = ctx.sentence(standard.claim.span.start, SENTENCE_ENDS)
            if any(w in ctx.at(span) for w in others):
                continue
            claims = [c for c in ctx.claims_in(span) if c.id != standard.claim.id]
            counts = [c for c in claims if self.counts_in(c.quantity.unit, standard)]
            money = [c for c in claims if c.quantity.dimension == "money"]
            if len(counts) != 1 or len(money) != 1 or ctx.per_head(money[0]):
                continue
            if money[0].span.start < max(counts[0].span.end, standard.claim.span.end):
                continue  # a total stated before them totals something else (…共计40万元，带动14户…每户700元)
            clause_start = money[0].span.start
            while clause_start > span.start and ctx.text[clause_start - 1] not in CLAUSE_ENDS:
                clause_start -= 1
            if not any(w in ctx.text[clause_start:money[0].span.start] for w in cues) or sum(s.claim.span.start in range(span.start, span.end)
                                                for s in self.standards) != 1:
                continue
            yield Row("", counts[0], money[0], counts[0].quantity.unit, money[0].quantity.factor), standard

    def named_rows(self) -> Iterator[Row]:
        """重度残疾人护理补贴共发放12460人次，共1121400元: a sentence naming a category a standard
        elsewhere names, with one count and then one total (checked as at most, the standard being
        stated apart from it)."""
        ctx = self.ctx
        cues = tuple(self.data.get("sentence_total_cues", ()))
        others = tuple(self.data.get("sentence_other_items", ()))
        standard_at = {s.claim.id for s in self.standards}
        for span in ctx.narrative_sentences(SENTENCE_ENDS):
            claims = ctx.claims_in(span)
            if any(c.id in standard_at for c in claims) or any(w in ctx.at(span) for w in others):
                continue
            counts = [c for c in claims if any(c.quantity.unit in us for us in self.head_units.values())]
            money = [c for c in claims if c.quantity.dimension == "money"]
            if len(counts) != 1 or len(money) != 1 or money[0].span.start < counts[0].span.end \
                    or ctx.per_head(money[0]):
                continue
            clause_start = money[0].span.start
            while clause_start > span.start and ctx.text[clause_start - 1] not in CLAUSE_ENDS:
                clause_start -= 1
            if not any(w in ctx.text[clause_start:money[0].span.start] for w in cues):
                continue
            name = squash(ctx.text[span.start:counts[0].span.start])
            yield Row(name, counts[0], money[0], counts[0].quantity.unit, money[0].quantity.factor)

    def restated_rows(self) -> Iterator[tuple[Row, Standard]]:
        """…对1740人按每人60元标准补贴已完成 … 补贴对象共计1740人，兑付补贴资金10.44万元: a
        standard whose sentence counts its heads (all one value: 1740人 and 1740亩 under 每人每亩) and
        states no money, and an amount paid (``restated_paid_words`` in its clause) in another sentence
        right after the same count restated (no other count or money between, no word naming another
        item paid, and what it pays named in the standard's sentence too): checked as at most count ×
        standard (the standard stated apart)."""
        ctx = self.ctx
        paid = tuple(self.data.get("restated_paid_words", ()))
        others = tuple(self.data.get("sentence_other_items", ()))
        generic = tuple(sorted(self.data.get("restated_generic_words", ()), key=len, reverse=True))
        if not paid:
            return
        by_count: dict[tuple, list[Standard]] = {}
        for standard in self.standards:
            claim = standard.claim
            if claim.cell is not None or standard.months or standard.maximum:
                continue
            span = ctx.sentence(claim.span.start, SENTENCE_ENDS)
            claims = [c for c in ctx.claims_in(span) if c.id != claim.id]
            counts = [c for c in claims if self.counts_in(c.quantity.unit, standard)]
            if not counts or len({c.quantity.value for c in counts}) != 1 \
                    or any(c.quantity.dimension == "money" for c in claims):
                continue
            for count in counts:
                by_count.setdefault((count.quantity.value, count.quantity.unit), []).append(standard)
        if not by_count:
            return
        narrative = ctx.narrative
        for n, money in enumerate(narrative[1:], 1):
            count = narrative[n - 1]
            standards = by_count.get((count.quantity.value, count.quantity.unit), [])
            if money.quantity.dimension != "money" or money.quantity.comparator != "=" or not standards \
                    or len({s.claim.quantity.base_value for s in standards}) != 1 or ctx.per_head(money):
                continue
            standard = standards[0]
            between = ctx.text[count.span.end:money.span.start]
            if any(w in between for w in others) or self.separators.search(between):
                continue  # 发放慰问金及物资共计…: the amount pays for more than the standard
            standard_sentence = ctx.sentence(standard.claim.span.start, SENTENCE_ENDS)
            clause = squash(own_clause(ctx, money))
            at = max((clause.rfind(w) + len(w) for w in paid if w in clause), default=-1)
            if at < 0 or ctx.sentence(money.span.start, SENTENCE_ENDS) == standard_sentence \
                    or ctx.sentence(count.span.start, SENTENCE_ENDS) != ctx.sentence(money.span.start, SENTENCE_ENDS):
                continue
            # what is paid (补贴资金, 慰问金) must be what the standard's sentence pays: 临时救助资金 is not
            # the 慰问金 of a standard for the same people
            what = cut_endings(clause[at:], generic)
            if len(CJK.findall(what)) < 2 or what not in squash(ctx.at(standard_sentence)):
                continue
            yield Row(clause, count, money, count.quantity.unit, money.quantity.factor), standard

    def income_rows(self) -> Iterator[tuple[Row, Standard]]:
        """兑现护林劳务补助资金320万元，带动640户脱贫户户均增收5000元: an amount paid to the people
        it names, then the households it 带动 and the increase per household. The increase is the
        payment shared out, so amount ≈ count × increase (on the figures' intervals); the amount must
        say it was paid (兑现, 发放…), else it may be an investment that only raised their income."""
        ctx = self.ctx
        data = self.data.get("income_increase", {})
        outcomes = sorted(data.get("per_head", {}).items(), key=lambda kv: -len(kv[0]))
        leads, paid = tuple(data.get("leads", ())), tuple(data.get("paid_words", ()))
        for claim in ctx.narrative:
            if claim.quantity.dimension != "money" or claim.quantity.comparator != "=" or not outcomes:
                continue
            clause = ctx.sentence(claim.span.start, CLAUSE_ENDS)
            before = squash(ctx.text[clause.start:claim.span.start])
            head = next((h for word, h in outcomes if before.endswith(word)), None)
            lead = max((before.find(w) for w in leads), default=-1)
            if head is None or lead < 0:
                continue
            inner = [c for c in ctx.claims_in(Span(clause.start, claim.span.start))]
            if len(inner) != 1 or not (inner[0].quantity.unit in self.head_units.get(head, ())
                                       or head in ctx.text[inner[0].span.end:claim.span.start]):
                continue
            sentence = ctx.sentence(claim.span.start, SENTENCE_ENDS)
            money = [c for c in ctx.claims_in(Span(sentence.start, clause.start)) if c.quantity.dimension == "money"]
            if len(money) != 1 or not any(w in own_clause(ctx, money[0]) for w in paid):
                continue
            yield Row(squash(own_clause(ctx, money[0])), inner[0], money[0], head, money[0].quantity.factor), \
                Standard(claim, (), (head,), 0, False)

    def planned_rows(self) -> Iterator[tuple[Row, Standard]]:
        """下达资金350万元，用于玉米种植补贴项目。对32000亩进行补贴，每亩100元: a sentence with one
        standard and one count in its head and no other money, after a sentence of the same block whose
        one amount is a budget (``planned_amount_words``) for what the standard's sentence names too
        (a run of ``min_shared_chars`` characters); or before the next sentence with figures (headings
        between skipped) whose one amount is a total investment (新建冷库12座，每座造价8.5万元 …
        项目总投资110万元). The budget must cover what is planned: amount ≥ count × standard (it may
        also pay for more)."""
        ctx = self.ctx
        data = self.data.get("planned_budget", {})
        words, shared = tuple(data.get("amount_words", ())), int(data.get("min_shared_chars", 0))
        after_words = tuple(data.get("after_words", ()))
        if not words or not shared:
            return
        for standard in self.standards:
            claim = standard.claim
            if claim.cell is None and not standard.months and not standard.maximum:
                span = ctx.sentence(claim.span.start, SENTENCE_ENDS)
                claims = [c for c in ctx.claims_in(span) if c.id != claim.id]
                counts = [c for c in claims if self.counts_in(c.quantity.unit, standard)]
                if len(counts) != 1 or any(c.quantity.dimension == "money" for c in claims):
                    continue
                block = ctx.block(claim.block).span if claim.block >= 0 else span
                # the sentence before in its block (not when the standard's opens it), and the next one with figures
                candidates = [] if span.start - 1 <= block.start else [(ctx.sentence(span.start - 1, SENTENCE_ENDS), words)]
                following = self.next_with_figures(span.end, int(data.get("after_skipped_sentences", 0)))
                if following is not None and after_words:
                    candidates.append((following, after_words))
                for budget, cues in candidates:
                    money = [c for c in ctx.claims_in(budget) if c.quantity.dimension == "money"]
                    if len(money) != 1 or ctx.per_head(money[0]) or money[0].quantity.comparator != "=" \
                            or not any(w in own_clause(ctx, money[0]) for w in cues):
                        continue
                    budget_words = squash(ctx.text[budget.start:budget.end] if budget.start > span.start
                                          else ctx.text[money[0].span.end:budget.end])
                    standard_words = squash(ctx.text[span.start:span.end])
                    match = SequenceMatcher(None, budget_words, standard_words, autojunk=False)
                    longest = match.find_longest_match(0, len(budget_words), 0, len(standard_words))
                    if longest.size < shared or not CJK.search(budget_words[longest.a:longest.a + longest.size]):
                        continue
                    yield Row(squash(own_clause(ctx, money[0])), counts[0], money[0], counts[0].quantity.unit,
                              money[0].quantity.factor), standard
                    break

    def next_with_figures(self, pos: int, skipped: int) -> Span | None:
        """The next sentence after ``pos`` with a figure in the text, past at most ``skipped`` sentences
        without one (headings); blank lines are not counted."""
        ctx = self.ctx
        blank = MAX_BLANK_LINES
        while pos < len(ctx.text):
            span = ctx.sentence(pos, SENTENCE_ENDS)
            if ctx.claims_in(span):
                return span
            if squash(ctx.at(span)):
                skipped -= 1
            else:
                blank -= 1
            if skipped < 0 or blank < 0:
                return None
            pos = span.end
        return None

    # --- constraints --------------------------------------------------------------------------
    def constraint(self, row: Row, standard: Standard, origin: str, stated_apart: bool = False,
                   planned: bool = False) -> Constraint:
        per_payment = row.count_unit in self.per_payment
        floor = "0"
        if standard.months and not per_payment:
            months, comparator = 12 // standard.months, "<="  # the amount covers at most a year
        else:
            months = 1
            comparator = ">=" if planned else "<=" if per_payment or standard.maximum or stated_apart else "="
            if per_payment and not standard.maximum and standard.months <= 1:
                floor = self.floor_share  # (人次 against a yearly standard may count monthly payments)
        return self.ctx.constraint("product", CODE, [row.amount, row.count, standard.claim], origin,
                                   months=months, comparator=comparator, floor_share=floor,
                                   amount_factor=str(row.amount_factor), count_scale=str(self.heads_in(row.count)),
                                   count_unit=row.count_unit,
                                   head=next(h for h in standard.heads if row.count_unit in self.head_units.get(h, ())),
                                   period_months=standard.months, subject=row.name)

    def find(self) -> Iterator[Constraint]:
        seen: set[tuple[int, int]] = set()
        for origin, rows in (("table", self.cell_rows()), ("table", self.line_rows())):
            for row in rows:
                standard = self.standard_for(row)
                if standard is not None and (row.amount.id, row.count.id) not in seen:
                    seen.add((row.amount.id, row.count.id))
                    yield self.constraint(row, standard, origin)
        for row in self.named_rows():
            standard = self.standard_for(row)
            if standard is not None and (row.amount.id, row.count.id) not in seen:
                seen.add((row.amount.id, row.count.id))
                yield self.constraint(row, standard, "narrative", stated_apart=True)
        for row, standard in (*self.sentence_rows(), *self.income_rows()):
            if (row.amount.id, row.count.id) not in seen:
                seen.add((row.amount.id, row.count.id))
                yield self.constraint(row, standard, "narrative")
        for row, standard in self.restated_rows():
            if (row.amount.id, row.count.id) not in seen:
                seen.add((row.amount.id, row.count.id))
                yield self.constraint(row, standard, "narrative", stated_apart=True)
        for row, standard in self.planned_rows():
            if (row.amount.id, row.count.id) not in seen:
                seen.add((row.amount.id, row.count.id))
                yield self.constraint(row, standard, "narrative", planned=True)


def cut_endings(words: str, endings: tuple[str, ...]) -> str:
    """``words`` with any of ``endings`` (longest first) cut off its end, repeatedly, never to nothing."""
    changed = True
    while changed:
        changed = False
        for word in endings:
            if words.endswith(word) and len(words) > len(word):
                words, changed = words[: -len(word)], True
    return words


def own_clause(ctx: Context, claim: Claim) -> str:
    """The words before a figure in its clause."""
    start = claim.span.start
    while start > 0 and ctx.text[start - 1] not in CLAUSE_ENDS:
        start -= 1
    return ctx.text[start:claim.span.start]


def find(ctx: Context) -> Iterator[Constraint]:
    yield from ctx.once("products", Products).find()  # its standards shared with row_averages
