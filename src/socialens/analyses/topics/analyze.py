"""``socialens analyze topics``: discover topics in the store's posts and write them back.

Writes ``post_scores`` (task ``topic``: label = topic id, ``-1`` an outlier; score = cosine
similarity to the topic centroid), ``analysis_results`` ``topics`` (one item per topic) and
``topics_over_time`` (posts per topic and period), and saves the fitted model in the model
registry (task ``topics``) so later batches and streams are assigned incrementally
(:func:`load_fitted`, :class:`socialens.analyses.topics.incremental.TopicTracker`).

Options (``-o key=value``): ``sample`` (posts to fit on, default 20000; the rest are assigned
to the nearest topic), ``seed`` (42), ``lang`` (``en``, ``zh`` or ``auto``: recorded with the
model; every language gets the same default embedder), ``embedder`` (``wordllama``, the
default; ``minilm``, ``e5``, ``tfidf``), ``reducer`` (``pca``: 50 dimensions for k-means, 5
for HDBSCAN; ``umap``), ``clusterer`` (``kmeans``, the default; ``hdbscan``), ``n_topics``
(k-means: ``auto`` = sqrt(posts in the sample) / 5, 2 to 30; or a number), ``min_topic_size``
(HDBSCAN only, 40), ``reassign_outliers`` (``false``). Pretrained embedders' vectors are kept
in the store (``socialens.store.embedding_cache``), so a second run embeds only new posts.
The defaults were chosen by ``benchmarks/bench_topics.py`` and ``bench_topics_labelled.py``
(see ``docs/topics.md``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "topic"
MODEL_NAME = "topics"
_DEFAULTS = {
    "sample": "20000",
    "min_topic_size": "40",
    "seed": "42",
    "lang": "auto",
    "embedder": "wordllama",
    "reducer": "pca",
    "clusterer": "kmeans",
    "n_topics": "auto",
    "reassign_outliers": "false",
}


def _settings(options: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown option(s) for topics: {unknown}; known: {sorted(_DEFAULTS)}")
    return {**_DEFAULTS, **options}


def _int(settings: dict[str, str], key: str) -> int:
    try:
        return int(settings[key])
    except ValueError:
        raise ConfigError(f"option {key}={settings[key]!r} must be a whole number") from None


def choose_language(langs: list[str | None]) -> str:
    """``en`` when most posts with a known language are English, else ``multi``."""
    known = Counter(lang for lang in langs if lang)
    return "en" if not known or known["en"] >= 0.8 * sum(known.values()) else "multi"


def build_topics(settings: dict[str, str], language: str) -> Any:
    """The pipeline the options describe."""
    from socialens.analyses.topics import clusterers, embedders, reducers
    from socialens.analyses.topics.model import Topics

    seed = _int(settings, "seed")
    name = settings["embedder"] or "wordllama"
    n_topics = None if settings["n_topics"] == "auto" else _int(settings, "n_topics")
    choices: dict[str, dict[str, Any]] = {
        "embedder": {
            "wordllama": embedders.WordLlamaEmbedder,
            "minilm": embedders.MiniLMEmbedder,
            "e5": embedders.E5Embedder,
            "tfidf": lambda: embedders.TfidfSvdEmbedder(seed=seed),
        },
        "reducer": {
            "pca": lambda: reducers.PCAReducer(n_components=5 if settings["clusterer"] == "hdbscan" else 50, seed=seed),
            "umap": lambda: reducers.UMAPReducer(seed=seed),
        },
        "clusterer": {
            "hdbscan": lambda: clusterers.HDBSCANClusterer(
                min_cluster_size=_int(settings, "min_topic_size"), min_samples=5
            ),
            "kmeans": lambda: clusterers.AutoKMeansClusterer(n_clusters=n_topics, seed=seed),
        },
    }
    picked = {"embedder": name, "reducer": settings["reducer"], "clusterer": settings["clusterer"]}
    stages = {}
    for stage, value in picked.items():
        if value not in choices[stage]:
            raise ConfigError(f"option {stage}={value!r}; choose one of {sorted(choices[stage])}")
        stages[stage] = choices[stage][value]()
    return Topics(
        **stages,
        seed=seed,
        sample_size=_int(settings, "sample"),
        reassign_outliers=settings["reassign_outliers"].lower() in ("1", "true", "yes"),
    )


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze topics``."""
    from socialens.analyses.topics import results
    from socialens.analyses.topics.cache import embed_with_cache
    from socialens.store.topic_queries import read_posts_for_topics

    settings = _settings(options)
    bar = progress or NoProgress()
    posts = read_posts_for_topics(store)
    language = settings["lang"] if settings["lang"] != "auto" else choose_language(posts["lang"])
    topics = build_topics(settings, language)
    embeddings = embed_with_cache(store, topics.embedder, posts["text"], bar)
    bar.start("finding topics", len(posts["text"]))
    labels = topics.fit_transform(posts["text"], posts["created_at"], embeddings=embeddings)
    bar.advance(len(labels))
    results.write_all(store, topics, posts, labels)
    card = save_fitted(topics, models_dir, language, len(labels))
    outliers = int((labels < 0).sum())
    return {
        "posts": len(labels),
        "topics": len(topics.topics_),
        "outliers": outliers,
        "language": language,
        "model": f"{card.name} v{card.version}",
        "top": [t.label for t in topics.topics_[:10]],
        "summary": f"{len(topics.topics_)} topics in {len(labels):,} posts "
        f"({outliers:,} outliers); model saved as {card.name} v{card.version}",
    }


def save_fitted(topics: Any, models_dir: Path | None, language: str, posts: int) -> Any:
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    card = registry.save(
        MODEL_NAME,
        topics.save,
        {
            "task": "topics",
            "language": language,
            "architecture": topics.registry_name,
            "settings": {"stages": {k: repr(v) for k, v in topics.get_params().items()}},
            "metrics": {"topics": len(topics.topics_), "posts": posts},
        },
    )
    registry.set_default("topics", language, MODEL_NAME)
    return card


def load_fitted(models_dir: Path | None = None, language: str = "en") -> Any:
    """The topic model ``analyze topics`` fitted last for ``language`` (raises ModelNotFoundError)."""
    from socialens.analyses.topics.model import Topics
    from socialens.training.model_registry import ModelRegistry

    card = ModelRegistry(models_dir).default("topics", language)
    assert card.path is not None
    return Topics.load(card.path)
