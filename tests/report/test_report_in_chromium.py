"""The demo report in real Chromium at 1,280 px: every section fits its card, no chart is empty,
nothing is logged as an error. Built from the demo itself (a small slice of every corpus, the
recorded Reddit and X threads included), so what is tested is what a new user opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialens.datasets import recorded
from socialens.demo import build_demo

CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280

# Elements that overflow their section; a table may be wider than the card only inside its
# scrolling wrapper, and the wrapper itself must fit.
_OVERFLOWING = """() => {
  const out = [];
  for (const section of document.querySelectorAll('main section')) {
    const card = section.getBoundingClientRect();
    if (section.scrollWidth > section.clientWidth + 1) out.push(`${section.id}: scrolls sideways`);
    for (const el of section.querySelectorAll('*')) {
      if (el.closest('.table-wrap') && !el.classList.contains('table-wrap')) continue;
      if (el.closest('details:not([open])') && !el.matches('details, summary')) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 0 && (box.left < card.left - 1 || box.right > card.right + 1)) {
        out.push(`${section.id}: <${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}"> `
                 + `${Math.round(box.width)} px wide in a ${Math.round(card.width)} px card`);
      }
    }
  }
  return out;
}"""

# A chart is empty when its plot draws nothing or the data under its fold has no rows.
_EMPTY_CHARTS = """() => [...document.querySelectorAll('main figure')].filter(figure => {
  const svg = figure.querySelector('svg.plot');
  const marks = svg ? svg.querySelectorAll('path, rect, circle, line, polyline, use').length : 0;
  const data = figure.parentElement.querySelector('details table tbody');
  return !svg || marks < 3 || svg.getBoundingClientRect().height < 40 || (data && data.rows.length === 0);
}).map(figure => figure.closest('section').id + ': ' + (figure.querySelector('figcaption')?.textContent ?? ''))"""


RECORDED = all(recorded.available().values())


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    result = build_demo(folder / "demo.duckdb", folder / "demo.html", limit=40)
    # Without the recordings (scripts/fetch-recordings) the layout is still checked, on one author.
    assert not RECORDED or (result.posts["reddit"] > 500 and result.notes == [])
    return result.report_path


@pytest.mark.slow
def test_the_demo_report_fits_1280_px_with_no_empty_chart_and_no_console_error(demo_report):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(demo_report.as_uri())
            page.wait_for_load_state("load")
            sections = page.eval_on_selector_all("main section", "nodes => nodes.map(n => n.id)")
            overflowing = page.evaluate(_OVERFLOWING)
            empty = page.evaluate(_EMPTY_CHARTS)
            # a long post opens in place, and the page still fits when it is open
            folds = page.locator("details.more summary")
            if folds.count():
                folds.first.click()
                overflowing += page.evaluate(_OVERFLOWING)
        finally:
            browser.close()
    # the many-author part gives the who-matters sections something to show
    expected = ("summary", "sentiment", "topics", "influencers", "profiles", "communities", "segments", "suspicious")
    assert set(expected if RECORDED else expected[:3]) <= set(sections)
    assert overflowing == []
    assert empty == []
    assert errors == []


def test_the_checks_catch_what_they_look_for(tmp_path):
    """The page-level checks above fail on a page that has each fault."""
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><main style='width:600px'>"
        "<section id='wide'><div style='width:2000px'>x</div></section>"
        "<section id='chart'><figure><svg class='plot' viewBox='0 0 10 10'></svg>"
        "<figcaption>nothing</figcaption></figure></section>"
        "<script>console.error('boom')</script></main></body></html>",
        encoding="utf-8",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(bad.as_uri())
            overflowing, empty = page.evaluate(_OVERFLOWING), page.evaluate(_EMPTY_CHARTS)
        finally:
            browser.close()
    assert any(o.startswith("wide:") for o in overflowing)
    assert empty == ["chart: nothing"] and errors == ["boom"]
