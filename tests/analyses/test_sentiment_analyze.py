"""``analyze sentiment`` writes scores back to the store, and the report shows them."""

from __future__ import annotations

from datetime import UTC, datetime

from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.report import write_report
from socialens.schema import Post
from tests.conftest import rows, run_analysis


def _post(i: int, text: str, lang: str) -> Post:
    return Post(
        id=str(i), platform="x", author="u_1", text=text, lang=lang, created_at=datetime(2021, 1 + i % 3, 1, tzinfo=UTC)
    )


def test_scores_every_post_and_the_report_shows_them(store, tmp_path):
    train_sentiment("en", "tfidf", limit=2000)  # into the test's own registry (SOCIALENS_HOME)
    posts = [
        _post(1, "I love this airline, the crew was wonderful, thank you!", "en"),
        _post(2, "Worst flight ever, delayed four hours and my bag is lost", "en"),
        _post(3, "<script>alert(1)</script> terrible service", "en"),
        _post(4, "Le vol était en retard", "fr"),
        _post(5, "这家酒店很好", "zh"),
    ]
    store.write_records({Post: posts})
    result = run_analysis(store, "sentiment", {"batch_size": 2})
    # French has no model of its own: the English one answers by fallback (and says so); Chinese
    # script is routed to a Chinese model, which this registry lacks, so that post stays unlabelled.
    assert result["scored"] == 4 and result["labels"]["None"] == 1
    scored = dict(rows(store, "SELECT post_id, label FROM post_scores WHERE task = 'sentiment'"))
    assert scored["1"] == "positive" and scored["2"] == "negative" and scored["4"] is not None and scored["5"] is None
    models = dict(rows(store, "SELECT post_id, model FROM post_scores WHERE task = 'sentiment'"))
    assert models["4"] == models["1"]  # the English model answered the French post
    (score,) = rows(store, "SELECT score FROM post_scores WHERE post_id = '1'")[0]
    assert 0 < score <= 1
    again = run_analysis(store, "sentiment")
    assert again == result and rows(store, "SELECT count(*) FROM post_scores") == [(5,)]

    page = write_report(store, tmp_path / "r.html").read_text()
    assert 'id="sentiment"' in page and "Most negative posts" in page and "<svg" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
