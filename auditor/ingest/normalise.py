"""The normalised view of a document's text, with a map back to the original offsets.

Readers match words and units against one vocabulary written in simplified characters and
half-width forms; real reports come in traditional characters, with full-width digits, with
pinyin glosses copied from web pages (``預(yù)算``) and with lines hard-wrapped mid-sentence. The
view folds all of these once:

- traditional → simplified characters (OpenCC's ``t2s``), one character for one;
- full-width digits, letters and the signs figures use (``％．（）～－＋／＜＞＝``) → ASCII;
  the Chinese comma, full stop and colon are the standard forms of Chinese text and stay;
- a parenthesised pinyin syllable with a tone mark right after a Chinese character is dropped;
- a line break inside a sentence (the line runs on, the next line goes on with the sentence)
  is dropped with the indentation around it.

Characters are only replaced one for one or dropped, never inserted, so ``origin[i]`` (the
original offset of normalised character ``i``) is strictly increasing and a normalised span maps
to the original span from its first to its last character: a figure's evidence is the original
text, glosses and line breaks inside it included.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from auditor.model import Block, Document, NormalisedText, Span

FULL_WIDTH = str.maketrans({
    **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},  # ０-９
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},  # Ａ-Ｚ
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},  # ａ-ｚ
    "％": "%", "．": ".", "（": "(", "）": ")", "～": "~", "－": "-", "＋": "+", "／": "/",
    "＜": "<", "＞": ">", "＝": "=", "［": "[", "］": "]",
})
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# 預(yù)算, 學（xué）段: a Chinese character, then one pinyin syllable with a tone mark in brackets.
# A bracket without a tone mark (``(A)``, ``(de)``) is left alone: it may be a header's letter.
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zA-Zɑɡüv]*[{TONE_MARKS}][a-zA-Zɑɡüv{TONE_MARKS}]*[)）]")
# A line may end mid-sentence only if it does not end a sentence, a clause list or a heading...
SENTENCE_END = tuple("。；;！!？?：:…")
# ...and the next line carries on the sentence rather than starting an item, a heading or a cell.
# (a decimal percentage opening a line, 29.2%, is no item number 29.)
ITEM_START = re.compile(r"[ \t\u3000\xa0]*(?:[（(]?[一二三四五六七八九十\d]{1,3}(?:[、)）]|\.(?![\d.]*%))|[①-⑳]|第[一二三四五六七八九十\d]+[章节条部]"
                        r"|[-•·*#>|])")
CLAUSE_MARK = re.compile(r"[，,、；;。]")
CHINESE_RUN = re.compile(r"[\u3400-\u9fff]+")
NUMBER_COLUMNS = re.compile(r"[\d.]+[ \t\u3000]+[\d.]")
CARRIES_ON = re.compile(r"[\d\u3400-\u9fff，。、；：%）)」』”]")
# Hard wraps break long lines at one width: at least MIN_WRAPPED_LINES lines of one length (of
# MIN_WRAPPED_LINE characters or more), one in WRAPPED_SHARE of the long lines, show it.
MIN_WRAPPED_LINE = 16
MIN_WRAPPED_LINES = 4
WRAPPED_SHARE = 4


def normalise_text(text: str) -> NormalisedText:
    """The normalised view of ``text`` (see the module's doc)."""
    folded = _simplified(text).translate(FULL_WIDTH)
    dropped = _gloss_spans(folded) + _wrap_spans(folded)
    if not dropped:
        return NormalisedText(folded, None, len(text))
    pieces, origin, kept_from = [], array("l"), 0
    for start, end in sorted(dropped):
        start = max(start, kept_from)
        pieces.append(folded[kept_from:start])
        origin.extend(range(kept_from, start))
        kept_from = max(kept_from, end)
    pieces.append(folded[kept_from:])
    origin.extend(range(kept_from, len(folded)))
    return NormalisedText("".join(pieces), origin, len(text))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A label or header cell as the vocabulary is written: normalised, whitespace removed.
    For matching words only; offsets into the result mean nothing."""
    return "".join(normalise_text(text).text.split())


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """``text`` in simplified characters, one for one: a table cell's words as the vocabulary
    is written (預算數 as 预算数), whatever loader read the table."""
    return _simplified(text) if any("\u3400" <= c <= "\u9fff" for c in text) else text


def simplified_characters(text: str) -> str:
    """``text`` with each Chinese character simplified on its own (one for one, phrases not
    looked at): a same-length view for finding words, converted in one call however long."""
    chinese = sorted(c for c in set(text) if "\u3400" <= c <= "\u9fff")
    converted = _converter().convert("\n".join(chinese)).split("\n") if chinese else []
    if len(converted) != len(chinese):
        return text
    table = {ord(c): s for c, s in zip(chinese, converted) if len(s) == 1 and s != c}
    return text.translate(table) if table else text


@lru_cache(maxsize=1)
def _converter():  # -> opencc.OpenCC, imported lazily
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """``text`` in simplified characters, one for one. OpenCC converts phrases, which may change
    a length; a line where it does is converted character by character."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")
    out = []
    for line in lines:
        done = _converter().convert(line)
        if len(done) != len(line):
            done = "".join(c if len(s := _converter().convert(c)) != 1 else s for c in line)
        out.append(done)
    return "\n".join(out)


