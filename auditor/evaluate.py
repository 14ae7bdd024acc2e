"""Score auditor against gold files by the rule of ``docs/eval.md``.

A prediction and a gold finding match when their categories are equal and one of the
prediction's evidence spans overlaps an occurrence of one of the gold quotes. Pairs are chosen by
maximum bipartite matching (one prediction matches at most one gold finding and vice versa).

Beside recall and precision: reach (the share of gold relations whose figures one constraint of
the graph relates), the kill rate of mutants of the holds (``auditor.mutants``), counts per check
code, and every figure again without the gold entries disputed in corpora/DISPUTED.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from auditor.errors import InputError
from auditor.model import CATEGORIES, Finding, Span
from auditor.mutants import PER_DOCUMENT as MUTANTS_PER_DOCUMENT
from auditor.mutants import SEED as MUTANT_SEED
from auditor.mutants import Mutant, killed
from auditor.mutants import mutants as make_mutants

DISPUTED_FILE = Path(__file__).resolve().parent.parent / "corpora" / "DISPUTED.md"


@dataclass(frozen=True)
class GoldFinding:
    category: str
    quotes: tuple[str, ...]
    explanation: str = ""


@dataclass(frozen=True)
class Gold:
    findings: tuple[GoldFinding, ...]
    holds: tuple[GoldFinding, ...]

    @classmethod
    def read(cls, path: Path) -> Gold:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(str(path), f"gold file cannot be read ({exc})") from None

        def items(key: str) -> tuple[GoldFinding, ...]:
            return tuple(
                GoldFinding(g["category"], tuple(g.get("quotes", ())), g.get("explanation") or g.get("relation", ""))
                for g in data.get(key, ())
            )

        return cls(items("findings"), items("holds"))

    def without(self, disputed: Sequence[Disputed]) -> Gold:
        """This gold without the entries ``disputed`` names (by kind and first quote)."""
        def keep(kind: str, entries: tuple[GoldFinding, ...]) -> tuple[GoldFinding, ...]:
            named = {d.quote for d in disputed if d.kind == kind}
            return tuple(g for g in entries if not (g.quotes and g.quotes[0] in named))

        return Gold(keep("finding", self.findings), keep("hold", self.holds))


@dataclass(frozen=True)
class Disputed:
    """A gold entry we hold to be wrong: its file, whether it is a finding or a hold, its first quote."""

    file: str
    kind: str
    quote: str

    @property
    def stem(self) -> str:
        return _stem(self.file)


def _stem(name: str) -> str:
    return name[: -len(".gold.json")] if name.endswith(".gold.json") else Path(name).stem


_YAML_BLOCK = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```", re.M | re.S)


def read_disputed(path: Path) -> list[Disputed]:
    """The entries of the fenced ``yaml`` blocks of ``path`` (each a list of mappings with
    ``file``, ``kind`` and ``quote``); none when the file is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    entries = []
    for block in _YAML_BLOCK.findall(text):
        try:
            items = yaml.safe_load(block) or []
        except yaml.YAMLError as exc:
            raise InputError(str(path), f"a yaml block cannot be parsed ({exc})") from None
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict) or item.get("kind") not in ("finding", "hold") \
                    or not item.get("file") or not item.get("quote"):
                raise InputError(str(path), f"a disputed entry needs file, kind (finding or hold) and quote: {item!r}")
            entries.append(Disputed(str(item["file"]), item["kind"], str(item["quote"])))
    return entries


