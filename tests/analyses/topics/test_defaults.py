"""The default topic pipeline on real tweets: WordLlama, k-means, readable and distinct labels,
representative posts that do not repeat each other, and the store's embedding cache."""

from __future__ import annotations

import numpy as np

from socialens.analyses.topics.analyze import load_fitted
from socialens.analyses.topics.clusterers import AutoKMeansClusterer, default_topic_count
from socialens.analyses.topics.embedders import WordLlamaEmbedder, clean_for_embedding
from socialens.analyses.topics.incremental import TopicTracker
from socialens.analyses.topics.model import Topics, distinct_labels, pick_representatives
from socialens.analyses.topics.representation import analyzer
from socialens.pipeline import run_tasks
from socialens.store.embedding_cache import TABLE
from tests.analyses.topics.data import trump_tweets, tweet_posts
from tests.conftest import rows


class RecordingProgress:
    """Keeps what a command would show the user."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, int | None]] = []

    def start(self, description: str, total: int | None = None) -> None:
        self.steps.append((description, total))

    def advance(self, n: int = 1) -> None:
        pass


def test_wordllama_vectors_are_unit_length_deterministic_and_case_blind():
    embedder = WordLlamaEmbedder()
    vectors = embedder.embed(["HAPPY EASTER to everyone!", "happy easter to everyone!", "", "北京的天气很好"])
    assert vectors.shape == (4, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 1, 3]], axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[1]) and not vectors[2].any()  # cleaning lower-cases; empty stays zero
    assert np.array_equal(embedder.embed(["golf in scotland"]), embedder.embed(["golf in scotland"]))
    assert clean_for_embedding("Hi @h_12ab https://t.co/x OK") == "hi ok"
    assert WordLlamaEmbedder.pretrained and WordLlamaEmbedder(clean=False).cache_key != embedder.cache_key


def test_related_posts_are_closer_than_unrelated_ones():
    a, b, c = WordLlamaEmbedder().embed(["my flight was cancelled again", "the airline delayed our plane", "tax cuts"])
    assert float(a @ b) > float(a @ c) + 0.1


def test_topic_count_follows_corpus_size_and_kmeans_uses_it():
    assert default_topic_count(300) == 3 and default_topic_count(20_000) == 28 and default_topic_count(10**6) == 30
    x = np.random.default_rng(0).normal(size=(400, 8)).astype(np.float32)
    assert len(set(AutoKMeansClusterer().fit(x).labels_.tolist())) == default_topic_count(400)
    assert len(set(AutoKMeansClusterer(n_clusters=5).fit(x).labels_.tolist())) == 5


def test_default_pipeline_on_real_tweets_gives_readable_distinct_labels():
    texts = [t for t, _ in trump_tweets(300)]
    model = Topics()
    labels = model.fit_transform(texts)
    assert len(model.topics_) == default_topic_count(300 - int((labels < 0).sum()))
    names = [t.label for t in model.topics_]
    assert len(set(names)) == len(names) and all("_" not in n and ", " in n for n in names)
    # Only posts without one content word are outliers.
    assert all(not analyzer(texts[i]) for i in np.flatnonzero(labels < 0))
    assert (labels < 0).mean() < 0.05
    for topic in model.topics_:
        shown = [" ".join(t.lower().split()) for t in topic.representative_texts]
        assert len(set(shown)) == len(shown) and all(labels[i] == topic.id for i in topic.representative)


def test_distinct_labels_lead_with_unused_words():
    keywords = [["deflategate", "brady", "balls"], ["deflategate", "patriots", "nfl"], ["deflategate"]]
    assert distinct_labels(keywords) == ["deflategate, brady, balls", "patriots, nfl", "deflategate"]
    assert distinct_labels([["tax", "cuts"], ["tax", "cuts"]], words=1) == ["tax", "tax (1)"]


def test_representatives_skip_retweets_and_near_copies():
    v = np.array([[1, 0, 0], [1, 0, 0], [0.99, 0.14, 0], [0.6, 0.8, 0]], dtype=np.float32)
    texts = ["Golf in Scotland", "RT Golf in Scotland", "golf in scotland today", "rain in Scotland"]
    picked = pick_representatives(v, v @ np.array([1, 0, 0], dtype=np.float32), texts, 3)
    assert picked == [0, 3]  # 1 repeats 0's words, 2 is a near copy (cosine 0.99)


def test_second_run_embeds_only_new_posts_and_the_cache_holds_no_text(store, tmp_path):
    posts = tweet_posts(300)
    store.write_records({type(posts[0]): posts[:250]})
    first, second = RecordingProgress(), RecordingProgress()
    run_tasks(store, ["topics"], models_dir=tmp_path / "m", progress=first)
    assert first.steps[0] == ("embedding 250 posts (0 cached)", 250)
    store.write_records({type(posts[0]): posts[250:]})
    run_tasks(store, ["topics"], models_dir=tmp_path / "m", progress=second)
    assert second.steps[0] == ("embedding 50 posts (250 cached)", 50)
    columns = [
        c for (c,) in rows(store, f"SELECT column_name FROM information_schema.columns WHERE table_name = '{TABLE}'")
    ]
    assert columns == ["model", "text_hash", "vector"]
    assert rows(store, f"SELECT count(*), count(DISTINCT model) FROM {TABLE}") == [(300, 1)]
    # The saved default model assigns new posts and finds emerging topics.
    model = load_fitted(tmp_path / "m", "en")
    tracker = TopicTracker(model, min_new_size=5)
    assert 0.0 < tracker.threshold_ == model.join_similarity_ < 1.0  # the model's own join threshold
    assert tracker.update(["Watch the Celebrity Apprentice on NBC tonight"]) == [] and tracker.assignments_[0] >= 0
    new = tracker.update(["Stadium lights went out at the cricket final"] * 3 + ["Cricket final lights out"] * 3)
    assert len(new) == 1 and "cricket" in new[0].keywords


def test_cached_vectors_are_exactly_the_first_runs(store):
    from socialens.analyses.topics.cache import embed_with_cache
    from socialens.analyses.topics.embedders import TfidfSvdEmbedder

    texts = [t for t, _ in trump_tweets(40)]
    first = embed_with_cache(store, WordLlamaEmbedder(), texts)
    second = embed_with_cache(store, WordLlamaEmbedder(), texts)
    assert first is not None and second is not None and np.array_equal(first, second)
    assert embed_with_cache(store, TfidfSvdEmbedder(), texts) is None  # corpus-fitted: never cached
