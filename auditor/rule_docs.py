"""Each rule's page, generated from ``rules/catalogue.yaml``: the list of ``auditor rules``, one page
for ``auditor rules CODE`` and all of them in ``docs/rules.md`` (``auditor rules --doc``), to which
every finding links (``"doc": "docs/rules.md#sum001"``)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from auditor.rules import RuleSet

DOC_PATH = "docs/rules.md"
SECTIONS = ("问题", "为何重要", "错误示例", "正确示例")
LEVEL_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


def anchor(code: str) -> str:
    return f"{DOC_PATH}#{code.lower()}"


def base_level(rules: RuleSet, code: str) -> str:
    """The level of a finding of ``code`` that changes no conclusion (a decision error is an error)."""
    spec = rules.check(code)
    categories = rules["catalogue"].get("severity", {}).get("categories", {})
    return spec.get("severity") or categories.get(spec.get("category", ""), "warning")


def rule_lines(rules: RuleSet) -> str:
    lines = []
    for code, spec in sorted(rules.checks.items()):
        state = "" if spec.get("enabled", True) else " (off)"
        lines.append(f"{code:<9}{spec.get('name', ''):<34}{spec.get('category', ''):<21}"
                     f"{base_level(rules, code):<8}{spec.get('summary', '')}{state}")
    return "\n".join(lines)


def where(fn: Any) -> str:
    """``auditor/checks/sums.py:parts_vs_total``: a function's file (from the repository root) and name."""
    path = Path(inspect.getfile(fn)).resolve()
    return f"{path.relative_to(Path(__file__).resolve().parents[1]).as_posix()}:{fn.__name__}"


def registry(code: str) -> tuple[list[tuple[str, tuple[str, ...]]], list[tuple[str, str]]]:
    """What forms and what evaluates ``code``'s constraints, from the registrations themselves: the
    finders that declare it (``auditor.linking.FINDERS``) with their kinds of constraint, and the
    check registered for each of those kinds (``@check(kind)``)."""
    from auditor.checks import load_checks
    from auditor.linking import finders_of

    checks = load_checks()
    formed = [(where(f.find), f.yields[code]) for f in finders_of(code)]
    kinds = dict.fromkeys(kind for _, ks in formed for kind in ks)
    return formed, [(where(checks[kind]), kind) for kind in kinds if kind in checks]


def registry_line(code: str) -> str:
    formed, checked = registry(code)
    finders = "、".join(f"{w}（{'、'.join(kinds)}）" for w, kinds in formed) or "无"
    evaluators = "、".join(f"{w}（{kind}）" for w, kind in checked) or "无"
    return f"形成：{finders}；检查：{evaluators}"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rule_page(rules: RuleSet, code: str) -> str:
    """One rule's page (Markdown): what it finds, why it matters, a wrong and a right example, its parameters."""
    spec = rules.check(code)
    doc = spec.get("doc", {})
    state = "" if spec.get("enabled", True) else "（已关闭）"
    out = [f"## {code}", "",
           f"`{spec.get('name', '')}` · 类别 `{spec.get('category', '')}` · "
           f"无结论影响时为 `{base_level(rules, code)}`{state}", "",
           f"{spec.get('summary', '')}", "", registry_line(code), ""]
    for heading in SECTIONS:
        if doc.get(heading):
            out += [f"**{heading}**：{doc[heading]}", ""]
    params = spec.get("params") or {}
    if params:
        out += ["**参数与默认值**：", ""]
        out += [f"- `{key}` = `{_value(value)}`" for key, value in params.items()]
        out.append("")
        if doc.get("参数"):
            out += [doc["参数"], ""]
        out += ["省级规则文件可改写（`--rules FILE`）：", "", "```yaml", "catalogue:", "  checks:", f"    {code}:",
                "      params:", *[f"        {key}: {_value(value)}" for key, value in params.items()], "```", ""]
    return "\n".join(out)


