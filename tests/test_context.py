"""The linking stage's look-ups (auditor/linking/context.py) on newly written snippets."""

from __future__ import annotations

import pytest

from auditor.ingest import text as text_loader
from auditor.linking.context import Context
from auditor.nlp import read
from auditor.rules import RuleSet

RULES = RuleSet.load()


def context_of(snippet: str) -> Context:
    document = text_loader.load("snippet.txt", snippet.encode("utf-8"))
    return Context(document, read(document, RULES), RULES)


def claim(ctx: Context, text: str):
    return next(c for c in ctx.claims if c.text == text)


@pytest.mark.parametrize(("snippet", "figure", "per_head"), [
    ("城乡居民养老保险补助标准为每人每月150元。", "150元", True),
    ("农村低保补助标准300元。", "300元", True),
    ("困难残疾人生活补贴月发放80元。", "80元", True),
    # 标准 inside 高标准 (高标准农田) is a kind of project, not a standard per head
    ("新建高标准农田项目资金450万元。", "450万元", False),
    ("高标准农田建设补助资金到位1200万元。", "1200万元", False),
])
def test_per_head_cues_respect_the_words_they_sit_in(snippet, figure, per_head):
    ctx = context_of(snippet)
    assert ctx.per_head(claim(ctx, figure)) is per_head