def _gloss_spans(text: str) -> list[tuple[int, int]]:
    if "(" not in text:
        return []
    return [m.span() for m in PINYIN_GLOSS.finditer(text)]


def _wrap_spans(text: str) -> list[tuple[int, int]]:
    """The line breaks (with trailing spaces and the next line's indentation) inside sentences."""
    lines = []
    start = 0
    while (nl := text.find("\n", start)) >= 0:
        lines.append((start, nl))
        start = nl + 1
    stripped = [text[a:b].strip(" \t\r\u3000\xa0") for a, b in lines]
    lengths = [len(line) for line in stripped]
    widths = _wrap_widths(lengths)
    columns = [n + len(WIDE.findall(line)) for n, line in zip(lengths, stripped)]
    band = _column_band(columns)
    if not widths and band is None:
        return []
    full = [n in widths or band is not None and band[0] <= width <= band[1] for n, width in zip(lengths, columns)]
    # a neighbour may run a little wider than the band (spaces a PDF export put between characters)
    wide = [f or band is not None and band[0] <= width <= band[1] + _wrap_rules()["slack"]
            for f, width in zip(full, columns)]
    spans = []
    continued = False  # the line before was wrapped into this one at the width in columns
    for n, (a, b) in enumerate(lines):
        # a line as wide as the wrap width, in a run of two such lines or more (a list of items
        # of about one length, each on its line, is no run of wrapped lines)
        in_run = full[n] and (n > 0 and wide[n - 1] or n + 1 < len(wide) and wide[n + 1])
        if not in_run:
            continued = False
            continue
        line = text[a:b].rstrip(" \t\r\u3000\xa0")
        after = b + 1
        while after < len(text) and text[after] in " \u3000\xa0":
            after += 1
        if _wrapped(line, text, after, continued):
            spans.append((a + len(line), after))
            continued = True
        else:
            continued = False
    return spans


# The characters shown two columns wide (East Asian Wide and Fullwidth in the Basic Multilingual
# Plane, as wcwidth tables list them): one pattern, so a line is measured in C, not character by character.
WIDE = re.compile("[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19"
                  "\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]")


@lru_cache(maxsize=1)
def _wrap_rules() -> dict:
    from auditor.rules import RuleSet

    return RuleSet.load()["tables"]["wraps"]


def _column_band(columns: list[int]) -> tuple[int, int] | None:
    """The columns (lowest, highest) a wrapped line of this text fills, when a wrap width shows:
    many long lines end within ``slack`` columns below one width, or one closing mark beyond it
    (``wraps`` in rules/tables.yaml). None for a text of paragraphs, cells or headings."""
    rules = _wrap_rules()
    long = Counter(c for c in columns if c >= rules["min_columns"])
    total = sum(long.values())
    best, top = 0, 0
    for width in long:
        near = sum(long[w] for w in range(width - rules["slack"], width + 3))
        if (near, width) > (best, top):
            best, top = near, width
    if best < rules["min_lines"] or best * rules["share"] < total:
        return None
    return top - rules["slack"], top + 2



