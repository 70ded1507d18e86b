"""``socialens analyze sentiment``: score every selected post and write the scores back.

Each post is scored by its language's default model (the language identified at ingest; a
version pinned in socialens.toml ``[models]`` wins); a post in a language without a model is
scored by the fallback model and says so (see ``predict.py``). Scores go to ``post_scores``
with ``task = 'sentiment'`` and ``score = P(positive) - P(negative)``.

Text read in the posts' pictures (``analyze images``, OCR) is scored too, as *image text*:
under ``sentiment.image_text``, beside and never mixed with the score of the post's own text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from socialens.pipeline.runners import PostBatch, PostScore
from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "sentiment"
IMAGE_TEXT_TASK = "sentiment.image_text"


@dataclass(frozen=True, slots=True)
class SentimentSettings:
    batch_size: int = 2_000  # posts per batch sent to a worker
    model: str = ""  # a model name or variant (accurate) answering for its language instead of the default

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.batch_size < 1:
            raise ConfigError(f"sentiment setting batch_size={self.batch_size}: must be at least 1")


@dataclass(frozen=True, slots=True)
class SentimentScorer:
    """The per-worker recipe: models are loaded (and cached) by the worker that scores."""

    models_dir: Path | None = None
    pins: tuple[tuple[str, str], ...] = ()  # socialens.toml [models]

    def __call__(self) -> tuple[Path | None, dict[str, str]]:
        return self.models_dir, dict(self.pins)


def score_batch(state: tuple[Path | None, dict[str, str]], batch: PostBatch) -> list[PostScore]:
    from socialens.analyses.sentiment.predict import predict_sentiment

    models_dir, pins = state
    results = predict_sentiment(batch.texts, registry_root=models_dir, langs=batch.langs, pins=pins)
    return [PostScore(r["label"], _polarity(r["probabilities"]), r["probabilities"], r["model"]) for r in results]


def _polarity(probabilities: dict[str, float]) -> float | None:
    if not probabilities:
        return None
    return round(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0), 4)


class SentimentTask(Task):
    name = TASK
    kind = "post"
    Settings = SentimentSettings
    requires = ("posts",)
    uses = ("media_frames",)  # text in pictures, when ``analyze images`` has read some
    assigns = ("post_scores.sentiment", "post_scores.sentiment.image_text")
    volatile: ClassVar[tuple[str, ...]] = ("batch_size",)

    def model_identity(self, ctx: Context) -> str:
        from socialens.pipeline.runners import default_models

        chosen = self._pins(ctx)
        return default_models(ctx, TASK) + "".join(f";{k}={v} (chosen)" for k, v in sorted(chosen.items()))

    def _pins(self, ctx: Context) -> dict[str, str]:
        from socialens.analyses.sentiment.predict import model_pins

        return model_pins(self.settings.model, ctx.models_dir)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_posts

        scorer = SentimentScorer(ctx.models_dir, tuple(sorted({**ctx.model_pins, **self._pins(ctx)}.items())))
        size = self.settings.batch_size
        counts, written = score_posts(ctx, self, scorer, score_batch, batch_size=size)
        images, image_written = score_posts(
            ctx, self, scorer, score_batch, batch_size=size, source="image_text", output=IMAGE_TEXT_TASK
        )
        shown = ", ".join(f"{label} {n:,}" for label, n in counts["labels"].items() if label != "None")
        summary = f"scored sentiment of {counts['scored']:,} posts ({shown or 'no model for their languages'})"
        if images["labels"]:
            summary += f" and of the text in {images['scored']:,} posts' pictures"
        data: dict[str, Any] = {**counts, "image_text": images, "summary": summary}
        return self.result(data, rows=written + image_written)