def severity_page(rules: RuleSet) -> str:
    data = rules["catalogue"].get("severity", {})
    bands = rules.param("SCO004", "bands", [])
    band_text = "、".join(f"{grade}≥{floor}" for floor, grade in bands if floor) + (
        f"、{bands[-1][1]}<{bands[-2][0]}" if len(bands) > 1 else "")
    categories = data.get("categories", {})
    return "\n".join([
        "## 严重程度", "",
        "严重程度按“结论是否改变”判定（statcheck 的 decision error），对每条发现统一判定（`auditor/checks/severity.py`）：", "",
        f"- `error`（{LEVEL_WORDS['error']}）：差错改变了评价结论：总分所在等级改变（{band_text}，取 SCO004 的 `bands`），"
        "未达目标或执行不足却得满分（得分等于分值、执行率写作100%），或报告结论引用的总分、等级本身有误；",
        f"- `warning`（{LEVEL_WORDS['warning']}）：数字互相矛盾，但不改变任何得分结论；",
        f"- `info`（{LEVEL_WORDS['info']}）：单位、措辞类差错，差额不超过所述数字末位 {data.get('rounding_steps', 1)} 个单位的舍入差，"
        "以及对应数字不确定（uncertain）的发现。", "",
        "不改变结论时各类别的级别：" + "，".join(f"`{c}` {lvl}" for c, lvl in categories.items()) + "。", "",
        "阈值与类别级别见 `rules/catalogue.yaml` 的 `severity:` 一节，省级规则文件可改写。", ""])


# A worked overlay (tests check that it is a valid rule file and does what it says).
PROVINCE_EXAMPLE = """\
# 某省规则：执行率分档计分，等级分数段不同
catalogue:
  checks:
    SCO001:
      params:
        # 执行率≥95%得满分，≥90%得80%，≥80%得60%，其下不得分
        steps: [[0.95, 1], [0.9, 0.8], [0.8, 0.6], [0, 0]]
      message: "{subject}执行率实为{rate}，按分档计分应得{expected}分，实填{stated}分"
    SCO004:
      params:
        # 优≥85，良≥75，中≥60，差<60（严重程度判定同样按此分数段）
        bands: [[85, 优], [75, 良], [60, 中], [0, 差]]
    UNIT001: {enabled: false}   # 不报告“万元元”
"""


def overlay_page() -> str:
    return "\n".join([
        "## 省级规则文件", "",
        "省级财政部门以一个 YAML 文件改写默认规则（`auditor audit 报告 --rules 省规则.yaml`），"
        "使用前可先校验（`auditor rules --check 省规则.yaml`）：未知的代码、键或参数，类型或取值范围错误，"
        "都会指出文件、行号和最接近的有效名称，退出码 2。例如执行率分档计分、等级分数段不同的省份：", "",
        "```yaml", PROVINCE_EXAMPLE.rstrip("\n"), "```", ""])


def rules_doc(rules: RuleSet) -> str:
    """``docs/rules.md``: every rule's page, generated; a test keeps the committed file current."""
    out = ["# auditor 规则说明", "",
           "本文件由 `auditor rules --doc > docs/rules.md` 生成，请勿手改；规则数据见 `rules/catalogue.yaml`。"
           "每条规则的“形成”一行列出产生其约束的查找器（`auditor/linking/`，括号内为约束种类），"
           "“检查”列出评估该种约束的函数（`auditor/checks/`）；二者取自代码中的登记"
           "（`auditor/linking/__init__.py` 的 `FINDERS`、`@check(kind)`），不是手写的表。", "",
           "| 代码 | 名称 | 类别 | 说明 |", "| --- | --- | --- | --- |"]
    for code, spec in sorted(rules.checks.items()):
        out.append(f"| [{code}](#{code.lower()}) | `{spec.get('name', '')}` | `{spec.get('category', '')}` | "
                   f"{spec.get('summary', '')} |")
    out += ["", severity_page(rules), overlay_page()]
    for code in sorted(rules.checks):
        out.append(rule_page(rules, code))
    return "\n".join(out).rstrip("\n") + "\n"
