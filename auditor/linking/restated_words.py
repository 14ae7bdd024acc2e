"""A fund restated in the same words (XREF001): narrative figures whose clauses end in the same
name (…国家基本公共卫生服务项目州级补助资金2.00万元 … 州级补助资金2.00万元), of one stage class
(下达/到位/预算, 支出/使用/发放), scope, year and unit, state one quantity. The name may stand in
the clause before (…资金（水利部分），共计4200万元) or right after the figure (10万元…经费主要用于).

A long name alone does not make one quantity: the projects of a list are named alike
(1.甲项目…统筹整合使用财政涉农资金210万元；2.乙项目…86.42万元). So the figures must also stand in
one paragraph, or share a name of ``long_name_chars`` (中央补助地方公共文化服务体系建设专项资金), or
the name be the report title's, or their two passages restate some other figure alike, one too
precise to agree by chance (536.82): they then restate one account. A fund (money) named
alike in full by all (甲资金 … 甲资金) is that fund wherever it stands. Words that tell no fund
from another (专项, 项目, 转移支付), and stage cues within it once its stage is read (补助地方预算资金
is 补助地方资金, budgeted), are left out of names. Never from a clause that compares, changes or plans
(较上年, 追减, 提前下达, 计划), nor a part (其中) whose whole is its sentence's, nor two figures
of one sentence, nor a name with two stage classes or three values, nor two figures citing two
notices (〔2022〕815号, 〔2023〕462号: two allocations). A label (甲项目：…) keeps items apart, unless the
bare figure's sentence names the one labelled item in full. A part (…，其中包含甲经费10万元) restated on its
own, by the same words and with no stage, as its sentence's one such figure in the very next paragraph
(10万元甲经费主要用于…) is that part, even on numbered lines when they title sections of one account
(1.资金到位情况。… 2.资金使用情况。…).
Vocabulary in rules/subjects.yaml (restated_words).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import FULL_STOPS, Context, squash
from auditor.linking.keys import (
    BRACKETS,
    CLAUSE_ENDS,
    LEAD_JOINS,
    NUMBERING,
    SYMBOLS,
    YEAR,
    YEAR_WORD,
    Subjects,
)
from auditor.linking.restated import clusters
from auditor.model import Claim, Constraint
from auditor.strings import CJK, any_of

DATE = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")
CITED = re.compile(r"《[^《》]{0,80}》")
DOCUMENT_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d{1,4}\s*号")
OWN_FIGURE = re.compile(r"\d\s*(?:万|亿|元|%)")
HEADING_ENDS = FULL_STOPS + "：:"  # a line's title ends at its first full stop or colon
MAX_RIGHT = 30  # characters after a figure read for its name
MEASURED = ("money", "count", "people", "area", "length", "mass", "volume")  # not rates, points, durations


class Words:
    """The words and the sentence stage of each narrative figure, read once per document."""

    def __init__(self, ctx: Context) -> None:
        spec = ctx.rules["subjects"].get("restated_words", {})
        self.ctx = ctx
        self.subjects = Subjects.of(ctx)
        self.not_words = (tuple(spec.get("not_a_statement", ())) + self.subjects.not_a_statement
                          + tuple(ctx.rules["subjects"].get("cumulative_cues", ())))
        self.lead_not_words = tuple(spec.get("lead_not_a_statement", ()))
        self.not_cue_words = any_of(tuple(ctx.rules["subjects"].get("not_a_statement_within", ())))
        self.stage_of = {cue: stage for stage, cues in spec.get("stages", {}).items() for cue in cues}
        self.stage_cues = sorted(self.stage_of, key=len, reverse=True)
        self.name_chars = int(spec.get("name_chars", 8))
        self.short_name_chars = int(spec.get("short_name_chars", self.name_chars))
        self.fillers = sorted(spec.get("fillers", ()), key=len, reverse=True)
        self.neutral = sorted(spec.get("neutral_words", ()), key=len, reverse=True)
        self.parts = tuple(spec.get("part_cues", ()))
        self.name_ends = tuple(spec.get("name_ends", ()))
        self.item_marks = [re.compile(p) for p in spec.get("item_marks", ())]
        # any of them, the first listed winning as in a loop over them: one match per name read
        self.any_item_mark = re.compile("|".join(f"(?:{m.pattern})" for m in self.item_marks) or "(?!)")
        self.named: dict[int, str] = {}  # a keyed figure's words in full
        self.loose: set[int] = set()  # keyed figures with a short name or stated as a part (其中)
        self.acts: dict[int, str] = {}  # a short-named figure's stage, when not a part: 使用补贴资金
        self.part: set[int] = set()  # keyed figures stated as a part (其中…)
        self.stage: dict[int, str] = {}  # a keyed figure's stage class, when read

    def item_mark(self, claim: Claim) -> int | None:
        """Which kind of list numbering (1. （1） 一是) opens the figure's line, if any."""
        line = self.ctx.sentence(claim.span.start, "\n")
        head = self.ctx.text[line.start:min(line.end, line.start + 12)].lstrip()
        return next((n for n, mark in enumerate(self.item_marks) if mark.match(head)), None)

    def heading(self, claim: Claim) -> str | None:
        """The title a line opens with before the figure's sentence (1.项目资金到位情况。…批复…), numbering,
        stage cues and symbols left out; None when the figure's sentence opens the line or the title holds a figure."""
        line = self.ctx.sentence(claim.span.start, "\n")
        head = self.ctx.text[line.start:self.ctx.sentence(claim.span.start, FULL_STOPS).start].strip()
        title = re.split(f"[{re.escape(HEADING_ENDS)}]", head)[0]
        if not title or OWN_FIGURE.search(title):
            return None
        mark = next((m for m in self.item_marks if m.match(title)), None)
        title = mark.sub("", title, count=1) if mark else title
        for cue in self.stage_cues:
            title = title.replace(cue, "")
        return SYMBOLS.sub("", title)

    def words(self, left: str) -> str:
        """The words naming a figure: its clause without years, brackets, numbering and fillers
        (共计, 实际, 已), nor words anywhere in it that name no other fund (专项, 项目: 整治专项资金
        is 整治资金); 合计 and 总计 stay (收入合计 is not 收入总计)."""
        text = YEAR_WORD.sub("", left).lstrip()
        mark = self.any_item_mark.match(text)  # （一）, 一是: numbering, before brackets go
        text = NUMBERING.sub("", BRACKETS.sub("", text[mark.end():] if mark else text))
        for word in self.neutral:
            text = text.replace(word, "")
        text = SYMBOLS.sub("", LEAD_JOINS.sub("", text))
        changed = True
        while changed:
            changed = False
            for word in self.fillers:
                if text.endswith(word):
                    text, changed = text[: -len(word)], True
                elif text.startswith(word):
                    text, changed = text[len(word):], True
        return text

    def key(self, claim: Claim) -> tuple | None:
        """(words, name, stage class, year, scope, period, dimension, unit) of a figure: its words are
        those before it in its clause (else in the clause before, else right after it), trailing
        stage cues stripped (公共文化服务体系建设专项资金预算 → …专项资金, stage 预算); its name their
        last ``name_chars`` characters."""
        q = claim.quantity
        if q.comparator != "=" or not q.unit or q.dimension not in MEASURED:
            return None
        # a notice's title (《关于提前下达…绩效目标的通知》) plans, changes and compares nothing
        sentence = CITED.sub(lambda m: "_" * len(m.group()), self.subjects.sentence_prefix(claim.span.start))
        size = len(self.subjects.left_of(claim.span.start))
        lead, left = sentence[: len(sentence) - size], sentence[len(sentence) - size:].replace("_", "")
        if any_of(self.not_words).search(self.not_cue_words.sub("", left)):
            return None
        before = self.previous_clause(lead, True)  # 收到…，资金100万元: the clause before says its stage
        if any_of(self.lead_not_words).search(before):
            return None  # 计划投入…，资金100万元; 追加…，共计20万元: what the clause before says of it
        part = bool(any_of(self.parts).search(lead) or any_of(self.parts).search(left))  # 其中: a part of some whole
        words, stage = self.staged(self.words(left))
        if not CJK.search(words):
            # 资金（水利部分），共计4200万元 / 共下达3150万元中央资金: the name in the clause before, or after the figure
            words = self.staged(self.words(self.previous_clause(lead)))[0] if left else self.named_after(claim)
        if len(CJK.findall(words)) < self.short_name_chars:
            return None
        found = [(words.rfind(cue), cue) for cue in self.stage_cues if cue in words]
        found += [(before.rfind(cue) - len(before), cue) for cue in self.stage_cues if cue in before]
        stage = stage or (self.stage_of[max(found)[1]] if found else "")
        for cue in self.stage_cues:  # 补助地方预算资金 is 补助地方资金, its stage said
            words = words.replace(cue, "")
        if len(CJK.findall(words)) < self.short_name_chars:
            return None
        if part:
            self.part.add(claim.id)
        if stage:
            self.stage[claim.id] = stage
        if part or len(CJK.findall(words)) < self.name_chars:
            self.loose.add(claim.id)
            if not part and stage:
                self.acts[claim.id] = stage
        years = YEAR.findall(sentence)
        scope = self.subjects.scope(claim.span.start, self.last_scope(words))
        label = self.subjects.label(claim.span.start)
        scope += "：" + label if label else ""  # 甲镇：…区级补助资金, 乙镇：…: two towns' funds
        return (words, words[-self.name_chars:], stage, int(years[-1]) if years else None, scope,
                self.period(sentence), q.dimension, q.unit if q.dimension != "money" else "")

    def last_scope(self, words: str) -> str:
        """The scope word nearest the fund's name: 下达甲自治区中央…资金 is a 中央 fund, sent to the 自治区."""
        found = [(words.rfind(s) + len(s), len(s), s) for s in self.subjects.scopes if s in words]
        return max(found)[2] if found else ""

    def cited(self, claim: Claim) -> str:
        """The last document number (川财农〔2024〕167号) the figure's sentence cites before it."""
        found = DOCUMENT_NUMBER.findall(self.subjects.sentence_prefix(claim.span.start))
        return re.sub(r"\s", "", found[-1]) if found else ""

    def staged(self, words: str) -> tuple[str, str]:
        """The words without the stage cues they end with, and the stage of the last of those."""
        stage = ""
        while True:
            cue = next((c for c in self.stage_cues if words.endswith(c)), "")
            if not cue:
                return words, stage
            stage, words = stage or self.stage_of[cue], self.words(words[: -len(cue)])

    @staticmethod
    def previous_clause(lead: str, any_figure: bool = False) -> str:
        """The clause before the figure's in its sentence; none when it holds a figure of its own
        (unless ``any_figure``)."""
        clauses = re.split(f"[{re.escape(CLAUSE_ENDS)}]", lead)
        previous = clauses[-2] if len(clauses) > 1 and not clauses[-1] else ""
        return "" if OWN_FIGURE.search(previous) and not any_figure else previous

    def named_after(self, claim: Claim) -> str:
        """The name right after a figure that leads its clause (10万元农村环境综合整治项目经费主要用于…)."""
        text = self.ctx.text[claim.span.end:claim.span.end + MAX_RIGHT]
        end = next((i for i, ch in enumerate(text) if ch in CLAUSE_ENDS), len(text))
        text = unicodedata.normalize("NFKC", squash(text[:end]))
        cut = min((text.find(w) for w in self.name_ends if w in text), default=len(text))
        return self.words(text[:cut]) if cut < len(text) else ""

    def period(self, sentence: str) -> str:
        """A part of the year named in the sentence before the figure (1-6月, 上半年); a date
        (2020年12月省财政厅下达…) says when, not which part of the year."""
        sentence = DATE.sub("", sentence)
        found = [m.group() for p in self.subjects.periods for m in p.finditer(sentence)]
        return found[-1] if found else ""


