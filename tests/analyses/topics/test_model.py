"""The Topics pipeline: seeded determinism, outliers, sampling + batched assignment, persistence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from socialens.analyses.topics.clusterers import HDBSCANClusterer, KMeansClusterer
from socialens.analyses.topics.embedders import TfidfSvdEmbedder
from socialens.analyses.topics.model import Topics
from socialens.analyses.topics.reducers import PCAReducer
from socialens.analyses.topics.representation import CTfidf
from tests.analyses.topics.data import blobs, trump_tweets

WORDS = {0: "tax budget senate vote", 1: "golf course scotland open", 2: "jobs economy growth report"}


def _corpus(sizes=(40, 30, 20), noise=6):
    """Texts and matching embeddings: three themes, then a few posts in no theme."""
    vectors = np.vstack([blobs(sizes, dim=12, spread=0.03), np.random.default_rng(7).normal(size=(noise, 12))])
    texts = [f"{WORDS[g]} {i}" for g, n in enumerate(sizes) for i in range(n)]
    texts += [f"random words here number{i}" for i in range(noise)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    times = [start + timedelta(days=i) for i in range(len(texts))]
    return texts, times, vectors


def _topics(**settings):
    return Topics(
        reducer=PCAReducer(n_components=4, whiten=True), clusterer=HDBSCANClusterer(min_cluster_size=10), **settings
    )


def test_topics_are_found_with_keywords_labels_representatives_and_first_seen():
    texts, times, vectors = _corpus()
    model = _topics()
    labels = model.fit_transform(texts, times, embeddings=vectors)
    assert [t.size for t in model.topics_] == [40, 30, 20]  # ids by size, largest first
    assert labels[:40].tolist() == [0] * 40 and labels[70:90].tolist() == [2] * 20
    # Equal weights: ties keep vocabulary (alphabetical) order, so labels are stable.
    assert model.topics_[0].keywords[:4] == ["budget", "senate", "tax", "vote"]
    assert model.topics_[1].label == "course, golf, open"  # words a reader scans, no id prefix
    # Every post of the theme has the same words ("jobs economy growth report N"): one stands for all.
    assert len(model.topics_[2].representative) == 1 and model.topics_[2].representative_texts[0].startswith("jobs")
    assert model.topics_[1].first_seen == times[40]
    assert (labels[90:] == -1).all()  # the posts in no theme are outliers


def test_outliers_can_be_reassigned_to_the_nearest_centroid():
    texts, times, vectors = _corpus()
    labels = _topics(reassign_outliers=True).fit_transform(texts, times, embeddings=vectors)
    assert (labels >= 0).all() and labels[:90].tolist() == _topics().fit_transform(texts, embeddings=vectors)[
        :90
    ].tolist()


def test_same_seed_same_topics():
    texts = [t for t, _ in trump_tweets(300)]

    def fit():
        model = Topics(embedder=TfidfSvdEmbedder(dimensions=32), clusterer=KMeansClusterer(n_clusters=8), seed=3)
        return model.fit_transform(texts).tolist(), [t.keywords for t in model.topics_]

    assert fit() == fit()


def test_a_sample_is_fitted_and_the_rest_assigned_in_batches():
    texts, times, vectors = _corpus(sizes=(200, 150, 100), noise=0)
    model = _topics(sample_size=120, batch_size=50, reassign_outliers=True)
    labels = model.fit_transform(texts, times, embeddings=vectors)
    assert len(model.topics_) == 3 and (labels >= 0).all()
    groups = [labels[:200], labels[200:350], labels[350:]]
    assert all(len(set(g.tolist())) == 1 for g in groups) and len({int(g[0]) for g in groups}) == 3
    assert sum(t.size for t in model.topics_) == 450  # sizes count every post, not just the sample
    again, similarity = model.transform(texts, embeddings=vectors)
    assert again.tolist() == labels.tolist() and similarity.min() > 0.8


def test_empty_corpus_gives_no_topics():
    model = Topics(embedder=TfidfSvdEmbedder(), clusterer=HDBSCANClusterer())
    assert model.fit_transform([]).tolist() == [] and model.topics_ == []


def test_saved_model_assigns_new_posts_like_the_original(tmp_path):
    texts = [t for t, _ in trump_tweets(300)]
    model = Topics(
        embedder=TfidfSvdEmbedder(dimensions=32), clusterer=KMeansClusterer(n_clusters=6), representation=CTfidf()
    )
    model.fit(texts)
    loaded = Topics.load(model.save(tmp_path / "model"))
    assert [t.to_dict() for t in loaded.topics_] == [t.to_dict() for t in model.topics_]
    new = ["Obama and the debt ceiling", "Trump Tower golf course in Scotland"]
    assert loaded.transform(new)[0].tolist() == model.transform(new)[0].tolist()


@pytest.mark.parametrize("texts", [["cats cats", "cats", "cats again"], ["a", "b"]])
def test_tfidf_topics_on_too_little_text_is_a_clear_error(texts):
    from socialens.errors import TrainingError

    with pytest.raises(TrainingError, match="too little text for TF-IDF topics"):
        TfidfSvdEmbedder().fit(texts)
