"""Score auditor against gold files by the rule of ``docs/eval.md``.

A prediction and a gold finding match when their categories are equal and one of the
prediction's evidence spans overlaps an occurrence of one of the gold quotes. Pairs are chosen by
maximum bipartite matching (one prediction matches at most one gold finding and vice versa).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from auditor.errors import InputError
from auditor.model import CATEGORIES, Finding, Span


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


@dataclass
class Scores:
    documents: list[DocumentScore] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def category(self, name: str) -> Tally:
        total = Tally()
        for d in self.documents:
            total.add(d.by_category.get(name, Tally()))
        return total

    @property
    def total(self) -> Tally:
        total = Tally()
        for name in CATEGORIES:
            total.add(self.category(name))
        return total

    @property
    def location(self) -> Tally:
        total = Tally()
        for d in self.documents:
            total.add(d.location)
        return total

    @property
    def hold_alarms(self) -> int:
        return sum(len(d.hold_alarms) for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {"gold": t.gold, "predicted": t.predicted, "matched_gold": t.gold_matched,
                    "matched_predicted": t.predicted_matched, "recall": round(t.recall, 4),
                    "precision": round(t.precision, 4), "f1": round(t.f1, 4)}

        return {
            "documents": len(self.documents),
            "categories": {c: tally(self.category(c)) for c in CATEGORIES},
            "total": tally(self.total),
            "location": tally(self.location),
            "hold_false_alarms": self.hold_alarms,
            "errors": self.errors,
        }


def score_document(path: str, text: str, preds: Sequence[Finding], gold: Gold) -> DocumentScore:
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
    return DocumentScore(
        path=path,
        by_category=by_category,
        location=location,
        hold_alarms=[p for p in unmatched if _hits(p, hold_locations)],
        missed=[g for j, g in enumerate(gold.findings) if j not in matched_gold],
        false_alarms=unmatched,
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


def evaluate(dirs: Iterable[Path], rules=None, progress: bool = False) -> Scores:  # noqa: ANN001
    from tqdm import tqdm

    from auditor.pipeline import audit

    scores = Scores()
    pairs = gold_pairs(dirs)
    for doc_path, gold_path in tqdm(pairs, disable=not progress, unit="report", leave=False):
        try:
            result = audit(doc_path, rules)
        except InputError as exc:
            scores.errors.append(str(exc))
            continue
        gold = Gold.read(gold_path)
        scores.documents.append(score_document(str(doc_path), result.document.text, result.findings, gold))
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
    lines.append(row("location only", scores.location))
    lines.append(f"false alarms on holds: {scores.hold_alarms}")
    for error in scores.errors:
        lines.append(f"error: {error}")
    if details:
        for d in scores.documents:
            for g in d.missed:
                lines.append(f"MISSED  {Path(d.path).name} {g.category} {g.quotes[:2]}")
            for p in d.false_alarms:
                mark = "HOLD" if p in d.hold_alarms else "FALSE"
                lines.append(f"{mark:<7} {Path(d.path).name} {p.code} {p.category} {p.message}")
    return "\n".join(lines)
