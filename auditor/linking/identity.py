"""Identity: a project's name against the programme its goals, indicators and summary describe;
evaluation reports cited against the projects evaluated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.linking.context import Context, label, squash
from auditor.linking.narrative import common_run
from auditor.linking.tables import is_funding, is_indicator, rows_of
from auditor.model import Constraint, Span

SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
LITERAL = re.compile(r"(?<![\\\[-])[\u4e00-\u9fff]{2,}(?![\]-])")  # words written out in a pattern, not in a class


class Programmes:
    def __init__(self, ctx: Context) -> None:
        data = ctx.rules["programmes"]
        self.keywords = sorted(((k, name, spec.get("family", name)) for name, spec in data.get("types", {}).items()
                                for k in spec.get("keywords", ())), key=lambda t: -len(t[0]))
        self.project_labels = tuple(data.get("project_labels", ()))
        self.goal_headers = tuple(data.get("goal_headers", ()))
        self.compatible = [set(group) for group in data.get("compatible", ())]
        self.goal_headings = tuple(data.get("goal_headings", ()))

    def types(self, text: str) -> dict[str, str]:
        """Programme type -> family, for the keywords in ``text`` (longest keyword first, no overlaps)."""
        found: dict[str, str] = {}
        taken: list[tuple[int, int]] = []
        for keyword, name, family in self.keywords:
            if keyword not in text:
                continue  # most keywords are absent: no pattern to look up for them
            for m in re.finditer(re.escape(keyword), text):
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    taken.append((m.start(), m.end()))
                    found[name] = family
        return found


@dataclass
class Project:
    name: str
    span: Span
    sheet: list[int]


def projects(ctx: Context, programmes: Programmes) -> list[Project]:
    out = []
    for sheet in ctx.sheets:
        for block in sheet:
            for row in ctx.block(block).rows:
                cells = [c for c in row if squash(c.text)]
                for a, b in zip(cells, cells[1:]):
                    if label(a.text).rstrip("：:") in programmes.project_labels:
                        out.append(Project(label(b.text), b.span, sheet))
    return out


def conflict(name_types: dict[str, str], content_types: dict[str, str], compatible: list[set[str]]) -> bool:
    """Named as one programme, describing another of the same family (养老 vs 医疗)."""
    if not name_types or not content_types or set(name_types) & set(content_types):
        return False
    if any(group >= {a, b} for group in compatible for a in name_types for b in content_types):
        return False
    return bool(set(name_types.values()) & set(content_types.values()))


def programme_mismatch(ctx: Context, programmes: Programmes) -> Iterator[Constraint]:
    for project in projects(ctx, programmes):
        name_types = programmes.types(project.name)
        rows = [r for block in project.sheet for r in rows_of(ctx, [block])]
        items: list[tuple[str, Span]] = []
        for row in rows:
            if is_indicator(row) and row.labels:
                cell = next((c for c in row.cells if squash(c.text) == squash(row.labels[-1])), None)
                if cell is not None:
                    items.append(("绩效指标", cell.span))
            for cell in row.cells:
                if not cell.is_header and any(h in "".join(cell.header_path) for h in programmes.goal_headers) \
                        and squash(cell.text):
                    items.append(("年度目标", cell.span))
        summary = _summary_sentences(ctx, project)
        if name_types:
            for where, span in items + [("综述", s) for s in summary]:
                content_types = programmes.types(ctx.at(span))
                if conflict(name_types, content_types, programmes.compatible):
                    yield ctx.constraint("programme_name", "ENT001", [], "link", spans=(project.span, span),
                                         name=project.name, where=where, name_types=name_types,
                                         content_types=content_types)
            continue
        # An untyped name (老字号) whose goal states the project's own budget as another programme's fund
        budget = next((r.one("adjusted_budget", "budget") for r in rows if is_funding(r)), None)
        for where, span in items:
            text = ctx.at(span)
            content_types = programmes.types(text)
            amounts = [c for c in ctx.claims if span.contains(c.span) and c.quantity.dimension == "money"]
            if content_types and budget is not None and common_run(project.name, squash(text)) < 2 \
                    and any(c.quantity.base_value == budget.quantity.base_value for c in amounts):
                related = [s for s in summary if set(programmes.types(ctx.at(s))) & set(content_types)]
                yield ctx.constraint("programme_name", "ENT001", [], "link", spans=(project.span, span, *related),
                                     name=project.name, where=where, name_types={}, content_types=content_types)


def _summary_sentences(ctx: Context, project: Project) -> list[Span]:
    """Sentences of the paragraphs just before the project's table that speak of the project."""
    first = project.sheet[0]
    out = []
    for index in range(max(0, first - int(ctx.rules.param("ENT001", "summary_blocks"))), first):
        block = ctx.block(index)
        if block.kind != "paragraph" or project.name not in squash(ctx.at(block.span)):
            continue
        for m in SENTENCE.finditer(ctx.text, block.span.start, block.span.end):
            out.append(Span(m.start(), m.end()))
    return out