def common_suffix(texts: list[str]) -> str:
    size = 0
    while all(len(t) > size for t in texts) and len({t[len(t) - size - 1] for t in texts}) == 1:
        size += 1
    return texts[0][len(texts[0]) - size:]


def significant_digits(claim: Claim) -> int:
    return len(claim.quantity.value.normalize().as_tuple().digits)


def restatements(ctx: Context, words: Words) -> dict[tuple, list[list[Claim]]]:
    """Figures by name, stage, year, scope, period and unit, each group as its values (at most two):
    none of one sentence, of two stage classes or of two years."""
    groups: dict[tuple, list[tuple[Claim, str, int | None]]] = defaultdict(list)
    for claim in ctx.narrative:
        key = words.key(claim)
        if key is not None:
            words.named[claim.id] = key[0]
            groups[key[1:2] + key[4:]].append((claim, key[2], key[3]))
    named_items(ctx, words, groups)
    stated: dict[tuple, list[list[Claim]]] = {}
    for key, staged in groups.items():
        stages, years = {stage for _, stage, _ in staged if stage}, {year for _, _, year in staged if year}
        if len(stages) > 1 or len(years) > 1:
            continue  # 下达… and 使用… of one fund, or two years of it: which the bare one is cannot be told
        if years and any(year is None for _, _, year in staged) and years != {ctx.reading.report_year}:
            continue  # 2022年完成… beside an undated figure of a 2023 report: the undated one is the report year's
        members = [c for c, _, _ in staged]
        if len(members) > 1 and len({ctx.sentence(c.span.start, FULL_STOPS).start for c in members}) == len(members):
            values = clusters(members)
            if len(values) <= 2:
                stated[key] = values
    return stated


