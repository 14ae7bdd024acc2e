"""The HTML findings page in a real browser: Debian's headless Chromium driven by Playwright.

No browser download: Playwright launches the system's /usr/bin/chromium with a fresh profile and
everything that could reach the network switched off. Every page is opened from a file:// URL;
any request that is not file: or data: fails the test. Screenshots of every page go to
artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_report_html import gold_result, hostile_result, hostile_triage, sample_result

CHROMIUM = Path(os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (CI installs Debian's chromium)"),
]

# Recorded in every page before any of its own script runs.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1440, "height": 900}, locale="zh-CN", service_workers="block",
        )
        ctx.set_default_timeout(15_000)
        ctx.add_init_script(WATCH)
        yield ctx
        ctx.close()


class Watched:
    """A page with everything it tried to do recorded: requests, dialogs, console errors."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        foreign = [u for u in self.requests if not u.startswith(("file:", "data:", "about:"))]
        assert not foreign, f"network requests: {foreign}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.errors, f"script errors: {self.errors}"
        assert self.page.evaluate("window.__csp") == [], "Content-Security-Policy violations"
        assert self.page.evaluate("document.documentElement.classList.contains('js')"), "page script did not run"

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watched(context):
    w = Watched(context)
    yield w
    w.close()


def shoot(page, name: str, full: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    assert path.stat().st_size > 10_000
    return path


def in_viewport(locator) -> bool:
    """The element's box intersects the window (what an auditor sees)."""
    return locator.evaluate("""el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
               r.top < window.innerHeight && r.left < window.innerWidth;
    }""")


def check_findings_page(w: Watched, name: str, expected_findings: int) -> None:
    """What every page must do: list, highlights, click-to-evidence, popover, filters."""
    page = w.page
    cards = page.locator("li.finding")
    assert cards.count() == expected_findings
    # Styles applied (the CSP hash of the inline stylesheet is right).
    assert page.locator("aside.panel").evaluate("el => getComputedStyle(el).position") == "sticky"
    shoot(page, f"{name}")
    if not expected_findings:
        assert page.locator(".no-findings").is_visible()
        w.assert_clean()
        return
    marks = page.locator("main .ev")
    assert marks.count() > 0
    # Every listed evidence link has highlighted text behind it.
    keys = page.eval_on_selector_all("a.evidence", "els => els.map(e => e.dataset.ev)")
    marked = set(page.eval_on_selector_all(
        "main [data-ev]", "els => els.flatMap(e => e.dataset.ev.split(' '))"))
    assert keys and set(keys) <= marked

    # Click the last finding (its evidence is furthest from where the page opens): its first
    # piece of evidence is scrolled into view and the finding is marked active.
    last = cards.nth(expected_findings - 1)
    fid = last.get_attribute("id")
    last.locator(".f-head").click()
    first_mark = page.locator(f'main .ev[data-f~="{fid}"]').first
    page.wait_for_function("el => el.classList.contains('hot')", arg=first_mark.element_handle())
    page.wait_for_timeout(150)
    assert in_viewport(first_mark), f"{name}: evidence of {fid} not scrolled into view"
    assert "active" in (last.get_attribute("class") or "")

    # Each evidence link of the first finding scrolls its own evidence into view.
    first = cards.nth(0)
    for link in first.locator("a.evidence").all():
        key = link.get_attribute("data-ev")
        link.click()
        target = page.locator(f'main .ev[data-ev~="{key}"]').first
        page.wait_for_timeout(120)
        assert in_viewport(target), f"{name}: evidence {key} not in view after its link was clicked"
    shoot(page, f"{name}-evidence")

    # Clicking a highlight shows its finding(s) in a popover; the button goes back to the card.
    target.click()
    popover = page.locator("#popover")
    assert popover.is_visible()
    message = first.locator(".msg").inner_text()
    assert message.strip() in popover.inner_text()
    popover.locator(".pop-item button").first.click()
    assert not popover.is_visible()

    # Filters: unchecking a severity hides its cards and greys its highlights.
    severities = page.eval_on_selector_all("input[name=severity]", "els => els.map(e => e.value)")
    sev = severities[0]
    page.locator(f"input[name=severity][value={sev}]").uncheck()
    hidden = page.locator(f"li.finding[data-severity={sev}]")
    assert all(not hidden.nth(i).is_visible() for i in range(hidden.count()))
    shown = page.locator("#shown-count").inner_text()
    assert shown.startswith(f"{expected_findings - hidden.count()} /")
    page.locator(f"input[name=severity][value={sev}]").check()
    assert hidden.first.is_visible()
    w.assert_clean()


# --------------------------------------------------------------------------------------------


def test_sample_page(watched: Watched, tmp_path: Path) -> None:
    from auditor.report.html import render_html

    result, triage = sample_result(triage=True, pages=True)
    path = tmp_path / "sample.html"
    path.write_text(render_html(result, triage=triage), encoding="utf-8")
    watched.open(path)
    assert watched.page.title().endswith("关于2023年度老字号项目绩效自评报告")
    check_findings_page(watched, "sample", len(result.findings))
    # Hovering a claim shows what auditor read.
    claim = watched.page.locator("main .claim[title*='661.7252万元']").first
    assert "执行数" in claim.get_attribute("title")
    # Table evidence sits in a real table cell.
    assert watched.page.locator("main td .ev").count() >= 3
    # Switching claims off removes their underline.
    watched.page.locator("#show-claims").uncheck()
    assert watched.page.evaluate("document.body.classList.contains('hide-claims')")
    # j / k walk the findings.
    watched.page.locator("body").press("Escape")
    watched.page.keyboard.press("j")
    watched.page.keyboard.press("j")
    assert watched.page.locator("li.finding.active").get_attribute("id") == "f2"
    watched.assert_clean()


def test_print_layout_fits_a4(watched: Watched, tmp_path: Path) -> None:
    from auditor.report.html import render_html

    result, triage = sample_result(triage=True, pages=True)
    path = tmp_path / "print.html"
    path.write_text(render_html(result, triage=triage), encoding="utf-8")
    watched.open(path)
    page = watched.page
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert page.locator("li.finding").first.is_visible()
    shoot(page, "sample-print", full=True)
    pdf = page.pdf(format="A4", print_background=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "sample-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
    # Nothing is wider than the A4 text column (about 184 mm at 96 dpi).
    overflow = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('main table, .finding')).some(
            el => el.getBoundingClientRect().right > width + 1);
    }""")
    assert not overflow
    page.emulate_media(media="screen")
    watched.assert_clean()


def test_hostile_report_runs_nothing(watched: Watched, tmp_path: Path) -> None:
    from auditor.report.html import render_html

    result = hostile_result()
    path = tmp_path / "hostile.html"
    path.write_text(render_html(result, triage=hostile_triage(result)), encoding="utf-8")
    watched.open(path)
    page = watched.page
    check_findings_page(watched, "hostile", len(result.findings))
    # Touch everything: every card, every evidence link, every highlight (popover), every filter.
    for card in page.locator("li.finding").all():
        card.locator(".f-head").click()
    for link in page.locator("a.evidence").all():
        link.click()
    for mark in page.locator("main .ev").all():
        mark.click()
        assert page.locator("#popover").is_visible()
        page.keyboard.press("Escape")
    for box in page.locator("#filters input[type=checkbox]").all():
        box.uncheck()
        box.check()
    for claim in page.locator("main .claim").all()[:5]:
        claim.hover()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == "审核结果 · " + result.reading.title  # the title text, not a script's
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed, link').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("""Array.from(document.querySelectorAll('*')).some(
        el => Array.from(el.attributes).some(a => a.name.startsWith('on')))""") is False
    assert page.evaluate("Array.from(document.links).every(a => a.getAttribute('href').startsWith('#'))")
    # The hostile text is on the page, as text.
    body = page.locator("main").inner_text()
    assert "<script>window.__pwned = 1;" in body and 'onerror="window.__pwned=2' in body
    shoot(page, "hostile-after")
    watched.assert_clean()


def test_hostile_file_through_the_command_runs_nothing(watched: Watched, tmp_path: Path) -> None:
    """The same hostile text as a .txt file, through the real loader, reader and checks."""
    from auditor.cli import main
    from test_report_html import HOSTILE_BITS

    lines = ["<script>document.title='pwned'</script>2023年度部门整体支出绩效自评报告", ""]
    lines += [f"{bit}年初预算1362.16万元，全年预算1429.46万元，执行率为100%。" for bit in HOSTILE_BITS]
    lines += ["", "\t项目<script>alert(1)</script>\t全年预算数（A）\t全年执行数（B）\t执行率",
              f"\t{HOSTILE_BITS[1]}\t680\t661.7252\t100%", f"\t合计{HOSTILE_BITS[2]}\t680\t600\t75%", ""]
    source = tmp_path / "<img src=x onerror=alert(1)>.txt"
    source.write_text("\n".join(lines).replace("\x00", ""), encoding="utf-8")  # NUL: not a text file
    html = tmp_path / "hostile-file.html"
    assert main(["audit", str(source), "-o", str(html)]) in (0, 1)
    watched.open(html)
    page = watched.page
    for mark in page.locator("main .ev").all():
        mark.click()
        page.keyboard.press("Escape")
    for card in page.locator("li.finding .f-head").all():
        card.click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed, link').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    shoot(page, "hostile-file")
    watched.assert_clean()


# --------------------------------------------------------------------------------------------
# Every seed, rendered by the command auditors use: ``auditor audit FILE -o FILE.html``.


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_page(seed: Path, watched: Watched, tmp_path: Path) -> None:
    import json

    from auditor.cli import main

    html = tmp_path / f"{seed.stem}.html"
    data = tmp_path / f"{seed.stem}.json"
    assert main(["audit", str(seed), "-o", str(html)]) in (0, 1)
    assert main(["audit", str(seed), "-o", str(data)]) in (0, 1)
    findings = json.loads(data.read_text(encoding="utf-8"))["findings"]
    watched.open(html)
    check_findings_page(watched, seed.stem, len(findings))
    # The report's own text is all there.
    shoot(watched.page, f"{seed.stem}-full", full=True)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_gold_page(seed: Path, watched: Watched, tmp_path: Path) -> None:
    """The seed as the loader reads it, with the gold findings as findings: every real contradiction
    can be shown and reached, whatever the checks find today."""
    from auditor.report.html import render_html

    result = gold_result(seed)
    html = tmp_path / f"{seed.stem}.gold.html"
    html.write_text(render_html(result), encoding="utf-8")
    watched.open(html)
    check_findings_page(watched, f"gold-{seed.stem}", len(result.findings))


PDF = ROOT / "corpora" / "renditions" / "pdf" / "003_7f5d5af4a69b0ca3.pdf"


@pytest.mark.skipif(not PDF.exists(), reason=f"{PDF.name} rendition absent")
def test_pdf_rendition_page_shows_page_numbers(watched: Watched, tmp_path: Path) -> None:
    from auditor.pipeline import audit
    from auditor.report.html import render_html

    result = audit(PDF)
    html = tmp_path / "pdf.html"
    html.write_text(render_html(result), encoding="utf-8")
    watched.open(html)
    pages = {b.page for b in result.document.blocks if b.page is not None}
    assert pages, "the PDF loader sets Block.page"
    marks = watched.page.locator(".page-mark")
    assert marks.count() == len(pages) and marks.first.is_visible()
    check_findings_page(watched, "pdf-003_7f5d5af4a69b0ca3", len(result.findings))
    locations = " ".join(watched.page.locator(".ev-loc").all_inner_texts())
    assert not result.findings or re.search(r"第\d+页", locations)
