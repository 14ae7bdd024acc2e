"""A bare figure's unit, given by its certain partner in the same clause (rules: lexicon.inherited_units).

Two shapes make the partner certain, both stating one quantity:
- a change right after it: ``总支出5234.56增加321.45万元`` (last year's amount, then its change);
- a bracket of its parts right after it: ``开工12850（其中，公租房12700套，廉租房150）``.
The bare figure (and a bare part inside the bracket) takes the partner's unit only when every
figure with a unit there has the same one and it is no rate (a change of 6% says nothing of the
base's unit). The claim keeps ``unit_text`` empty: the unit is inherited, not written.
"""

from __future__ import annotations

from auditor.nlp.numbers import Figure

MAX_BRACKET = 80  # characters of a bracket of parts


def _bare(fig: Figure) -> bool:
    return fig.tag == "figure" and fig.unit is None and not fig.unit_text and fig.comparator == "="


def _unit(fig: Figure, skip: frozenset[str]) -> str:
    """The unit a partner can lend: a written unit of a dimension, not a rate's."""
    if fig.tag != "figure" or fig.unit is None or not fig.unit.dimension or fig.unit.dimension in skip:
        return ""
    return fig.unit.text


def inherited_units(text: str, figures: list[Figure], spec: dict) -> dict[int, str]:
    """Figure start -> the unit text it inherits, for the bare figures whose partner is certain."""
    changes = tuple(spec.get("change_cues", ()))
    parts = tuple(spec.get("part_cues", ()))
    skip = frozenset(spec.get("skip_dimensions", ()))
    out: dict[int, str] = {}
    for i, fig in enumerate(figures[:-1]):
        if not _bare(fig):
            continue
        partner = figures[i + 1]
        between = text[fig.end:partner.start].strip(" ")
        if between in changes and partner.comparator == "=" and (unit := _unit(partner, skip)):
            out[fig.start] = unit
            continue
        opening = text[fig.end:fig.end + 1]
        if opening not in "(（" or not opening:
            continue
        close = next((k for k in range(fig.end + 1, min(len(text), fig.end + MAX_BRACKET))
                      if text[k] in ")）(（\n"), -1)
        inside = text[fig.end + 1:close].lstrip(" ") if close > 0 and text[close] in ")）" else ""
        if not inside.startswith(parts):
            continue
        members = [f for f in figures[i + 1:] if f.start < close]
        units = {_unit(f, skip) for f in members if not _bare(f)}
        if len(units) == 1 and "" not in units and len(members) >= 2:
            (unit,) = units
            for member in (fig, *(f for f in members if _bare(f))):
                out[member.start] = unit
    return out