def named_items(ctx: Context, words: Words, groups: dict[tuple, list]) -> None:
    """Figures without a label joined to those of one labelled item when their sentences name that
    item in full (甲项目：…温室36座 … 甲项目在…温室36座): the label then tells no items apart."""
    labelled: dict[tuple, list[tuple]] = defaultdict(list)
    for key in groups:
        scope = key[1]
        label = scope.rsplit("：", 1)[-1] if "：" in scope else ""
        if len(CJK.findall(YEAR_WORD.sub("", label))) < words.name_chars:
            continue
        plain = scope[: -len(label) - 1]
        labelled[(key[0], "" if plain == "：" + label else plain, *key[2:])].append((key, YEAR_WORD.sub("", label)))
    for plain, items in labelled.items():
        if len(items) != 1 or plain not in groups:
            continue  # two labelled items of that name: which one a bare figure is cannot be told
        key, label = items[0]
        if all(label in YEAR_WORD.sub("", words.subjects.sentence_prefix(c.span.start)) for c, *_ in groups[plain]):
            groups[key] += groups.pop(plain)


def restated_part(ctx: Context, words: Words, members: list[Claim]) -> bool:
    """A part (…，其中甲经费10万元) restated on its own in the next paragraph (10万元甲经费主要用于…): named
    by the same words in full, the restatement naming no stage (before or after it in its clause) and the one
    figure of its kind in its sentence.
    Two parts (三公经费预算…其中公务用车运行维护费, 实际支出…其中公务用车运行维护费) are parts of two wholes."""
    if len(members) != 2:
        return False
    part, alone = sorted(members, key=lambda c: c.span.start)
    if part.id not in words.part or alone.id in words.loose or alone.id in words.stage:
        return False
    if words.named[part.id] != words.named[alone.id] or alone.block != part.block + 1:
        return False
    if ctx.block(part.block).kind != "paragraph" or ctx.block(alone.block).kind != "paragraph":
        return False
    after = ctx.text[alone.span.end:ctx.sentence(alone.span.start, CLAUSE_ENDS).end]
    if any(cue in after for cue in words.stage_cues):
        return False  # 8万元甲经费已全部支付: a stage said after the figure (paid, not the budgeted part)
    sentence = ctx.claims_in(ctx.sentence(alone.span.start, FULL_STOPS))
    return [c for c in sentence if c.quantity.dimension == alone.quantity.dimension] == [alone]