def cited_reports(ctx: Context, programmes: Programmes) -> Iterator[Constraint]:
    names = [p.name for p in projects(ctx, programmes)]
    if not names:
        return
    project_types: dict[str, str] = {}
    for name in names:
        project_types.update(programmes.types(name))
    strays = []
    for m in re.finditer(ctx.rules.param("ENT002", "cited_report"), ctx.text):
        title = squash(m.group(1))
        types = programmes.types(title)
        if any(n in title for n in names) or not types or set(types) <= set(project_types):
            continue
        strays.append(Span(m.start(), m.end()))
    if strays:
        yield ctx.constraint("cited_report", "ENT002", [], "link", spans=tuple(strays), projects="、".join(names))


def goal_sentences(ctx: Context, programmes: Programmes) -> Iterator[Span]:
    """Sentences of the first paragraphs under each heading about goals (（二）整体绩效目标情况)."""
    paragraphs = ctx.paragraphs
    max_heading = int(ctx.rules.param("ENT001", "max_heading"))
    goal_paragraphs = int(ctx.rules.param("ENT001", "goal_paragraphs"))
    for n, index in enumerate(paragraphs):
        line = squash(ctx.at(ctx.block(index).span))
        if not line or len(line) > max_heading or not any(h in line for h in programmes.goal_headings):
            continue
        taken = 0
        for following in paragraphs[n + 1:]:
            block = ctx.block(following)
            text = squash(ctx.at(block.span))
            if not text:
                continue
            if len(text) <= max_heading or taken >= goal_paragraphs:
                break
            taken += 1
            for m in SENTENCE.finditer(ctx.text, block.span.start, block.span.end):
                yield Span(m.start(), m.end())


def title_goals(ctx: Context, programmes: Programmes) -> Iterator[Constraint]:
    """The report's title names a programme; a goal sentence describes another one of its family."""
    title = ctx.reading.title
    name_types = programmes.types(title)
    if not name_types:
        return
    anchor = next((b.span for b in ctx.doc.blocks[:int(ctx.rules.param("ENT001", "title_blocks"))] if b.kind == "paragraph" and squash(ctx.at(b.span)) == title),
                  None)
    if anchor is None:
        return
    for span in goal_sentences(ctx, programmes):
        for clause in re.finditer(r"[^，,；;。]+", ctx.text[span.start:span.end]):
            content_types = programmes.types(clause.group())
            if set(programmes.types(ctx.at(span))) & set(name_types):
                break  # the sentence speaks of the title's programme too
            if conflict(name_types, content_types, programmes.compatible):
                where = Span(span.start + clause.start(), span.start + clause.end())
                yield ctx.constraint("programme_name", "ENT001", [], "link", spans=(anchor, where), name=title,
                                     where="绩效目标", name_types=name_types, content_types=content_types)
                return


def own_unit(ctx: Context) -> Iterator[Constraint]:
    """``石门镇人民政府（本级）`` in the report of 柳溪镇人民政府: the unit's own name is another's."""
    data = ctx.rules["programmes"]
    suffixes = tuple(data.get("organisation_suffixes", ()))
    title = ctx.reading.title
    own_level = ctx.rules.param("ENT003", "own_level")
    literals = LITERAL.findall(own_level)
    if not suffixes or not title or (literals and not any(word in ctx.text for word in literals)):
        return  # the pattern's words (本级) are nowhere in the text: no need to try it at every character
    for m in re.finditer(own_level, ctx.text):
        name = squash(m.group(1))
        suffix = next((x for x in suffixes if name.endswith(x)), "")
        if not suffix or len(name) < len(suffix) + 2 or name in title or suffix not in title:
            continue
        own = title[:title.index(suffix) + len(suffix)]
        place, other = name[: -len(suffix)], own[: -len(suffix)]
        if not other or place in other:
            continue  # 县林业局 in 某县林业局: the same unit, shorter
        yield ctx.constraint("own_unit", "ENT003", [], "link", spans=(Span(m.start(1), m.end()),),
                             name=name, own=own)


def find(ctx: Context) -> Iterator[Constraint]:
    programmes = Programmes(ctx)
    yield from programme_mismatch(ctx, programmes)
    yield from title_goals(ctx, programmes)
    yield from own_unit(ctx)
    yield from cited_reports(ctx, programmes)
