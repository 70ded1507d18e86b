"""``socialens analyze topics``: discover topics in the selection's posts and write them back
(a corpus pass: :func:`socialens.pipeline.runners.corpus_pass`).

Writes ``post_scores`` (task ``topic``: label = topic id, ``-1`` an outlier; score = cosine
similarity to the topic centroid), ``analysis_results`` ``topics`` (one item per topic) and
``topics_over_time`` (posts per topic and period), assigns the text read in the posts' pictures
(``analyze images``) to those topics as *image text* (``post_scores`` task ``topic.image_text``,
kept apart from the posts' own), and saves the fitted model in the model
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
The defaults were chosen by ``benchmarks/quality/topics.py`` and ``benchmarks/quality/topics_labelled.py``
(see ``docs/topics.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import CorpusOutput
    from socialens.progress import Progress

TASK = "topic"
MODEL_NAME = "topics"
STORE_KEY = "model/topics"  # store meta: the topic model version fitted for that store
ERASED = "erased/"  # + STORE_KEY/lang: the topic model `forget` removed (privacy.store_models)


@dataclass(frozen=True, slots=True)
class TopicsSettings:
    sample: int = 20_000  # posts to fit on; the rest are assigned in batches
    min_topic_size: int = 40
    seed: int = 42
    lang: str = "auto"  # en, zh or auto
    embedder: Literal["wordllama", "minilm", "e5", "tfidf"] = "wordllama"
    reducer: Literal["pca", "umap"] = "pca"  # 50 dimensions for k-means, 5 for HDBSCAN
    clusterer: Literal["kmeans", "hdbscan"] = "kmeans"
    n_topics: int | None = None  # k-means: None ("auto") = sqrt(posts in the sample) / 5, 2 to 30
    reassign_outliers: bool = False


def choose_language(langs: list[str | None]) -> str:
    """``en`` when most posts with a known language are English, else ``multi``."""
    known = Counter(lang for lang in langs if lang)
    return "en" if not known or known["en"] >= 0.8 * sum(known.values()) else "multi"


def build_embedder(name: str, seed: int) -> Any:
    """The embedder a short name (``wordllama``, ``tfidf``...) stands for in the registry, seeded if it takes a seed."""
    from socialens.registry import get, resolve

    cls: Any = get(resolve(name, "topics"))
    return cls(seed=seed) if "seed" in cls._param_names() else cls()


def build_topics(settings: TopicsSettings, language: str) -> Any:
    """The pipeline the settings describe."""
    from socialens.analyses.topics import clusterers, reducers
    from socialens.analyses.topics.model import Topics

    seed = settings.seed
    kmeans = settings.clusterer == "kmeans"
    stages: dict[str, Any] = {
        "embedder": build_embedder(settings.embedder, seed),
        "reducer": (
            reducers.PCAReducer(n_components=50 if kmeans else 5, seed=seed)
            if settings.reducer == "pca"
            else reducers.UMAPReducer(seed=seed)
        ),
        "clusterer": (
            clusterers.AutoKMeansClusterer(n_clusters=settings.n_topics, seed=seed)
            if kmeans
            else clusterers.HDBSCANClusterer(min_cluster_size=settings.min_topic_size, min_samples=5)
        ),
    }
    return Topics(**stages, seed=seed, sample_size=settings.sample, reassign_outliers=settings.reassign_outliers)


class TopicsTask(Task):
    name = "topics"
    kind = "corpus"
    Settings = TopicsSettings
    requires = ("posts",)
    uses = ("media_frames",)  # text in pictures, assigned to the topics found in the posts' text
    assigns = ("post_scores.topic", "results.topics", "post_scores.topic.image_text")

    def run(self, ctx: Context) -> TaskResult:
        from socialens.analyses.images.image_text import assign_topics
        from socialens.analyses.topics.cache import embed_with_cache
        from socialens.pipeline.runners import corpus_pass
        from socialens.store.topic_queries import read_posts_for_topics

        whole = ctx.selection.is_everything

        def embed(embedder: Any, texts: list[str]) -> Any:
            # Pretrained embedders' vectors are kept in the store: a second run embeds only new posts.
            return embed_with_cache(ctx.store, embedder, texts, ctx.progress, prune=whole)

        def find(posts: dict[str, list[Any]], progress: Progress) -> CorpusOutput:
            return find_topics(posts, self.settings, embed, progress)

        output, _ = corpus_pass(ctx, read_posts_for_topics, find)
        topics, found = output.fitted, output.data
        card = save_fitted(topics, ctx.models_dir, found["language"], found["posts"], store=ctx.store)
        image_texts = assign_topics(ctx.store, topics)
        data = {
            **found,
            "model": f"{card.name} v{card.version}",
            "top": [t.label for t in topics.topics_[:10]],
            "image_text": {"assigned": image_texts},
            "summary": f"{found['topics']} topics in {found['posts']:,} posts "
            f"({found['outliers']:,} outliers); model saved as {card.name} v{card.version}",
        }
        return self.result(data, rows=found["posts"] + image_texts)


def find_topics(
    posts: dict[str, list[Any]], settings: TopicsSettings, embed: Callable[[Any, list[str]], Any], progress: Progress
) -> CorpusOutput:
    """Fit the topic pipeline the settings describe on ``posts`` (embedded with ``embed``) and
    assign every post: per-post topics, the topics, and topics over time (derived once written)."""
    from socialens.analyses.topics import results
    from socialens.pipeline.runners import CorpusOutput

    language = settings.lang if settings.lang != "auto" else choose_language(posts["lang"])
    topics = build_topics(settings, language)
    embeddings = embed(topics.embedder, posts["text"])
    progress.start("finding topics", len(posts["text"]))
    labels = topics.fit_transform(posts["text"], posts["created_at"], embeddings=embeddings)
    progress.advance(len(labels))
    data = {"posts": len(labels), "topics": len(topics.topics_), "outliers": int((labels < 0).sum())}
    return CorpusOutput(
        {**data, "language": language},
        post_scores=results.post_topic_rows(posts, labels, topics.similarity_),
        results={"topics": results.topic_items(topics, posts)},
        derive=lambda store: results.write_topics_over_time(store, topics),
        fitted=topics,
    )


def save_fitted(topics: Any, models_dir: Path | None, language: str, posts: int, store: Any = None) -> Any:
    """Register the fitted model as a new version and record it in ``store`` (meta
    ``model/topics/<lang>``): each store keeps its own topic model. It is not made the registry's
    default, so one store's run never replaces the model another store's streams assign with."""
    from socialens.store.model_pins import store_identity
    from socialens.training.model_registry import ModelRegistry

    # the card names the store (its id and path hash, never its path): `forget` finds it there
    fitted_on = {"fitted_on": {"store": store_identity(store)}} if store is not None else {}
    card = ModelRegistry(models_dir).save(
        MODEL_NAME,
        topics.save,
        {
            "task": "topics",
            "language": language,
            "architecture": topics.registry_name,
            "settings": {"stages": {k: repr(v) for k, v in topics.get_params().items()}},
            "metrics": {"topics": len(topics.topics_), "posts": posts},
            **fitted_on,
        },
    )
    if store is not None:
        store.set_meta(f"{STORE_KEY}/{language}", f"{card.name}@{card.version}")
        if store.get_meta(f"{ERASED}{STORE_KEY}/{language}"):
            store.set_meta(f"{ERASED}{STORE_KEY}/{language}", "")  # refitted since the erasure
    return card


def load_fitted(models_dir: Path | None = None, language: str = "en", store: Any = None) -> Any:
    """The topic model ``analyze topics`` fitted for ``store`` in ``language``; without a store
    (or for a store that has none recorded), the registry's default: the one set with
    ``set_default``, else the latest fitted. Raises ModelNotFoundError, also when an erasure
    removed the store's model (never another store's model in its place)."""
    from socialens.analyses.topics.model import Topics
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    recorded = store.get_meta(f"{STORE_KEY}/{language}") if store is not None else None
    erased = store.get_meta(f"{ERASED}{STORE_KEY}/{language}") if store is not None else None
    if not recorded and erased:
        raise ModelNotFoundError(
            f"the topic model fitted on this store ({erased}) was removed by an erasure (socialens forget): "
            "run `socialens analyze topics` again to refit it on the posts that remain"
        )
    if recorded:
        name, _, version = recorded.partition("@")
        card = registry.load_card(name, int(version))
    else:
        card = registry.default("topics", language)
    assert card.path is not None
    return Topics.load(card.path)