def one_account(words: Words, members: list[Claim]) -> bool:
    """Numbered lines titled alike but for their stage (1.资金到位情况。… 2.资金执行情况。…): sections on one
    account, not parallel items."""
    titles = {words.heading(c) for c in members}
    return len(titles) == 1 and None not in titles and "" not in titles


def find(ctx: Context) -> Iterator[Constraint]:
    words = Words(ctx)
    spec = ctx.rules["subjects"].get("restated_words", {})
    min_digits, long_name = int(spec.get("corroborating_digits", 3)), int(spec.get("long_name_chars", 14))
    sure_digits = int(ctx.rules["subjects"].get("restated_pairs", {}).get("sure_digits", 4))
    stated = restatements(ctx, words)
    # blocks between which some quantity is restated alike, in a figure too precise to agree by chance
    # (a short name or a part's, only in one more digit)
    agreed = [(key, {c.block for c in values[0]}) for key, values in stated.items()
              if len(values) == 1 and significant_digits(values[0][0]) >= (
                  sure_digits if any(c.id in words.loose for c in values[0]) else min_digits)]
    title = words.words(unicodedata.normalize("NFKC", squash(ctx.reading.title)))
    for key, values in stated.items():
        members = [c for group in values for c in group]
        blocks = {c.block for c in members}
        name = common_suffix([words.named[c.id] for c in members])
        if len({words.cited(c) for c in members} - {""}) > 1:
            continue  # 〔2022〕815号下达…资金900万元，〔2023〕462号下达…资金260万元: two notices, two allocations
        corroborated = any(blocks <= other for other_key, other in agreed if other_key != key)
        acted = len(blocks) == 1 and len({words.acts.get(c.id, "") for c in members} - {""}) == 1 and all(
            c.id in words.acts for c in members)
        part_restated = restated_part(ctx, words, members)
        if any(c.id in words.loose for c in members) and not part_restated and not (
                (corroborated or acted) and all(words.named[c.id] == name for c in members)):
            continue  # a short name (预拨资金) or a part (其中…): one quantity only named alike in full, with its
            # act in one paragraph (使用补贴资金), or between two passages that restate another figure alike
        # 动用…基金, 安排…基金: a short name shared by two longer phrases names two acts
        if not corroborated and len(name) < long_name and all(words.named[c.id] != name for c in members):
            continue
        if len(blocks) > 1 and not corroborated:
            # a fund named alike in full by all (补助地方预算资金 … 补助地方资金) is one fund; not so one named in
            # full by one only (甲县农村公路资金 … 农村公路资金: a county's share and the whole)
            named_in_full = members[0].quantity.dimension == "money" and all(words.named[c.id] == name for c in members)
            if len(name) < long_name and name not in title and not named_in_full:
                continue  # alike in words only, in two passages: parallel items (1.甲项目…资金303万元；2.乙项目…资金107万元)
            marks = {words.item_mark(c) for c in members}
            if len(marks) == 1 and None not in marks and not (part_restated and one_account(words, members)):
                continue  # 1.甲镇下达…补助资金，2.乙镇下达…补助资金: items of one list, however long the name
        if len(values) == 1:
            yield ctx.constraint("same_quantity", "XREF001", members, "link", what=name, every=True)
        else:
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], values[1][0]], "link", what=name)
