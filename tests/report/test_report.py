from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from socialens.errors import MissingExtraError
from socialens.report import Section, build_sections, registered_sections, render_report, report_section, write_report
from socialens.report import sections as sections_module
from socialens.report.overview import choose_time_unit
from socialens.schema import Post
from tests.store.test_queries import log_ingest, sample_records

BUILT_IN = ["summary", "volume", "languages", "hashtags", "mentions", "engaged"]


@pytest.fixture
def filled(store):
    store.write_records(sample_records())
    log_ingest(store, read=7, rejected=1)
    return store


@pytest.fixture
def scratch_registry(monkeypatch):
    """Register test sections without leaving them behind for other tests."""
    monkeypatch.setattr(sections_module, "_SECTIONS", dict(sections_module._SECTIONS))


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.DOTALL)
    assert match, f"no section {section_id!r}"
    return match.group(1)


def test_report_is_one_self_contained_file_with_every_section(filled, tmp_path):
    path = write_report(filled, tmp_path / "out" / "report.html", title="Tést <b>report</b>")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Tést &lt;b&gt;report&lt;/b&gt;</title>" in page
    assert [s.id for s in build_sections(filled)] == BUILT_IN
    positions = [page.index(f'<section id="{s}">') for s in BUILT_IN]
    assert positions == sorted(positions)
    # Plots are inline SVG; nothing is fetched from elsewhere (namespace URIs are names, not fetches).
    for with_plot in ("volume", "languages", "hashtags", "mentions"):
        assert "<svg" in _section(page, with_plot), with_plot
    assert "<metadata>" not in page and "<?xml" not in page
    # The one url() allowed is the embedded emoji font (a data: URL inside the page).
    fetches = r"<script|<link|<img|<iframe|(?:src|href)=\"(?!#)|url\((?!#|data:font/ttf;base64,)|@import"
    assert not re.search(fetches, page)
    # Each plot's element ids carry its own prefix, so plots cannot clash on one page.
    assert 'id="plot-top-hashtags-figure_1"' in page and 'id="plot-top-mentions-figure_1"' in page
    assert not list(tmp_path.glob("out/*.partial"))


def test_sections_show_the_numbers(filled):
    page = render_report(filled)
    summary = _section(page, "summary")
    assert "<dd>6<small>by 3 authors</small>" in summary and "twitter 4, reddit 2" in summary
    assert "Rejected" in summary and "14.3% of records read" in summary
    assert "Posts per month" not in _section(page, "volume") and "Posts per day" in _section(page, "volume")
    assert "1 posts carry no time" in _section(page, "volume")
    assert "#python" in _section(page, "hashtags") and "#paris" in _section(page, "hashtags")
    mentions = _section(page, "mentions")
    assert "@h_bob" in mentions and "pseudonym" in mentions
    engaged = _section(page, "engaged")
    assert engaged.index("alert(1)") < engaged.index("Hello #Python")  # 101 before 15
    assert "RT copy" not in engaged
    assert "2021-01-05 12:30" in engaged


def test_user_text_is_escaped(store):
    evil = '<script>alert("x")</script> & <img src=x onerror=1> #<b>'
    store.write_records(
        {
            Post: [
                Post(
                    id="1",
                    platform="twitter",
                    created_at=datetime(2020, 1, 1, tzinfo=UTC),
                    text=evil,
                    hashtags=["<b>x</b>"],
                    lang="<i>",
                    like_count=1,
                )
            ]
        }
    )
    page = render_report(store)
    assert "<script" not in page and "<img" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=1&gt;" in page
    assert "#&lt;b&gt;x&lt;/b&gt;" in _section(page, "hashtags")


def test_empty_store_gives_a_valid_page_that_says_so(store, tmp_path):
    page = write_report(store, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "There is no data to report" in page
    assert "<section" not in page and "<svg" not in page


def test_a_capability_adds_its_section_with_the_decorator(filled, scratch_registry):
    @report_section("extra-demo", order=15)
    def extra(store):
        return Section(title="Extra <things>", html=f"<p>posts: {store.count('posts')}</p>")

    @report_section("nothing", order=5)
    def nothing(store):
        return None

    @report_section("needs-extra", order=70)
    def needs(store):
        raise MissingExtraError("torch", "ml")

    assert ("extra-demo", 15) in registered_sections()
    page = render_report(filled)
    assert _section(page, "extra-demo").count("<p>posts: 6</p>") == 1
    assert "<h2>Extra &lt;things&gt;</h2>" in page and '<a href="#extra-demo">' in page
    assert page.index('id="summary"') < page.index('id="extra-demo"') < page.index('id="volume"')
    assert 'id="nothing"' not in page
    assert "pip install &#x27;socialens[ml]&#x27;" in _section(page, "needs-extra")
    only = render_report(filled, sections=["extra-demo"])
    assert 'id="extra-demo"' in only and 'id="summary"' not in only


def test_section_ids_are_published_names(scratch_registry):
    @report_section("taken")
    def first(store):
        return None

    with pytest.raises(ValueError, match="taken"):

        @report_section("taken")
        def second(store):
            return None

    with pytest.raises(ValueError, match="slug"):
        report_section("not a slug")
    with pytest.raises(ValueError, match="unknown report section"):
        build_sections(None, only=["no-such-section"])  # type: ignore[arg-type]


def test_without_matplotlib_sections_fall_back_to_tables(filled, monkeypatch):
    from socialens.report import plots

    def missing():
        raise MissingExtraError("matplotlib", "report")

    monkeypatch.setattr(plots, "matplotlib_module", missing)
    page = render_report(filled)
    assert "<svg" not in page and "socialens[report]" in page
    assert "<table>" in _section(page, "languages")


def test_time_unit_follows_the_span():
    start = datetime(2020, 1, 1)
    assert choose_time_unit(start, datetime(2020, 3, 1)) == "day"
    assert choose_time_unit(start, datetime(2021, 6, 1)) == "week"
    assert choose_time_unit(start, datetime(2024, 1, 1)) == "month"
