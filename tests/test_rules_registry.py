"""One registry from a code to what forms it, what checks it and its page: every catalogue code has
a finder that declares it and a check for each kind it is formed as, and every finder yields only
the codes and kinds it declares (run over the seeds and every check fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks import load_checks
from auditor.graph import Context
from auditor.ingest import load
from auditor.linking import FINDERS
from auditor.nlp import read
from auditor.rule_docs import registry, registry_line
from auditor.rules import RuleSet
from tests.conftest import ROOT, SEEDS
from tests.test_checks import CASES

RULES = RuleSet.load()


def test_every_code_has_a_finder_and_a_check() -> None:
    checks = load_checks()
    for code in RULES.checks:
        formed, checked = registry(code)
        assert formed, f"{code}: no finder declares it (auditor/linking/__init__.py FINDERS)"
        kinds = {kind for _, ks in formed for kind in ks}
        assert {k for _, k in checked} == kinds, f"{code}: no check registered for {kinds - set(checks)}"
        for path, _ in [*formed, *checked]:
            assert (ROOT / path.split(":")[0]).is_file()


def test_every_declared_code_is_in_the_catalogue() -> None:
    for finder in FINDERS:
        assert set(finder.yields) <= set(RULES.checks), finder.find.__module__


def test_page_names_finder_and_check() -> None:
    line = registry_line("SUM001")
    assert "auditor/linking/lists.py:find（sum、parallel_sums）" in line
    assert "检查：auditor/checks/sums.py:parts_vs_total（sum）" in line


def texts() -> list[object]:
    out = [pytest.param(path, id=path.name) for path in SEEDS]
    out += [pytest.param(case["text"], id=f"{code}::{name}") for code, name, case in (p.values for p in CASES)]
    return out


@pytest.mark.parametrize("source", texts())
def test_finders_yield_only_what_they_declare(source: Path | str, tmp_path: Path) -> None:
    if isinstance(source, str):
        path = tmp_path / "report.txt"
        path.write_bytes(source.encode("utf-8"))
        source = path
    document = load(source, rules=RULES)
    ctx = Context(document, read(document, RULES), RULES)
    for finder in FINDERS:
        for constraint in finder(ctx):
            code = constraint.params["code"]
            assert constraint.kind in finder.yields.get(code, ()), \
                f"{finder.find.__module__} yields {code} as {constraint.kind}, not declared in FINDERS"


DEADLINE_REPORT = """关于2023年度农村公路养护项目资金绩效评价的报告
一、绩效目标
养护道路120公里，时效指标：2022年10月底前完工。
"""
MORE_VERBS = """# 某省：完工、竣工也是完成时限的动词
lexicon:
  year_references:
    deadline_verbs: [完成, 拨付, 支付, 下达, 到位, 完工, 竣工]
"""


def test_a_province_overlay_changes_a_finders_cue_words(tmp_path: Path) -> None:
    """A deadline written 前完工 is no deadline to the bundled cue words; a province adds 完工 and the
    timeline finder reads the year before the report's as its deadline (YEAR002)."""
    import json
    import subprocess
    import sys

    report = tmp_path / "report.txt"
    report.write_bytes(DEADLINE_REPORT.encode("utf-8"))
    overlay = tmp_path / "province.yaml"
    overlay.write_text(MORE_VERBS, encoding="utf-8")

    def codes(*extra: object) -> list[str]:
        run = subprocess.run([sys.executable, "-m", "auditor", "audit", report, "--format", "json", *extra],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert run.returncode in (0, 1), run.stderr
        return [f["code"] for f in json.loads(run.stdout)["findings"]]

    assert "YEAR002" not in codes()
    assert codes("--rules", overlay).count("YEAR002") == 1


def test_checks_read_a_read_only_view(tmp_path: Path) -> None:
    """A check gets a CheckContext (claims, text, names, money unit, rules), frozen, not the Context."""
    import dataclasses

    from auditor.checks import CheckContext

    path = tmp_path / "report.txt"
    path.write_bytes(DEADLINE_REPORT.encode("utf-8"))
    document = load(path, rules=RULES)
    view = CheckContext.of(Context(document, read(document, RULES), RULES))
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.text = ""  # type: ignore[misc]
    with pytest.raises(TypeError):
        view.by_id[0] = None  # type: ignore[index]
    assert not hasattr(view, "claims_in") and not hasattr(view, "doc")


@pytest.mark.parametrize("text, line, says", [
    ("catalogue:\n  checks:\n    ENT002:\n      params:\n        cited_report: '《([^》'\n", 5, "is not a 'regex'"),
    ("lexicon:\n  periods:\n    heading_words: []\n", 3, "should be non-empty"),
    ("bounds:\n  subject_overlap: 0\n", 2, "minimum"),
])
def test_a_finders_cue_overlay_is_validated(tmp_path: Path, text: str, line: int, says: str) -> None:
    """A pattern that does not compile, an empty cue list (it would match everywhere) or a window out
    of range is an input error at its line, not a crash or a finder gone quiet."""
    from auditor.rules import check_file

    path = tmp_path / "province.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    assert len(problems) == 1 and f":{line}" in str(problems[0]) and says in str(problems[0])