def _wrap_widths(widths: list[int]) -> set[int]:
    """The lengths a hard-wrapped text breaks its lines at: a length (give or take one, for a
    closing mark pushed onto the line) that many long lines share. Empty for a text whose lines
    are paragraphs, cells or headings."""
    long = Counter(w for w in widths if w >= MIN_WRAPPED_LINE)
    total = sum(long.values())
    found: set[int] = set()
    for width, _ in long.most_common(3):
        near = long[width - 1] + long[width] + long[width + 1]
        if near >= MIN_WRAPPED_LINES and near * WRAPPED_SHARE >= total:
            found.update((width - 1, width, width + 1))
    return found


def _wrapped(line: str, text: str, next_start: int, continued: bool = False) -> bool:
    """Whether ``line`` breaks mid-sentence; ``continued`` when the line before was wrapped into it
    (a line carrying a sentence on needs no clause mark of its own)."""
    stripped = line.lstrip(" \t\u3000\xa0")
    if stripped.endswith(SENTENCE_END) or "\t" in line or "|" in line or stripped.startswith(("#", "-", "•")):
        return False
    numbered = ITEM_START.match(stripped)
    if numbered and stripped.endswith(("）", ")")):
        return False  # （二）项目过程情况（分值25分，自评得分23.5分）: a heading closed by its bracket
    if not continued and not CLAUSE_MARK.search(stripped[numbered.end():] if numbered else stripped):
        return False  # a title or a heading that happens to be as long as the wrapped lines
    nxt = text[next_start:next_start + 1]
    if not nxt or not CARRIES_ON.match(nxt) or ITEM_START.match(text, next_start):
        return False
    # 万\n元 joins; a digit at both ends, or a line of bare numbers (3 3 资金使用), might be
    # figures of a column: keep them apart.
    return not (stripped[-1].isdigit() and nxt.isdigit()) and not NUMBER_COLUMNS.match(text, next_start)


def aligned(document: Document) -> str:
    """The original text with its Chinese characters simplified, one for one, and its pinyin
    glosses blanked: the same length as the original, so that the linking stage reads cue words in
    one vocabulary (預算 as 预算) at the original offsets every claim and finding carries. Line breaks,
    full-width forms and punctuation stay as written; the line breaks of hard wraps are blanked."""
    view = view_of(document)
    original = document.text
    if view.origin is None:
        if len(view.text) != len(original):
            return original
        # runs of Chinese characters from the view, everything between them as written
        pieces, at = [], 0
        for run in CHINESE_RUN.finditer(original):
            pieces += (original[at:run.start()], view.text[run.start():run.end()])
            at = run.end()
        pieces.append(original[at:])
        return "".join(pieces)
    # dropped characters blanked: a gloss, and a hard wrap's line break with its indentation, so that
    # a clause read by the linking stage runs on over the wrap as the reader's does
    chars = [" "] * len(original)
    for i, n in enumerate(view.text):
        at = view.origin[i]
        o = original[at]
        chars[at] = n if "\u3400" <= o <= "\u9fff" else o
    return "".join(chars)


def with_normalised(document: Document) -> Document:
    """``document`` with its normalised view attached (itself when it has one), and the paragraph
    blocks of each hard-wrapped paragraph made one block."""
    if document.normalised is not None:
        return document
    view = normalise_text(document.text)
    return replace(document, normalised=view, blocks=_wraps_joined(document.blocks, view))


def _wraps_joined(blocks: tuple[Block, ...], view: NormalisedText) -> tuple[Block, ...]:
    """Consecutive paragraphs (one a line) whose line break the view dropped as a wrap, as one."""
    if view.origin is None:
        return blocks
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if last is not None and block.kind == last.kind == "paragraph" and block.page == last.page \
                and last.span.end < block.span.start \
                and view.to_normalised(last.span.end) == view.to_normalised(block.span.start):
            out[-1] = replace(last, span=Span(last.span.start, block.span.end))  # nothing kept between
        else:
            out.append(block)
    return tuple(out) if len(out) < len(blocks) else blocks


def view_of(document: Document) -> NormalisedText:
    """The normalised view of ``document``, built when the loader did not attach one."""
    return document.normalised if document.normalised is not None else normalise_text(document.text)
