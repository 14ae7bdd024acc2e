"""Find the figures in a text: numbers with magnitude, unit, comparator and range.

Works on a 1:1 normalised copy of the text (full-width digits and signs mapped to ASCII, same
length), so every offset found is an offset into the original text. Numbers that are not claims
(years, dates, phone numbers, document numbers, list numbering) are tagged, not dropped, so the
year check can use them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import regex

FULLWIDTH = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "．": ".", "％": "%", "＜": "<", "＞": ">", "＝": "=", "～": "~", "－": "-", "，": "，",
})

ARABIC = regex.compile(r"(?<![0-9.])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?![0-9])")
CHINESE = regex.compile(r"[零〇一二两三四五六七八九十百千万]+")
# Longer runs are codes or garbage, not figures (and would overflow Decimal arithmetic or take
# cn2an quadratic time): a budget's largest figure, in 元 with cents, has about 15 digits.
MAX_DIGITS = 30
MAX_NUMERAL_CHARS = 24
PERCENT_WORD = "百分之"
PREFIX_COMPARATORS = (
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("大于等于", ">="), ("不超过", "<="),
    ("不高于", "<="), ("不大于", "<="), ("小于等于", "<="), ("大于", ">"), ("高于", ">"),
    ("超过", ">"), ("小于", "<"), ("低于", "<"), ("≥", ">="), ("≤", "<="), (">=", ">="),
    ("<=", "<="), ("≧", ">="), ("≦", "<="), (">", ">"), ("<", "<"), ("约", "~"),
)
PREFIX_BY_LAST_CHAR: dict[str, tuple[tuple[str, str], ...]] = {
    last: tuple(p for p in PREFIX_COMPARATORS if p[0][-1] == last) for last in {w[-1] for w, _ in PREFIX_COMPARATORS}
}  # the comparators that may end just before a number, in PREFIX_COMPARATORS order
SUFFIX_COMPARATORS = (("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
                      ("左右", "~"))
RANGE_DASHES = "-~—–至到"
SPACES = " \u00a0\u3000"
ORDINAL_BEFORE = ("附件", "附表", "表", "图", "第", "目标完成", "序号", "No.", "NO.")
PHONE_CUES = ("电话", "手机", "传真", "热线", "联系方式")
# Labels of identifiers: the digits after them are a code, not a figure.
CODE_CUES = ("索引号", "文号", "编号", "备案号", "登记号", "邮编", "邮政编码", "代码", "证号", "账号", "序列号")
# A web address or a file name: ASCII letters with URL punctuation, or an index number (01525707-9/2023…).
CODE_RUN = regex.compile(r"(?=.*[A-Za-z])(?=.*[/_=?&#@]|.*\.(?:s?html?|aspx?|php|jsp|pdf|docx?|xlsx?))|(?=.*/)(?=.*-)")
# three bytes of a URL-encoded character (%E8%B5%84), or encoded twice (%25E8%25B5%2584)
PERCENT_ENCODED = regex.compile(r"(?:%(?:25)?[0-9A-F]{2}){3}")
DATE_BEFORE = regex.compile(r"(?<![0-9])(?:19|20)[0-9]{2}([-/])(?:[0-9]{1,2}\1)?$")  # 2023-, 2023-05-
AREA_CODE_PHONE = regex.compile(r"(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")
DOCNO_CLOSE = "〕]】﹞"
NUMBERING_AFTER = ".、)）"
LIST_JOINS = ("、", ",", "，", "和", "及")
WRAPPED_UNIT_ENDS = "，,。；;、)）"  # a unit wrapped onto the next line ends its clause there


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    dimension: str
    factor: Decimal
    exact: bool


@dataclass(frozen=True, slots=True)
class Figure:
    start: int  # whole figure: comparator, number, unit
    end: int
    number_start: int
    number_end: int
    value: Decimal
    decimals: int
    unit: Unit | None
    unit_text: str  # as written, doubled units included
    comparator: str = "="
    high: Decimal | None = None  # upper end of a range
    tag: str = "figure"  # figure, year, date, phone, docno, numbering


class UnitLexicon:
    def __init__(self, table: dict) -> None:
        self.units = {
            text: Unit(text, spec.get("dimension", ""), Decimal(str(spec.get("factor", 1))), bool(spec.get("exact")))
            for text, spec in table.get("units", {}).items()
        }
        for magnitude, times in table.get("magnitudes", {}).items():
            for text, unit in list(self.units.items()):
                if unit.dimension in table.get("magnitude_dimensions", ()) and magnitude + text not in self.units:
                    self.units[magnitude + text] = Unit(magnitude + text, unit.dimension,
                                                        unit.factor * Decimal(str(times)), False)
        self.by_length = sorted(self.units, key=len, reverse=True)
        self.by_first_char: dict[str, list[str]] = {}  # longest first, as by_length
        for unit in self.by_length:
            self.by_first_char.setdefault(unit[0], []).append(unit)
        self.numeral_units = tuple(sorted(table.get("numeral_units", ()), key=len, reverse=True))
        self.money_unit = table.get("report_money_unit", "万元")
        self.not_doubled = tuple(table.get("not_doubled_before", ()))

    def match(self, text: str, pos: int) -> Unit | None:
        for unit in self.by_first_char.get(text[pos:pos + 1], ()):
            if text.startswith(unit, pos):
                return self.units[unit]
        return None


def normalise(text: str) -> str:
    return text.translate(FULLWIDTH)


def to_decimal(digits: str) -> tuple[Decimal, int]:
    digits = digits.replace(",", "")
    value = Decimal(digits)
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return value, decimals


@lru_cache(maxsize=4096)
def chinese_value(numeral: str) -> Decimal | None:
    import cn2an  # imported lazily: only reports with Chinese numerals pay for it

    try:
        return Decimal(str(cn2an.cn2an(numeral, "smart")))
    except (ValueError, KeyError, InvalidOperation, TypeError):
        return None


def skip_spaces(text: str, pos: int, limit: int = 2) -> int:
    end = pos
    while end < len(text) and end - pos < limit and text[end] in SPACES:
        end += 1
    return end


def _prefix_comparator(text: str, start: int) -> tuple[str, int]:
    pos = start
    while pos > 0 and text[pos - 1] in SPACES and start - pos < 2:
        pos -= 1
    for word, comparator in PREFIX_BY_LAST_CHAR.get(text[pos - 1], ()) if pos else ():
        if text.startswith(word, pos - len(word)) and pos - len(word) >= 0:
            return comparator, pos - len(word)
    return "=", start


def _line_start(text: str, pos: int) -> bool:
    """Only whitespace or a clause break between ``pos`` and the start of its line/clause."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000\u00a0":
        i -= 1
    return i < 0 or text[i] in "\n\r。；;：:"


