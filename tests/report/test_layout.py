"""The pieces that keep the report readable: clipped texts, folded tables, shares with a minimum,
gaps in lines, topic maps that label only what fits, offensive lists that hold offensive posts."""

from __future__ import annotations

import math
import re
from datetime import datetime

import pyarrow as pa

from socialens.analyses.offensive.report import offensive_section
from socialens.analyses.topics.report import _topic_map_svg
from socialens.report.html import CLIP_TEXT, breakable, clip_text, table
from socialens.report.plots import line_chart, with_gaps
from socialens.report.shares import caption, rows, shares_over_time
from socialens.schema import Post
from socialens.store.scores import write_scores


def test_long_posts_are_clipped_with_the_full_text_on_demand():
    post = "word " * 200 + "<script>"
    html = clip_text(post)
    shown = re.search(r'<span class="clip">(.*?)</span>', html).group(1)
    assert len(shown) <= CLIP_TEXT + 1 and shown.endswith("…")
    assert "show all 1,008 characters" in html and "&lt;script&gt;" in html and "<script>" not in html
    many_lines = "\n".join(f"line {i}" for i in range(10))
    assert "line 3" in clip_text(many_lines) and "<details" in clip_text(many_lines)
    assert clip_text("short one") == "short one"
    assert "<wbr>" in breakable("https://example.com/a/very/long/path") and breakable("plain words") == "plain words"


def test_tables_scroll_in_their_wrapper_and_fold_long_lists():
    html = table(["A", "B"], [(i, f"row {i}") for i in range(12)], numeric=[0], fold_after=5)
    assert html.startswith('<div class="table-wrap">') and "show 7 more" in html
    first, rest = html.split('<details class="rows">')
    assert first.count("<tr>") == 6 and rest.count("<tr>") == 8  # header + rows in each


def test_shares_leave_out_thin_periods_and_say_how_many():
    jan, feb, mar = datetime(2020, 1, 1), datetime(2020, 2, 1), datetime(2020, 3, 1)
    counts = {"negative": [(jan, 30), (feb, 1), (mar, 5)], "positive": [(jan, 10), (feb, 2), (mar, 20)]}
    shares = shares_over_time(counts, "month", minimum=20)
    assert shares.series == {"negative": [(jan, 75.0), (mar, 20.0)], "positive": [(jan, 25.0), (mar, 80.0)]}
    assert shares.thin == [(feb, 3)]
    assert ("2020-02-01", "negative", 1, "too few (3)") in rows(shares)
    assert ("2020-01-01", "negative", 30, "75% of 40") in rows(shares)
    assert "1 of 3 months had fewer than 20 scored posts" in caption(shares, "label")


def test_thin_periods_are_drawn_grey_with_their_count_and_a_tooltip():
    from socialens.analyses.sentiment.report import SentimentView, render_sentiment
    from socialens.report.plots import THIN_COLOR

    jan, feb, mar = datetime(2020, 1, 1), datetime(2020, 2, 1), datetime(2020, 3, 1)
    counts = {"negative": [(jan, 30), (feb, 1), (mar, 5)], "positive": [(jan, 10), (feb, 2), (mar, 20)]}
    shares = shares_over_time(counts, "month", minimum=20)
    svg = line_chart(shares.series, ylabel="%", label="shares", unit="month", thin=shares.thin)
    assert svg.count("<title>") == 1 and "<title>2020-02-01: too few posts to show a share (3 posts)</title>" in svg
    assert THIN_COLOR in svg and ">3</text>" in svg  # the grey mark carries its count
    assert "too few posts" not in line_chart(shares.series, ylabel="%", label="shares", unit="month")
    section = render_sentiment(SentimentView([("negative", 36), ("positive", 32)], shares, [], [], []))
    assert "too few posts to show a share (3 posts)" in section.html
    assert "drawn grey at the bottom with their counts" in section.html


def test_missing_periods_break_the_line():
    points = [(datetime(2010, 1, 1), 5), (datetime(2010, 2, 1), 6), (datetime(2015, 6, 1), 7)]
    xs, ys = with_gaps(points, "month")
    assert xs[2] == datetime(2010, 3, 1) and math.isnan(ys[2]) and ys[3] == 7
    assert with_gaps(points[:2], "month") == ([p[0] for p in points[:2]], [5.0, 6.0])
    svg = line_chart({"a": points}, ylabel="n", label="gappy", unit="month")
    # the line has two pieces, not one across five years: two separate 'M' moves in the path
    assert svg.count("<path") > 0 and "gappy" in svg


