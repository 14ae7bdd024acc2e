"""Finders of constraints: each takes the Context and yields Constraints for the graph.

Each finder is registered with the codes it forms and the kinds of constraint it forms them as
(``SUM001: (sum,)``): the rule registry (``auditor rules CODE``) reads from here which module forms
a code's constraints, and ``tests/test_rules_registry.py`` runs every finder over the seeds and the
check fixtures and fails when a finder yields a code or kind it does not declare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from auditor.linking import (
    achievements,
    allocation_changes,
    bounded_rates,
    bounds,
    chains,
    change_identities,
    change_lists,
    cited_years,
    classified_lists,
    column_formulas,
    column_groups,
    completion,
    counted_names,
    counted_references,
    counts,
    differences,
    flat_funding,
    flat_rows,
    form_halves,
    full_use,
    funding_sources,
    growth,
    heading_scores,
    identities,
    identity,
    implied_budgets,
    implied_currents,
    lettered_columns,
    links,
    lists,
    logic,
    lone_rates,
    named_shares,
    named_totals,
    narrative,
    numbered_rows,
    pair_rows,
    placed_totals,
    point_differences,
    products,
    restated,
    restated_counts,
    restated_pairs,
    restated_sources,
    restated_words,
    row_averages,
    rubric_text,
    schedules,
    score_groups,
    stem_rates,
    step_order,
    subgroups,
    table_sums,
    tables,
    time_progress,
    time_targets,
    timeline,
    transitions,
    unit_gaps,
    unit_slips,
    unit_standards,
    units,
    unstaged_tables,
    year_rows,
    year_targets,
)
from auditor.linking.context import Context
from auditor.model import Constraint


@dataclass(frozen=True)
class Finder:
    find: Callable[[Context], Iterable[Constraint]]
    yields: Mapping[str, tuple[str, ...]]  # code -> the kinds of constraint this finder forms for it

    def __call__(self, ctx: Context) -> Iterable[Constraint]:
        return self.find(ctx)


def finder(find: Callable[[Context], Iterable[Constraint]], **yields: str | tuple[str, ...]) -> Finder:
    return Finder(find, {code: (kinds,) if isinstance(kinds, str) else kinds for code, kinds in yields.items()})


FINDERS = (
    finder(narrative.find, RAT001="ratio", RAT002=("ratio", "one_total", "shares_total"), RAT003="ratio", RAT004="ratio",
           CAP001="score_cap", SCO001="score_formula", SCO004="grade", SCO005="full_score", SUM002="points_total",
           SUM001="sum", SUM003="sum"),
    finder(lists.find, SUM001=("sum", "parallel_sums")),
    finder(classified_lists.find, SUM001="sum"),
    finder(placed_totals.find, SUM001=("sum", "placed_readings")),
    finder(subgroups.find, SUM001="sum"),
    finder(counts.find, SUM006="count_items"),
    finder(counted_references.find, SUM006="count_items"),
    finder(counted_names.find, SUM006="count_items"),
    finder(differences.find, SUM001="sum"),
    finder(allocation_changes.find, SUM001="sum"),
    # before identities: a balance after two chains (收支相抵) is exact, not the bound identities sets
    finder(chains.find, SUM004="balance", SUM007="sum", XREF001="same_quantity"),
    finder(identities.find, SUM001="sum", SUM004="balance", SUM005="sum", SUM007=("sum", "parallel_sums"),
           LOGIC003="bound"),
    finder(tables.find, RAT001="ratio", RAT004="ratio", CAP001="score_cap", SCO001="score_formula",
           SCO002="qualitative", SCO003="indicator_rows", SUM001="sum", SUM002="group_points", SUM003="total_score",
           XREF001="same_quantity"),
    finder(flat_rows.find, SCO002="qualitative", SCO003="indicator_rows", SUM003="total_score"),
    finder(flat_funding.find, RAT001="ratio", CAP001="score_cap", SCO001="score_formula"),
    finder(rubric_text.find, SCO003="indicator_rows", SUM002="group_points"),
    finder(score_groups.find, SUM001="sum", SUM002=("section_points", "group_points")),
    finder(heading_scores.find, SUM002="heading_parts"),
    finder(links.find, XREF001="same_quantity"),
    finder(restated.find, XREF001=("same_quantity", "placeholder")),
    finder(restated_words.find, XREF001="same_quantity"),
    finder(restated_pairs.find, XREF001="same_quantity"),
    finder(restated_counts.find, XREF001="same_quantity"),
    finder(restated_sources.find, XREF002="source_labels"),
    finder(unstaged_tables.find, XREF001="same_quantity"),
    finder(achievements.find, XREF001="same_quantity"),
    finder(year_targets.find, XREF001="same_quantities"),
    finder(year_rows.find, XREF001=("same_quantity", "restated_sum"), RAT005="growth"),
    finder(identity.find, ENT001="programme_name", ENT002="cited_report", ENT003="own_unit"),
    finder(timeline.find, YEAR001="year", YEAR002="year_reference"),
    finder(cited_years.find, YEAR003=("document_year", "document_date")),
    finder(time_targets.find, SCO003="time_target", YEAR002="time_target"),
    finder(units.find, UNIT001="unit_written", UNIT003="cost_unit", UNIT004="cost_percent"),
    finder(unit_slips.find, UNIT002="unit_scale"),
    finder(unit_standards.find, UNIT002="standard_scale"),
    finder(row_averages.find, UNIT002="row_average_scale"),
    finder(unit_gaps.find, UNIT004="amount_percent", UNIT005="unit_missing", UNIT006="unit_garbled"),
    finder(logic.find, LOGIC001="no_projects_scored", LOGIC002="approval_timing"),
    finder(completion.find, LOGIC004="completed_despite_shortfall"),
    finder(schedules.find, LOGIC006="schedule_count"),
    finder(step_order.find, LOGIC007="step_order"),
    finder(growth.find, RAT005=("growth", "sum")),
    finder(change_identities.find, RAT005=("change_sum", "previous_sum")),
    finder(change_lists.find, RAT005="sum"),
    finder(implied_currents.find, RAT005="implied_currents"),
    finder(point_differences.find, RAT005="point_difference"),
    finder(time_progress.find, RAT005="time_progress"),
    finder(named_totals.find, RAT001="ratio", RAT002="ratio", RAT003="ratio"),
    finder(named_shares.find, RAT002="ratio"),
    finder(stem_rates.find, RAT002="ratio"),
    finder(implied_budgets.find, RAT001="implied_budgets"),
    finder(full_use.find, RAT001="ratio"),
    finder(lone_rates.find, RAT001="ratio"),
    finder(lettered_columns.find, RAT001="ratio", RAT003="ratio", RAT004="ratio"),
    finder(bounds.find, LOGIC003="bound"),
    finder(bounded_rates.find, LOGIC003="rate_bound"),
    finder(transitions.find, LOGIC005="direction"),
    finder(products.find, RAT006="product"),
    finder(column_formulas.find, RAT006="column_product", UNIT007="column_product"),
    finder(table_sums.find, SUM001="sum", RAT002="ratio", RAT005="growth"),
    finder(funding_sources.find, SUM001="sum"),
    finder(numbered_rows.find, SUM001="sum"),
    finder(pair_rows.find, RAT002="ratio", SUM001="sum", LOGIC003="bound"),
    finder(column_groups.find, SUM001="column_groups"),
    finder(form_halves.find, SUM001="form_halves"),
)


def finders_of(code: str) -> Iterator[Finder]:
    return (f for f in FINDERS if code in f.yields)
