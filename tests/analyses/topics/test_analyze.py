"""``analyze topics`` on a small real store, its report sections, the saved model, and the CLI."""

from __future__ import annotations

from socialens.analyses.topics.analyze import load_fitted
from socialens.analyses.topics.incremental import TopicTracker
from socialens.report import write_report
from socialens.store import Store
from socialens.store.results import read_results
from tests.analyses.topics.data import tweet_posts
from tests.cli.test_cli import run_cli
from tests.conftest import rows, run_analysis

OPTIONS = {"embedder": "tfidf", "clusterer": "kmeans", "n_topics": "8", "sample": "200"}


def test_analyze_writes_topics_scores_over_time_and_a_model(store, tmp_path):
    posts = tweet_posts()
    store.write_records({type(posts[0]): posts})
    result = run_analysis(store, "topics", OPTIONS, models_dir=tmp_path / "models")
    assert result["posts"] == 300 and result["topics"] == 8 and result["language"] == "en"
    assert "8 topics in 300 posts" in result["summary"]

    scored = rows(store, "SELECT label, score FROM post_scores WHERE task = 'topic'")
    assert len(scored) == 300 and {int(label) for label, _ in scored} <= set(range(-1, 8))
    # Outliers are the posts without a content word (a bare link, only mentions).
    outliers = sum(1 for label, _ in scored if label == "-1")
    assert outliers == result["outliers"] and outliers < 15
    topics = read_results(store, "topics")
    assert [int(k) for k, _ in topics] == list(range(8))
    first = topics[0][1]
    assert first["keywords"] and first["label"] == ", ".join(first["keywords"][:3]) and first["representative_ids"]
    assert first["first_seen"] and sum(p["size"] for _, p in topics) == 300 - outliers
    over_time = read_results(store, "topics_over_time")
    assert over_time and sum(n for _, p in over_time for _, n in p["series"]) == 300 - outliers

    model = load_fitted(tmp_path / "models", "en")
    assert len(model.topics_) == 8
    tracker = TopicTracker(model, min_similarity=0.3)
    assert tracker.update(["Obama and the debt ceiling"]) == [] and len(tracker.assignments_) == 1

    page = write_report(store, tmp_path / "r.html").read_text()
    assert 'id="topics"' in page and "Topic map" in page and "Topics over time" in page


def test_cli_analyze_topics_json(tmp_path):
    with Store(tmp_path / "s.duckdb") as db:
        posts = tweet_posts(120)
        db.write_records({type(posts[0]): posts})
    args = ["analyze", "topics", "--store", tmp_path / "s.duckdb", "--models-dir", tmp_path / "models", "--json"]
    options = [x for key in ("embedder=tfidf", "clusterer=kmeans", "n_topics=5") for x in ("-o", key)]
    done = run_cli(tmp_path, *args, *options, timeout=120)
    assert done.code == 0, done.stderr
    assert done.json()["topics"] == 5 and done.json()["posts"] == 120
    bad = run_cli(tmp_path, *args, "-o", "clusterer=nope")
    assert bad.code == 2 and bad.error_lines and "clusterer" in bad.error_lines[0]


def test_each_store_keeps_its_own_topic_model(tmp_path):
    """A run on another store does not replace the model this store's assignments use (issue 20)."""
    posts = tweet_posts()
    models = tmp_path / "models"
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        a.write_records({type(posts[0]): posts})
        b.write_records({type(posts[0]): posts[:150]})
        first = run_analysis(a, "topics", OPTIONS, models_dir=models)
        second = run_analysis(b, "topics", {**OPTIONS, "n_topics": "3", "sample": "150"}, models_dir=models)
        assert first["model"] != second["model"]
        assert len(load_fitted(models, "en", store=a).topics_) == 8  # still store a's model
        assert len(load_fitted(models, "en", store=b).topics_) == 3