def test_the_topic_map_labels_only_what_fits():
    # 30 topics on one spot and one far away: the spot gets one label (the largest topic's), not a blob
    crowded = [{"label": f"topic_label_{i}", "size": 100 - i, "x": 0.0, "y": 0.0} for i in range(30)]
    crowded.append({"label": "far_away", "size": 5, "x": 10.0, "y": 10.0})
    labels = re.findall(r">(topic_label_\d+|far_away)</text>", _topic_map_svg(crowded))
    assert labels == ["topic_label_0", "far_away"]
    spread = [{"label": f"t{i}", "size": 10, "x": float(i % 5), "y": float(i // 5)} for i in range(10)]
    assert re.findall(r">(t\d+)</text>", _topic_map_svg(spread)) == [f"t{i}" for i in range(10)]


def test_most_offensive_lists_only_posts_labelled_offensive(store):
    posts = [Post(id=f"p{i}", platform="x", author="a", text=f"post {i}") for i in range(3)]
    store.write_records({Post: posts})

    def score(labels: list[str], values: list[float]) -> None:
        table_ = {"platform": ["x"] * 3, "post_id": ["p0", "p1", "p2"], "task": ["offensive"] * 3, "label": labels,
                  "score": values, "probabilities": [None] * 3, "model": ["test"] * 3}  # fmt: skip
        write_scores(store, pa.table(table_))

    score(["neither", "neither", "neither"], [0.4, 0.3, 0.2])
    html = offensive_section(store).html
    assert "No post was labelled offensive or hateful" in html and "post 0" not in html
    score(["neither", "offensive_language", "neither"], [0.4, 0.3, 0.2])
    html = offensive_section(store).html
    assert "post 1" in html and "post 0" not in html


def test_the_sentiment_view_keeps_thin_months_counted_but_without_a_share(store):
    from socialens.analyses.sentiment.report import render_sentiment, sentiment_view
    from socialens.report.sections import build_views

    posts = [Post(id=f"j{i}", platform="x", author="a", text="jan", created_at=datetime(2020, 1, 2)) for i in range(25)]
    posts += [Post(id=f"f{i}", platform="x", author="a", text="feb", created_at=datetime(2020, 2, 2)) for i in range(2)]
    store.write_records({Post: posts})
    ids = [p.id for p in posts]
    labels = ["positive" if i % 5 else "negative" for i in range(len(ids))]
    table_ = {"platform": ["x"] * len(ids), "post_id": ids, "task": ["sentiment"] * len(ids), "label": labels,
              "score": [0.5] * len(ids), "probabilities": [None] * len(ids), "model": ["test"] * len(ids)}  # fmt: skip
    write_scores(store, pa.table(table_))
    view = sentiment_view(store)
    assert view is not None and view.over_time is not None and view.over_time.unit == "day"
    assert view.over_time.thin == [(datetime(2020, 2, 2), 2)]
    assert view.over_time.series["positive"] == [(datetime(2020, 1, 2), 80.0)]
    assert view.caveats == ["1 of 2 days have fewer than 20 scored posts: they get no share over time and are "
                            "drawn grey with their counts"]  # fmt: skip
    html = render_sentiment(view).html
    assert "too few (2)" in html and "80% of 25" in html
    assert "2020-02-02: too few posts to show a share (2 posts)" in html  # the grey mark's tooltip
    assert build_views(store, only=["sentiment"])["sentiment"]["caveats"] == view.caveats


def test_sections_with_nothing_to_show_are_named_with_the_reason(store):
    from socialens.report import render_report

    store.write_records(
        {Post: [Post(id="p1", platform="x", author="a", text="hello", created_at=datetime(2020, 1, 1))]}
    )
    page = render_report(store)
    assert '<section id="not-shown">' in page
    listed = re.search(r"Nothing to show yet for: ([^.]*)\.", page).group(1).split(", ")
    assert {"sentiment", "topics", "influencers", "suspicious"} <= set(listed) and "summary" not in listed


def test_the_top_accounts_are_profiled_in_the_report_even_one_known_only_from_mentions(store):
    from socialens.analyses.profiles.report import profiles_section
    from tests.analyses.test_adequacy import _star
    from tests.conftest import run_analysis

    assert profiles_section(store) is None  # no influence ranking yet
    _star(store, leaves=3)
    run_analysis(store, "influence", {"kind": "all"})
    section = profiles_section(store)
    assert section is not None and "x:hub" in section.html and "x:leaf0" in section.html
    assert "1 account (1 mention)" in section.html  # a leaf: never posted, mentioned once by the hub
