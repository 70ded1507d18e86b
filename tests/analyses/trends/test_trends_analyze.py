"""``analyze trends`` over a real store: autumn 2016 tweets, when the debates' hashtags burst."""

from __future__ import annotations

import pytest

from socialens.analyses.trends.analyze import TrendSettings
from socialens.errors import ConfigError
from socialens.pipeline.settings import parse_settings
from socialens.store.results import read_results
from tests.analyses.trends.corpus import ingest_trump_slice
from tests.conftest import run_analysis


@pytest.fixture
def autumn_2016(store, tmp_path):
    summary = ingest_trump_slice(store, tmp_path, "2016-09-01", "2016-11-15")
    assert summary.read > 800 and summary.rejected == 0
    return store


def test_bursts_are_ranked_and_explained(autumn_2016):
    result = run_analysis(autumn_2016, "trends", {"top": "20"})
    trends = result["trends"]
    assert 0 < len(trends) <= 20 and result["summary"].startswith(f"{len(trends)} bursts")
    assert [t["weight"] for t in trends] == sorted((t["weight"] for t in trends), reverse=True)
    assert {t["bin"] for t in trends} == {"day"}  # 75 days of data: daily bins
    terms = {t["term"] for t in trends}
    assert terms & {"#debate", "#debates", "#vpdebate", "#bigleaguetruth"}, terms
    for trend in trends:
        assert trend["start"] < trend["end"] and trend["posts"] <= trend["volume"]
        assert trend["z"] > 0 and trend["posts"] > trend["expected"]
        assert trend["top_posts"] and len(trend["top_posts"]) <= 5
        if trend["kind"] == "hashtag":
            assert all(trend["term"][1:] in p["text"].lower() for p in trend["top_posts"])
        likes = [p["engagement"] for p in trend["top_posts"]]
        assert likes == sorted(likes, reverse=True)
    stored = read_results(autumn_2016, "trends")
    assert [payload["key"] for _, payload in stored] == [t["key"] for t in trends]


def test_hashtags_only_and_hourly_bins(autumn_2016):
    trends = run_analysis(autumn_2016, "trends", {"hashtags_only": "true", "bin": "hour", "min_count": "5"})["trends"]
    assert trends and all(t["kind"] == "hashtag" and t["bin"] == "hour" for t in trends)


def test_empty_store_has_no_trends(store):
    result = run_analysis(store, "trends")
    assert result["trends"] == [] and result["bursts"] == 0


def test_bad_options_are_config_errors():
    with pytest.raises(ConfigError, match="no option 'colour'"):
        parse_settings(TrendSettings, {"colour": "red"}, "trends")
    with pytest.raises(ConfigError, match="expected int"):
        parse_settings(TrendSettings, {"top": "many"}, "trends")
    with pytest.raises(ConfigError, match="bin="):
        parse_settings(TrendSettings, {"bin": "fortnight"}, "trends")


def test_report_sections_show_bursts_and_alerts_once_they_ran(autumn_2016):
    from socialens.analyses.alerts.report import alerts_section
    from socialens.analyses.trends.report import trends_section

    assert trends_section(autumn_2016) is None and alerts_section(autumn_2016) is None
    run_analysis(autumn_2016, "trends", {"top": "10"})
    run_analysis(autumn_2016, "alerts", {"sentiment": "vader"})
    trends, alerts = trends_section(autumn_2016), alerts_section(autumn_2016)
    assert trends is not None and "<svg" in trends.html and "Bursts over time" in trends.html
    assert alerts is not None and "Reason" in alerts.html and "posts in the last" in alerts.html
