"""Names a report itself declares one quantity: a definition opening its line with a name and another
in brackets, then a definition cue (rules/subjects.yaml ``alias_definition_cues``):

    1、公用经费（机关运行经费）：指为保障行政单位运行用于购买货物和服务的各项资金…

makes a table row 公用经费 and a sentence on 机关运行经费 one item. Read from the report's own words
only, so that one report's aliases never join another's names.
"""

from __future__ import annotations

import re

from auditor.linking.context import Context

# a line's numbering, a name, a bracketed second name, an optional colon: bounded runs, each of
# characters the next one cannot start with (no backtracking over the same characters)
NAME = r"[^\s（()）:：，,。；;、\d]{2,15}"
DEFINITION_HEAD = (r"(?m)^[ \t　]*(?:(?:[\d一二三四五六七八九十]{1,3}[、.．]|[（(][\d一二三四五六七八九十]{1,3}[)）])[ \t　]*)?"
                   rf"({NAME})[（(]({NAME})[)）][:：]?[ \t　]{{0,2}}")


def defined_aliases(ctx: Context) -> list[tuple[str, str]]:
    """(name, bracketed name) of each definition in the report, read once per report."""
    return ctx.once("defined_aliases", _read)


def _read(ctx: Context) -> list[tuple[str, str]]:
    spec = ctx.rules["subjects"]
    cues = tuple(spec.get("alias_definition_cues", ()))
    qualifiers = tuple(spec.get("alias_qualifiers", ()))
    if not cues:
        return []
    pattern = re.compile(DEFINITION_HEAD)
    return [(m.group(1), m.group(2)) for m in pattern.finditer(ctx.text)
            if ctx.text.startswith(cues, m.end()) and m.group(1) != m.group(2)
            and not m.group(2).startswith(qualifiers)]
