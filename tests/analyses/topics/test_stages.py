"""Each topic stage on tiny inputs."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.analyses.topics.clusterers import Clusterer, HDBSCANClusterer, KMeansClusterer
from socialens.analyses.topics.embedders import Embedder, MiniLMEmbedder, TfidfSvdEmbedder
from socialens.analyses.topics.reducers import PCAReducer, Reducer
from socialens.analyses.topics.representation import CoherentCTfidf, CTfidf, Representation, analyzer, class_tfidf
from tests.analyses.topics.data import blobs


def test_class_tfidf_matches_a_hand_computed_case():
    # Topic 0 has "tax" x3, "cut" x1; topic 1 has "tax" x1, "golf" x4. A = 9 words / 2 topics.
    counts = np.array([[3, 1, 0], [1, 0, 4]])
    idf = np.log(1 + 4.5 / np.array([4, 1, 4]))
    expected = np.array([[3 / 4, 1 / 4, 0], [1 / 5, 0, 4 / 5]]) * idf
    assert np.allclose(class_tfidf(counts), expected)


def test_ctfidf_keywords_skip_stopwords_urls_and_rare_words():
    texts = [
        "Tax cuts for the middle class https://t.co/abc",
        "The tax cuts will help jobs",
        "Tax cuts now, tax reform",
        "Golf course in Scotland is great",
        "The golf course opening in Scotland",
        "Golf course and the beautiful Scotland coast",
    ]
    keywords = CTfidf(top_n=3, min_df=2).fit(texts, [0, 0, 0, 1, 1, -1]).keywords_
    assert set(keywords) == {0, 1}
    assert keywords[0][:2] == ["tax", "cuts"] and "the" not in keywords[0]
    assert set(keywords[1]) <= {"golf", "course", "scotland"} and keywords[1]
    assert "https" not in analyzer(texts[0]) and "co" not in analyzer(texts[0])


def test_coherent_keywords_prefer_words_that_share_posts():
    # "alpha" and "gamma" are equally frequent in topic 0 but never in one post; "beta" goes with "alpha".
    texts = ["alpha beta"] * 3 + ["gamma"] * 4 + ["alpha"] + ["delta epsilon"] * 3
    labels = [0] * 8 + [1] * 3
    assert CTfidf(top_n=2, min_df=1).fit(texts, labels).keywords_[0] == ["alpha", "gamma"]
    assert CoherentCTfidf(top_n=2, min_df=1).fit(texts, labels).keywords_[0] == ["alpha", "beta"]


def test_chinese_keywords_come_from_jieba_words():
    assert "经济" in analyzer("我们的经济形势很好") and "的" not in analyzer("我们的经济形势很好")


def test_base_stages_do_nothing():
    x = blobs((5, 5))
    assert Embedder().embed(["a", "b"]).shape == (2, 0)
    assert np.array_equal(Reducer().fit_transform(x), x)
    assert Clusterer().fit(x).labels_.tolist() == [0] * 10
    assert Representation().fit(["a", "b"], [0, -1]).keywords_ == {0: []}


def test_pca_reduces_and_keeps_rows():
    x = blobs((20, 20), dim=32)
    reduced = PCAReducer(n_components=5).fit_transform(x)
    assert reduced.shape == (40, 5)
    assert PCAReducer(n_components=5).fit(x).transform(x[:0]).shape == (0, 5)


def test_hdbscan_finds_the_groups_and_leaves_noise_as_outliers():
    x = np.vstack([blobs((30, 30, 30), dim=4, spread=0.02), np.random.default_rng(1).normal(size=(5, 4)) * 3])
    labels = HDBSCANClusterer(min_cluster_size=10).fit(x).labels_
    assert len(set(labels[:90].tolist()) - {-1}) == 3
    assert all(len(set(labels[i : i + 30].tolist())) == 1 for i in (0, 30, 60))
    assert (labels[90:] == -1).sum() >= 3


def test_kmeans_gives_k_groups_without_outliers():
    labels = KMeansClusterer(n_clusters=3, seed=1).fit(blobs((10, 10, 10), dim=4, spread=0.02)).labels_
    assert sorted(np.bincount(labels).tolist()) == [10, 10, 10]


def test_minilm_embeds_unit_vectors_that_put_paraphrases_close():
    vectors = MiniLMEmbedder().embed(["The economy is growing fast", "Economic growth is strong", "I love golf"])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1]])
def test_minilm_batching_by_length_does_not_change_vectors(order):
    texts = ["short", "a much longer text about the budget and the senate vote today", "medium text here"]
    alone = np.vstack([MiniLMEmbedder().embed([t]) for t in texts])
    together = MiniLMEmbedder(batch_size=2).embed([texts[i] for i in order])
    assert np.allclose(together, alone[order], atol=1e-4)


def test_tfidf_svd_embedder_is_fitted_on_the_corpus():
    texts = ["tax cuts now", "tax cuts help", "golf in scotland", "golf course scotland"] * 3
    embedder = TfidfSvdEmbedder(dimensions=2, min_df=1).fit(texts)
    vectors = embedder.embed(texts)
    assert vectors.shape == (12, 2)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