def classify(text: str, start: int, end: int, value: Decimal, decimals: int, unit: Unit | None) -> str:
    """Tag numbers that are not claims. ``text`` is normalised; [start, end) is the bare number."""
    after = text[skip_spaces(text, end):skip_spaces(text, end) + 2]
    before = text[max(0, start - 6):start]
    integer = decimals == 0 and "," not in text[start:end]
    digits = end - start
    if unit is None and _in_code(text, start, end) or "%" in text[max(0, start - 3):end + 3] \
            and _url_encoded(text, start, end):
        return "code"
    if integer and digits == 4 and 1900 <= value <= 2100:
        if after[:1] in ("年", "-", "/") or (after[:1] == "." and text[end + 1:end + 2].isdigit()):
            return "year"
        if before[-1:] in "〔[（(【﹝" and after[:1] in "〕]）)】﹞":
            return "docno"
        if unit is None and "\u4e00" <= after[:1] <= "\u9fff" and "\u4e00" <= before[-1:] <= "\u9fff":
            return "year"  # 某县2024新型经营主体培训项目: a year written without 年 inside a name
    if integer and unit is None and value <= 31 and DATE_BEFORE.search(text, max(0, start - 8), start):
        return "date"  # 2023-05-29, 2023/5/29: the month and the day of a date written with dashes
    if integer and after[:1] in ("月", "日", "号") and unit is None:
        if after[:1] == "号" and "〕" not in before and "]" not in before and value > 31:
            return "docno"
        return "date" if after[:1] != "号" else "docno"
    if integer and before[-1:] in "〕]】" and after[:1] == "号":
        return "docno"
    if integer and unit is None:
        if before and before[-1] in DOCNO_CLOSE:
            return "docno"  # 〔2021〕41、181号: the serial after a document's year
        if 5 <= digits <= 8 and 1990 <= value // 10 ** (digits - 4) <= 2099 and before \
                and "\u4e00" <= before[-1] <= "\u9fff" and before.rfind("(") > before.rfind(")"):
            return "docno"  # (滨财农2021065): a document number written without its brackets
        if any(c in text[max(0, start - 12):start] for c in CODE_CUES):
            return "code"
        if digits == 11 and text[start] == "1" or digits >= 7 and any(c in before for c in PHONE_CUES):
            return "phone"
        if any(c in text[max(0, start - 8):start] for c in PHONE_CUES) and digits >= 5:
            return "phone"
        if before.endswith(ORDINAL_BEFORE):
            return "numbering"
        if after[:1] in NUMBERING_AFTER and not text[end + 1:end + 2].isdigit() and value < 100:
            if _line_start(text, start) or after[:1] == "、":
                return "numbering"
        if before[-1:] in "(（【" and after[:1] in ")）】":
            return "numbering"
        if after[:1] in ("：", ":") and value < 100 and _line_start(text, start):
            return "numbering"
    return "figure"