def occurrences(text: str, quote: str) -> list[Span]:
    spans, start = [], text.find(quote)
    while quote and start >= 0:
        spans.append(Span(start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def _locations(text: str, gold: GoldFinding) -> list[Span]:
    return [s for q in gold.quotes for s in occurrences(text, q)]


def _hits(pred: Finding, locations: Sequence[Span]) -> bool:
    return any(e.span.overlaps(loc) for e in pred.evidence for loc in locations)


def match(preds: Sequence[Finding], golds: Sequence[GoldFinding], text: str,
          by_category: bool = True) -> dict[int, int]:
    """Maximum matching prediction index -> gold index."""
    graph = nx.Graph()
    pred_nodes = [("p", i) for i in range(len(preds))]
    graph.add_nodes_from(pred_nodes, bipartite=0)
    graph.add_nodes_from((("g", j) for j in range(len(golds))), bipartite=1)
    for j, gold in enumerate(golds):
        locations = _locations(text, gold)
        for i, pred in enumerate(preds):
            if (not by_category or pred.category == gold.category) and _hits(pred, locations):
                graph.add_edge(("p", i), ("g", j))
    matching = nx.bipartite.maximum_matching(graph, top_nodes=pred_nodes)
    return {i: matching[("p", i)][1] for kind, i in pred_nodes if ("p", i) in matching}


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    gold_matched: int = 0
    predicted_matched: int = 0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.predicted_matched / self.predicted if self.predicted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.gold_matched += other.gold_matched
        self.predicted_matched += other.predicted_matched


@dataclass
class DocumentScore:
    path: str
    by_category: dict[str, Tally]
    location: Tally
    hold_alarms: list[Finding]
    missed: list[GoldFinding]
    false_alarms: list[Finding]
    hits: list[Finding] = field(default_factory=list)  # predictions that match a gold finding
    reach: list[Reach] = field(default_factory=list)  # gold relations with a figure-bearing quote
    without_figures: int = 0  # gold relations none of whose quotes holds a digit (left out of reach)
    constraints: Counter[str] = field(default_factory=Counter)  # constraints formed, by code
    mutants: list[MutantResult] = field(default_factory=list)


@dataclass(frozen=True)
class Reach:
    kind: str  # "finding" or "hold"
    gold: GoldFinding
    reached: bool


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    killed_by: tuple[str, ...]  # codes of the new findings on the changed figure
    relation: str = ""  # the hold's relation, for --details


def _total(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.add(t)
    return total


@dataclass
class Corpus:
    """Scores of a set of documents against one version of the gold."""

    documents: list[DocumentScore] = field(default_factory=list)

    def category(self, name: str) -> Tally:
        return _total(d.by_category.get(name, Tally()) for d in self.documents)

    @property
    def total(self) -> Tally:
        return _total(self.category(name) for name in CATEGORIES)

    @property
    def location(self) -> Tally:
        return _total(d.location for d in self.documents)

    @property
    def hold_alarms(self) -> int:
        return sum(len(d.hold_alarms) for d in self.documents)

    def reach(self, kind: str | None = None) -> tuple[int, int]:
        """(reached, relations) over the gold relations with a figure-bearing quote."""
        rows = [r for d in self.documents for r in d.reach if kind in (None, r.kind)]
        return sum(r.reached for r in rows), len(rows)

    @property
    def reach_rate(self) -> float:
        reached, relations = self.reach()
        return reached / relations if relations else 1.0

    @property
    def mutants(self) -> tuple[int, int]:
        """(killed, made)."""
        rows = [m for d in self.documents for m in d.mutants]
        return sum(bool(m.killed_by) for m in rows), len(rows)

    @property
    def kill_rate(self) -> float:
        killed, made = self.mutants
        return killed / made if made else 0.0

    def per_code(self, codes: Iterable[str] = ()) -> dict[str, dict[str, int]]:
        """Per check code (every one of ``codes``, and any other seen): constraints formed,
        findings raised, findings matching gold, alarms on holds, mutants killed."""
        counts: dict[str, Counter[str]] = {code: Counter() for code in codes}
        for d in self.documents:
            for code, n in d.constraints.items():
                counts.setdefault(code, Counter())["constraints"] += n
            for column, findings in (("findings", d.false_alarms + d.hits), ("true", d.hits),
                                     ("on_holds", d.hold_alarms)):
                for f in findings:
                    counts.setdefault(f.code, Counter())[column] += 1
            for m in d.mutants:
                for code in m.killed_by:
                    counts.setdefault(code, Counter())["kills"] += 1
        columns = ("constraints", "findings", "true", "on_holds", "kills")
        return {code: {c: counts[code][c] for c in columns} for code in sorted(counts)}

    def headline(self) -> dict[str, Any]:
        t = self.total
        reached, relations = self.reach()
        return {"recall": round(t.recall, 4), "precision": round(t.precision, 4), "f1": round(t.f1, 4),
                "false_alarms_on_holds": self.hold_alarms,
                "relation_coverage": {"rate": round(self.reach_rate, 4), "reached": reached, "relations": relations,
                                      "findings": dict(zip(("reached", "relations"), self.reach("finding"))),
                                      "holds": dict(zip(("reached", "relations"), self.reach("hold"))),
                                      "without_figures": sum(d.without_figures for d in self.documents)}}


@dataclass
class Scores(Corpus):
    """The corpus scored against its gold, and against the gold without the disputed entries."""

    undisputed: Corpus = field(default_factory=Corpus)
    disputed: int = 0  # disputed gold entries found in the scored documents
    mutated: bool = False
    codes: tuple[str, ...] = ()  # the catalogue's codes, listed per code even when they never fire
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {"gold": t.gold, "predicted": t.predicted, "matched_gold": t.gold_matched,
                    "matched_predicted": t.predicted_matched, "recall": round(t.recall, 4),
                    "precision": round(t.precision, 4), "f1": round(t.f1, 4)}

        out: dict[str, Any] = {"documents": len(self.documents), **self.headline(),
                               "per_category": {c: tally(self.category(c)) for c in CATEGORIES},
                               "total": tally(self.total), "location": tally(self.location),
                               "per_code": self.per_code(self.codes)}
        if self.mutated:
            killed, made = self.mutants
            out["mutants"] = {"made": made, "killed": killed, "kill_rate": round(self.kill_rate, 4),
                              "per_document": MUTANTS_PER_DOCUMENT, "seed": MUTANT_SEED}
        out["without_disputed"] = {"entries": self.disputed, **self.undisputed.headline()}
        out["errors"] = self.errors
        out["warnings"] = self.warnings
        return out


def _figure_bearing(gold: GoldFinding) -> list[str]:
    # decimal digits: a column number (④, ⑧=④*⑦) or a superscript (m²) is no figure
    return [q for q in gold.quotes if any(ch.isdecimal() for ch in q)]


def reached(text: str, gold: GoldFinding, groups: Sequence[Sequence[Span]]) -> bool | None:
    """Whether the claims of one group (a constraint's claims, two or more) overlap every
    figure-bearing quote of ``gold``; None when it has no such quote."""
    quotes = _figure_bearing(gold)
    if not quotes:
        return None
    candidates: set[int] | None = None
    for quote in quotes:
        locations = occurrences(text, quote)
        touching = {i for i, spans in enumerate(groups)
                    if any(s.overlaps(loc) for s in spans for loc in locations)}
        candidates = touching if candidates is None else candidates & touching
        if not candidates:
            return False
    return True


def score_document(path: str, text: str, preds: Sequence[Finding], gold: Gold,
                   groups: Sequence[Sequence[Span]] = ()) -> DocumentScore:
    """``groups``: the claim spans of each constraint with two or more claims (for reach)."""
    pairs = match(preds, gold.findings, text)
    by_category: dict[str, Tally] = {c: Tally() for c in CATEGORIES}
    for g in gold.findings:
        by_category[g.category].gold += 1
    for p in preds:
        by_category[p.category].predicted += 1
    for i, j in pairs.items():
        by_category[preds[i].category].predicted_matched += 1
        by_category[gold.findings[j].category].gold_matched += 1
    loc_pairs = match(preds, gold.findings, text, by_category=False)
    location = Tally(len(gold.findings), len(preds), len(loc_pairs), len(loc_pairs))
    hold_locations = [s for h in gold.holds for s in _locations(text, h)]
    unmatched = [p for i, p in enumerate(preds) if i not in pairs]
    matched_gold = set(pairs.values())
    reach = [Reach(kind, g, bool(r)) for kind, entries in (("finding", gold.findings), ("hold", gold.holds))
             for g in entries if (r := reached(text, g, groups)) is not None]
    return DocumentScore(
        path=path,
        by_category=by_category,
        location=location,
        hold_alarms=[p for p in unmatched if _hits(p, hold_locations)],
        missed=[g for j, g in enumerate(gold.findings) if j not in matched_gold],
        false_alarms=unmatched,
        hits=[preds[i] for i in sorted(pairs)],
        reach=reach,
        without_figures=len(gold.findings) + len(gold.holds) - len(reach),
    )


def gold_pairs(dirs: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(document, gold file) pairs: NAME.gold.json beside NAME.<ext>."""
    pairs = []
    for root in dirs:
        golds = [root] if root.is_file() else sorted(root.rglob("*.gold.json"))
        for gold in golds:
            stem = gold.name[: -len(".gold.json")]
            docs = sorted(p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".json"))
            if docs:
                pairs.append((docs[0], gold))
    return pairs


def _mutate(analysis: Any, gold: Gold, rules: Any) -> list[MutantResult]:
    """Mutants of the holds of a .txt document, each audited in process from its text."""
    from auditor.ingest import text as text_loader
    from auditor.pipeline import analyse

    document = analysis.document
    holds = [[s for q in _figure_bearing(h) for s in occurrences(document.text, q)] for h in gold.holds]
    results = []
    for mutant in make_mutants(Path(document.path).name, document.text, holds):
        changed = text_loader.load(document.path, mutant.apply(document.text).encode("utf-8"))
        after = analyse(changed, rules).findings
        hold = gold.holds[mutant.hold]
        results.append(MutantResult(mutant, tuple(killed(mutant, analysis.findings, after)),
                                    hold.explanation or " / ".join(hold.quotes)))
    return results


def _claim_groups(analysis: Any) -> list[list[Span]]:
    """The spans of the claims of each constraint that relates two or more claims."""
    by_id = analysis.graph.context.by_id
    groups = []
    for constraint in analysis.graph.constraints:
        ids = {i for i in constraint.claims if i in by_id}
        if len(ids) >= 2:
            groups.append([by_id[i].span for i in ids])
    return groups


def _score_one(doc_path: Path, gold_path: Path, rules: Any, disputed: Sequence[Disputed],
               mutate: bool) -> tuple[DocumentScore, DocumentScore, list[Disputed]]:
    """The document scored against its gold and without its disputed entries (the last item:
    the disputed entries that named one of its gold entries)."""
    from auditor import ingest
    from auditor.pipeline import analyse

    analysis = analyse(ingest.load(doc_path), rules)
    text, findings = analysis.document.text, analysis.findings
    groups = _claim_groups(analysis)
    gold = Gold.read(gold_path)
    scored = score_document(str(doc_path), text, findings, gold, groups)
    scored.constraints = Counter(c.params.get("code", c.kind) for c in analysis.graph.constraints)
    if mutate and analysis.document.format == "txt":
        scored.mutants = _mutate(analysis, gold, rules)
    dropped = [d for d in disputed if d.stem == _stem(doc_path.name) and gold.without([d]) != gold]
    undisputed = scored
    if dropped:
        undisputed = score_document(str(doc_path), text, findings, gold.without(dropped), groups)
        undisputed.constraints, undisputed.mutants = scored.constraints, scored.mutants
    return scored, undisputed, dropped


def evaluate(dirs: Iterable[Path], rules=None, progress: bool = False, mutate: bool = False,  # noqa: ANN001
             disputed: Sequence[Disputed] | None = None) -> Scores:
    """Audit every document that has a gold file under ``dirs`` and score it. ``disputed``
    defaults to the entries of corpora/DISPUTED.md."""
    from tqdm import tqdm

    from auditor.rules import RuleSet

    rules = rules or RuleSet.load()
    disputed = read_disputed(DISPUTED_FILE) if disputed is None else disputed
    scores = Scores(mutated=mutate, codes=tuple(sorted(rules.checks)))
    pairs = gold_pairs(dirs)
    for doc_path, gold_path in tqdm(pairs, disable=not progress, unit="report", leave=False):
        try:
            scored, undisputed, dropped = _score_one(doc_path, gold_path, rules, disputed, mutate)
        except InputError as exc:
            scores.errors.append(str(exc))
            continue
        scores.documents.append(scored)
        scores.undisputed.documents.append(undisputed)
        scores.disputed += len(dropped)
        for entry in disputed:
            if entry.stem == _stem(doc_path.name) and entry not in dropped:
                scores.warnings.append(f"disputed entry matches no gold entry: {entry.file} {entry.kind} {entry.quote}")
    return scores


def format_scores(scores: Scores, details: bool = False) -> str:
    head = f"{'category':<22}{'gold':>6}{'pred':>6}{'hit':>6}{'recall':>9}{'precision':>11}{'F1':>7}"
    lines = [f"{len(scores.documents)} documents scored", head, "-" * len(head)]

    def row(name: str, t: Tally) -> str:
        return (f"{name:<22}{t.gold:>6}{t.predicted:>6}{t.gold_matched:>6}"
                f"{t.recall:>9.3f}{t.precision:>11.3f}{t.f1:>7.3f}")

    for name in CATEGORIES:
        lines.append(row(name, scores.category(name)))
    lines.append("-" * len(head))
    lines.append(row("TOTAL", scores.total))
    if scores.disputed:
        lines.append(row("TOTAL w/o disputed", scores.undisputed.total))
    lines.append(row("location only", scores.location))
    lines.append(f"false alarms on holds: {scores.hold_alarms}")
    lines.append("")
    lines.append(_measures_line(scores))
    if scores.disputed:
        lines.append(_measures_line(scores.undisputed, f"without {scores.disputed} disputed gold entries: "))
    lines += ["", _per_code_table(scores)]
    for error in scores.errors:
        lines.append(f"error: {error}")
    for warning in scores.warnings:
        lines.append(f"warning: {warning}")
    if details:
        lines += _details(scores)
    return "\n".join(lines)


def _measures_line(corpus: Corpus, lead: str = "") -> str:
    t = corpus.total
    reached, relations = corpus.reach()
    killed, made = corpus.mutants
    kill = f"kill rate {corpus.kill_rate:.3f} ({killed}/{made} mutants)" if made else "kill rate - (--mutants)"
    return (f"{lead}recall {t.recall:.3f}  precision {t.precision:.3f}  reach {corpus.reach_rate:.3f} "
            f"({reached}/{relations} relations)  {kill}  alarms on holds {corpus.hold_alarms}")


def _per_code_table(scores: Scores) -> str:
    head = f"{'code':<10}{'constraints':>12}{'findings':>10}{'true':>6}{'on holds':>10}{'kills':>7}"
    lines = [head, "-" * len(head)]
    for code, n in scores.per_code(scores.codes).items():
        lines.append(f"{code:<10}{n['constraints']:>12}{n['findings']:>10}{n['true']:>6}{n['on_holds']:>10}"
                     f"{n['kills'] if scores.mutated else '-':>7}")
    return "\n".join(lines)


def _details(scores: Scores) -> list[str]:
    lines = []
    for d in scores.documents:
        name = Path(d.path).name
        for g in d.missed:
            lines.append(f"MISSED  {name} {g.category} {g.quotes[:2]}")
        for p in d.false_alarms:
            mark = "HOLD" if p in d.hold_alarms else "FALSE"
            lines.append(f"{mark:<7} {name} {p.code} {p.category} {p.message}")
        for r in d.reach:
            if not r.reached and r.kind == "finding":
                lines.append(f"UNREACHED {name} {r.gold.category} {r.gold.quotes[:2]}")
        for m in d.mutants:
            if not m.killed_by:
                lines.append(f"SURVIVED {name} {m.mutant.original}->{m.mutant.mutated} at {m.mutant.span.start} "
                             f"({m.relation})")
    return lines
