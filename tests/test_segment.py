"""Words cut run by run (auditor.nlp.segment) are the words jieba cuts from the whole line."""

from __future__ import annotations

import jieba
import pytest

from auditor.nlp.segment import Tokens

TEXTS = [
    "2023年项目资金到位率100%，实际支出资金452.6万元，执行率为98.5%。",
    "（一）全年预算数  1,234.56万元\t其中：财政拨款 1,000万元\r\n下年度继续推进高标准农田建设",
    "完成A-1标段+B区维修共计3.5km；covid-19 防控物资采购 12 批次",
    "",
    "，。；",
]


def whole_line_words(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for word in jieba.cut(text, cut_all=False):
        if not word.isspace():
            out.append((pos, pos + len(word), word))
        pos += len(word)
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_words_are_those_of_the_whole_line(text):
    expected = whole_line_words(text)
    assert Tokens(text).between(0, len(text)) == expected
    for start in range(len(text)):
        for end in range(start, len(text) + 1, 3):
            inside = [w for w in expected if start <= w[0] and w[1] <= end]
            assert Tokens(text).between(start, end) == inside, (start, end)


def test_only_the_runs_asked_about_are_segmented():
    text = "项目资金执行情况良好" * 50 + "，" + "完成投资100万元"
    tokens = Tokens(text)
    tokens.between(len(text) - 8, len(text))
    assert list(tokens._words) == [1]