def _ascii_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of printable ASCII (brackets excepted) around [start, end)."""
    left, right = start, end
    while left > 0 and start - left < 200 and "!" <= text[left - 1] <= "~" and text[left - 1] not in "()":
        left -= 1
    while right < len(text) and right - end < 200 and "!" <= text[right] <= "~" and text[right] not in "()":
        right += 1
    return left, right


def _url_encoded(text: str, start: int, end: int) -> bool:
    """Whether [start, end) lies in percent-encoded text (%25E8%25B5%2584: a copied link's name)."""
    left, right = _ascii_run(text, start, end)
    return PERCENT_ENCODED.search(text, left, right) is not None


def _in_code(text: str, start: int, end: int) -> bool:
    """Whether [start, end) lies in a web address, a file name, an index number or a phone
    number with its area code (023-67418852)."""
    left, right = _ascii_run(text, start, end)
    run = text[left:right]
    if run == text[start:end]:
        return False
    return CODE_RUN.match(run) is not None or any(
        m.start() <= start - left and end - left <= m.end() for m in AREA_CODE_PHONE.finditer(run))


def _wrapped_unit_at(text: str, lexicon: UnitLexicon, pos: int) -> int:
    """Where a unit starts on the next line after a sentence broken between figure and unit
    (同比增加 1365480\n元，增长…), else ``pos``. Only in running text (the line holds words before
    the figure, the next line does not start with a tab) and only for a unit that ends a word:
    followed by a clause mark, not by more characters (3\n人员 is a new line's word)."""
    at = skip_spaces(text, pos)
    if text[at:at + 1] != "\n":
        return pos
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    if "\t" in line or not any("\u4e00" <= c <= "\u9fff" for c in line):
        return pos
    unit = lexicon.match(text, at + 1)
    if unit is None or not unit.dimension:
        return pos
    after = text[at + 1 + len(unit.text):at + 2 + len(unit.text)]
    return at + 1 if after and after in WRAPPED_UNIT_ENDS else pos


def _unit_after(text: str, lexicon: UnitLexicon, pos: int) -> tuple[Unit | None, int, str]:
    """The unit starting at ``pos`` (after up to two spaces, or on the next line when a sentence
    wraps between figure and unit), its end, and its written form."""
    at = skip_spaces(text, _wrapped_unit_at(text, lexicon, pos))
    comparator_gap = ""
    if text[at:at + 1] in ("余", "多"):  # 30余次: more than 30
        comparator_gap = text[at]
        at += 1
    unit = lexicon.match(text, at)
    if unit is None:
        return None, pos, comparator_gap
    end = at + len(unit.text)
    # 月 after 个 is a duration, after a bare number a date: handled by the lexicon's 个月.
    doubled_magnitude = 0
    if unit.text in ("万", "亿") and text.startswith(unit.text, end):
        doubled_magnitude = len(unit.text)  # 46.8万万元: a doubled 万 before the unit
    if unit.text in ("万", "亿"):
        if not doubled_magnitude and text[end:end + 1] in ("余", "多") and not comparator_gap:
            more = lexicon.match(text, end + 1)  # 7万余户: more than 70,000 households
            if more is not None and unit.text + more.text in lexicon.units:
                return lexicon.units[unit.text + more.text], end + 1 + len(more.text), text[end]
        follow = lexicon.match(text, end + doubled_magnitude)
        if follow is not None and follow.text not in ("万", "亿"):
            combined = lexicon.units.get(unit.text + follow.text)
            if combined:
                unit, end = combined, end + doubled_magnitude + len(follow.text)
    written_end = end
    # A doubled unit (万元元, 万人人) is kept as written: the unit check reports it.
    if not text.startswith(lexicon.not_doubled, end - 1):
        if text.startswith(unit.text, end) and (len(unit.text) > 1 or not unit.text.isalpha()):
            written_end = end + len(unit.text)
        elif unit.text[-1] in "元人" and text.startswith(unit.text[-1], end) \
                and not text.startswith(lexicon.not_doubled, end):
            written_end = end + 1
    return unit, written_end, comparator_gap


def find_figures(original: str, lexicon: UnitLexicon, text: str | None = None) -> list[Figure]:
    """Every figure in ``original``, in order. ``text`` may pass a precomputed normalise(original)."""
    text = normalise(original) if text is None else text
    figures: list[Figure] = []
    consumed = 0
    for m in ARABIC.finditer(text):
        if m.start() < consumed:
            continue
        if m.start() > 0 and (text[m.start() - 1].isascii() and text[m.start() - 1].isalpha()):
            continue  # part of a code such as APP2, G20
        if m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalpha() and text[m.end()] not in "%" \
                and lexicon.match(text, m.end()) is None:
            continue  # part of a code such as 2B, unless a unit follows (13.48hm²)
        if m.end() - m.start() > MAX_DIGITS:
            continue
        value, decimals = to_decimal(m.group())
        figure = _complete(text, lexicon, m.start(), m.end(), value, decimals)
        figures.append(figure)
        consumed = figure.end
    figures.extend(_chinese_figures(text, lexicon, figures))
    figures.sort(key=lambda f: f.start)
    return _date_lists(text, figures)


def _date_lists(text: str, figures: list[Figure]) -> list[Figure]:
    """6、9、11月: numbers listed before a month or day are dates too; 〔2021〕41、181、192号:
    numbers listed after a document's serial are serials too."""
    for i in range(len(figures) - 2, -1, -1):
        fig, following = figures[i], figures[i + 1]
        if fig.tag == "figure" and fig.unit is None and following.tag == "date" \
                and text[fig.number_end:following.number_start].strip() in LIST_JOINS:
            figures[i] = replace(fig, tag="date")
    for i in range(1, len(figures)):
        fig, previous = figures[i], figures[i - 1]
        if fig.tag == "figure" and fig.unit is None and fig.decimals == 0 and previous.tag == "docno" \
                and text[previous.number_end:fig.number_start].strip() in LIST_JOINS:
            figures[i] = replace(fig, tag="docno")
    return figures


def _complete(text: str, lexicon: UnitLexicon, start: int, end: int, value: Decimal, decimals: int) -> Figure:
    unit, unit_end, gap = _unit_after(text, lexicon, end)
    comparator, fig_start = _prefix_comparator(text, start)
    if gap:
        comparator = ">"
    figure_end = unit_end if unit else end
    unit_text = text[end:unit_end].lstrip(SPACES + "\n余多") if unit else ""
    if gap and unit_text[1:2] == gap:
        unit_text = unit_text[:1] + unit_text[2:]  # 7万余户: the unit is 万户
    high = None
    # Range: 10%-20%, 10-20%, 10～20万元
    dash_at = skip_spaces(text, figure_end)
    if text[dash_at:dash_at + 1] and text[dash_at] in RANGE_DASHES:
        second = ARABIC.match(text, skip_spaces(text, dash_at + 1))
        if second and second.end() - second.start() <= MAX_DIGITS:
            v2, d2 = to_decimal(second.group())
            unit2, unit2_end, _ = _unit_after(text, lexicon, second.end())
            if (unit2 is not None and (unit is None or unit2.text == unit.text)) or (unit2 is None and unit is not None):
                if unit is None:
                    unit, unit_text = unit2, text[skip_spaces(text, second.end()):unit2_end]
                high = v2
                decimals = max(decimals, d2)
                comparator = "range"
                figure_end = unit2_end if unit2 else second.end()
    for word, comp in SUFFIX_COMPARATORS:
        if text.startswith(word, figure_end):
            comparator = comp
            figure_end += len(word)
            break
    tag = classify(text, start, end, value, decimals, unit)
    if tag == "figure" and unit is not None and unit.text == "年" and value >= 100:
        tag = "year"
    return Figure(fig_start, figure_end, start, end, value, decimals, unit, unit_text, comparator, high, tag)


def _chinese_figures(text: str, lexicon: UnitLexicon, arabic: list[Figure]) -> list[Figure]:
    """十三场, 两次, 百分之九十: Chinese numerals only where a unit or 百分之 makes them figures."""
    out = []
    starts = [f.start for f in arabic]
    for m in CHINESE.finditer(text):
        start, end = m.start(), m.end()
        if end - start > MAX_NUMERAL_CHARS:
            continue
        i = bisect_right(starts, start) - 1
        if i >= 0 and arabic[i].start <= start < arabic[i].end:
            continue
        percent = text.startswith(PERCENT_WORD, start - len(PERCENT_WORD)) if start >= 3 else False
        if text[start - 1:start] == "第":
            continue
        unit = None
        unit_end = end
        if percent:
            unit = lexicon.units.get("%")
        else:
            for written in lexicon.numeral_units:
                if text.startswith(written, end):
                    unit = lexicon.units.get(written)
                    unit_end = end + len(written)
                    break
        if unit is None:
            continue
        value = chinese_value(m.group())
        if value is None:
            continue
        fig_start = start - len(PERCENT_WORD) if percent else start
        fig_end = end if percent else unit_end
        out.append(Figure(fig_start, fig_end, start, end, value, 0, unit,
                          "%" if percent else unit.text, "=", None, "figure"))
    return out
