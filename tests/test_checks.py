"""Per-check fixtures, the sqlfluff way: ``tests/fixtures/checks/<CODE>.yaml`` holds, for every
check code of ``rules/catalogue.yaml``, short report snippets that must and must not raise it.

A fixture file maps case names to cases::

    test_fail_parts_exceed_total:      # test_fail_… cases raise the code, test_pass_… cases do not
      text: |                          # a whole small report (tables in a loader shape, TABs real)
        全县参保人数达25.6万人，其中企业2.31万人，城乡居民29.2万人，机关事业单位1.26万人。
      raises: 1                        # how many findings of THIS code
      evidence: ["25.6万人"]           # optional: substrings found among that code's evidence texts
      tables: 1                        # optional: how many tables the loader must rebuild
      xfail: "why the pipeline gets it wrong today"   # optional: a known bug or gap

Each case is written to a temporary UTF-8 .txt and run through the real pipeline
(``auditor.pipeline.audit``). A case marked ``xfail`` that now holds fails the run (XPASS): the
bug it recorded is fixed, so the marker must go.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.model import AuditResult
from auditor.pipeline import audit
from auditor.rules import RuleSet

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
CASE_NAME = re.compile(r"^test_(fail|pass)_[a-z0-9_]+$")
CASE_KEYS = {"text", "raises", "evidence", "tables", "xfail", "message"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|\{\}")


def catalogue() -> dict[str, dict[str, Any]]:
    return RuleSet.load().checks


def fixture_files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(FIXTURES.glob("*.yaml"))}


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a case name given twice (plain YAML keeps the last one silently,
    and a merge of two branches' fixtures once lost a case that way)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"case names given twice: {twice}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


@lru_cache(maxsize=None)
def cases_of(code: str) -> dict[str, dict[str, Any]]:
    with fixture_files()[code].open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=UniqueKeyLoader) or {}
    assert isinstance(data, dict), f"{code}.yaml must map case names to cases"
    return data


def all_cases() -> list[Any]:
    params = []
    for code in fixture_files():
        for name, case in cases_of(code).items():
            params.append(pytest.param(code, name, case, id=f"{code}::{name}"))
    return params


CASES = all_cases()


@lru_cache(maxsize=None)
def _audit(text: str, tmp: str) -> AuditResult:
    path = Path(tmp) / "report.txt"
    path.write_bytes(text.encode("utf-8"))  # bytes: no newline translation, offsets as written
    return audit(path)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("check_fixtures"))


def run(case: dict[str, Any], workdir: str) -> AuditResult:
    return _audit(case["text"], workdir)


def problems_with(code: str, case: dict[str, Any], result: AuditResult) -> list[str]:
    """What in ``result`` disagrees with the case (empty when the case holds)."""
    found = [f for f in result.findings if f.code == code]
    problems = []
    if "tables" in case:
        tables = sum(b.kind == "table" for b in result.document.blocks)
        if tables != case["tables"]:
            problems.append(f"the loader rebuilt {tables} tables, the case expects {case['tables']}")
    if len(found) != case["raises"]:
        problems.append(f"{len(found)} {code} findings, expected {case['raises']}")
    texts = [e.text for f in found for e in f.evidence]
    for quote in case.get("evidence", ()):
        if not any(quote in t for t in texts):
            problems.append(f"no {code} evidence contains {quote!r} (evidence: {texts})")
    if "message" in case and not any(case["message"] in f.message for f in found):
        problems.append(f"no {code} message contains {case['message']!r}")
    if problems:
        problems += [f"  {f.code} {f.severity}: {f.message}" for f in result.findings]
    return problems


# --- the fixtures themselves ----------------------------------------------------------------


def test_every_check_has_a_fixture_file() -> None:
    codes, files = set(catalogue()), set(fixture_files())
    assert sorted(codes - files) == [], "checks without a fixture file"
    assert sorted(files - codes) == [], "fixture files for codes the catalogue does not have"


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_fixture_file_has_fail_and_pass_cases(code: str) -> None:
    if code not in fixture_files():
        pytest.fail(f"tests/fixtures/checks/{code}.yaml is missing")
    names = list(cases_of(code))
    assert any(n.startswith("test_fail_") for n in names), f"{code}.yaml has no test_fail_ case"
    assert any(n.startswith("test_pass_") for n in names), f"{code}.yaml has no test_pass_ case"


@pytest.mark.parametrize(("code", "name", "case"), CASES)
def test_case_is_well_formed(code: str, name: str, case: dict[str, Any]) -> None:
    assert CASE_NAME.match(name), f"{name}: case names are test_fail_… or test_pass_… (lower case)"
    assert isinstance(case, dict) and set(case) <= CASE_KEYS, f"{name}: unknown keys {set(case) - CASE_KEYS}"
    assert isinstance(case.get("text"), str) and case["text"].strip(), f"{name}: text is missing"
    assert isinstance(case.get("raises"), int), f"{name}: raises must be an integer"
    if name.startswith("test_pass_"):
        assert case["raises"] == 0, f"{name}: a pass case raises nothing"
        assert not case.get("evidence"), f"{name}: a pass case has no evidence"
    else:
        assert case["raises"] >= 1, f"{name}: a fail case raises at least once"
    assert "xfail" not in case or (isinstance(case["xfail"], str) and case["xfail"].strip()), \
        f"{name}: xfail needs a reason"


# --- the checks against the fixtures --------------------------------------------------------


@pytest.mark.parametrize(("code", "name", "case"), CASES)
def test_check(code: str, name: str, case: dict[str, Any], workdir: str) -> None:
    problems = problems_with(code, case, run(case, workdir))
    if case.get("xfail"):
        if problems:
            pytest.xfail(case["xfail"])
        pytest.fail(f"XPASS {code}::{name} now holds; remove its xfail marker ({case['xfail']})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("code", "name", "case"), CASES)
def test_messages_are_filled_chinese(code: str, name: str, case: dict[str, Any], workdir: str) -> None:
    """Every finding raised on any fixture: a Chinese message, its template fully filled."""
    rules = catalogue()
    for f in run(case, workdir).findings:
        summary = rules.get(f.code, {}).get("summary", f.code)
        assert CJK.search(f.message), f"{f.code}: message is not Chinese: {f.message!r}"
        assert not PLACEHOLDER.search(f.message), f"{f.code}: unfilled placeholder in {f.message!r}"
        assert not f.message.startswith(f"{summary}："), \
            f"{f.code}: the catalogue template could not be filled (fallback message {f.message!r})"
        assert f.evidence, f"{f.code}: a finding without evidence: {f.message!r}"
        for e in f.evidence:
            assert case["text"][e.span.start:e.span.end] == e.text, f"{f.code}: evidence span/text disagree"
