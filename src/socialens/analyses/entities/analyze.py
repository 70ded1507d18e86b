"""``socialens analyze entities``: the entities every selected post names, each with the sentiment
of its clause, written to ``post_entities`` (one row per mention) and ``post_scores`` (``label``
``entities`` or ``none``, ``score`` = number of mentions).

Account mentions are stored as they are in the post text: pseudonyms (``@h_…``) in a
pseudonymised store, readable only for the public accounts kept readable on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from socialens.pipeline.runners import PostBatch, PostScore
from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "entities"
EXTRACTOR = "entities.spacy_sm_jieba.v1"


@dataclass(frozen=True, slots=True)
class EntitiesSettings:
    sentiment: bool = True  # score each mention's clause with the default sentiment model
    comparisons: bool = False  # reverse the clause's sentiment for the compared side ("better than @x")
    batch_size: int = 2_000  # posts per batch sent to a worker

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.batch_size < 1:
            raise ConfigError(f"entities setting batch_size={self.batch_size}: must be at least 1")


@dataclass(frozen=True, slots=True)
class EntityScorer:
    """The per-worker recipe: spaCy and the sentiment models load in the worker that scores."""

    models_dir: Path | None = None
    sentiment: bool = True
    comparisons: bool = False

    def __call__(self) -> EntityScorer:
        return self


def score_batch(scorer: EntityScorer, batch: PostBatch) -> list[PostScore]:
    from socialens.analyses.entities.extract import EntityExtractor
    from socialens.analyses.entities.sentiment import default_predictor, entity_sentiments

    # Offsets index the stored text; the sentiment model normalises each clause itself.
    texts = list(batch.texts)
    mentions = EntityExtractor().extract(texts, batch.langs)
    predict = default_predictor(scorer.models_dir) if scorer.sentiment else _no_sentiment
    found = entity_sentiments(texts, mentions, batch.langs, predict, comparisons=scorer.comparisons)
    out = []
    for row in found:
        details = tuple(
            {
                "position": i,
                "entity": s.mention.text,
                "key": s.mention.key,
                "kind": s.mention.kind,
                "start_char": s.mention.start,
                "end_char": s.mention.end,
                "clause_start": s.clause_start,
                "clause_end": s.clause_end,
                "sentiment": s.label,
                "polarity": s.polarity,
                "model": s.model,
            }
            for i, s in enumerate(row)
        )
        out.append(PostScore("entities" if row else "none", float(len(row)), {}, EXTRACTOR, details))
    return out


def _no_sentiment(texts: list[str], langs: list[str | None]) -> list[dict[str, Any]]:
    return [{"label": None, "probabilities": {}, "model": None} for _ in texts]


def write_entity_rows(store: Any, platforms: list[str], ids: list[str], run_key: str, scores: list[PostScore]) -> int:
    from socialens.store.entity_queries import replace_post_entities

    rows = [
        {"platform": platform, "post_id": post_id, **detail, "run_key": run_key}
        for platform, post_id, score in zip(platforms, ids, scores, strict=True)
        for detail in score.details
    ]
    return replace_post_entities(store, list(zip(platforms, ids, strict=True)), rows)


class EntitiesTask(Task):
    name = TASK
    kind = "post"
    Settings = EntitiesSettings
    requires = ("posts",)
    assigns = ("post_scores.entities",)
    volatile: ClassVar[tuple[str, ...]] = ("batch_size",)

    def model_identity(self, ctx: Context) -> str:
        from socialens.pipeline.runners import default_models

        return EXTRACTOR + (";" + default_models(ctx, "sentiment") if self.settings.sentiment else "")

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_posts
        from socialens.store.entity_queries import entity_span, top_entities

        scorer = EntityScorer(ctx.models_dir, self.settings.sentiment, self.settings.comparisons)
        counts, written = score_posts(
            ctx, self, scorer, score_batch, batch_size=self.settings.batch_size, write_details=write_entity_rows
        )
        _, _, mentions = entity_span(ctx.store)
        top = top_entities(ctx.store, limit=10)
        shown = ", ".join(f"{t['entity']} {t['mentions']:,}" for t in top[:5])
        with_entities = counts["labels"].get("entities", 0)
        summary = f"found {mentions:,} entity mentions in {with_entities:,} posts" + (
            f" (top: {shown})" if shown else ""
        )
        data: dict[str, Any] = {**counts, "mentions": mentions, "top": top, "summary": summary}
        return self.result(data, rows=written)
