"""``socialens analyze emotion``: score every selected post with its language's default emotion model.

Scores go to ``post_scores`` with ``task = 'emotion'``: ``label`` the dominant emotion above the
model's threshold for it, or ``'none'``; ``score`` the highest emotion probability (below the
thresholds when the label is ``'none'``), ``probabilities`` every emotion's. Posts in languages without a
model are recorded with no label, so a re-run after training one knows what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from socialens.pipeline.runners import PostBatch, PostScore
from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "emotion"


@dataclass(frozen=True, slots=True)
class EmotionSettings:
    batch_size: int = 2_000  # posts per batch sent to a worker

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.batch_size < 1:
            raise ConfigError(f"emotion setting batch_size={self.batch_size}: must be at least 1")


@dataclass(frozen=True, slots=True)
class EmotionScorer:
    """The per-worker recipe (the emotion models cache themselves in the worker)."""

    models_dir: Path | None = None

    def __call__(self) -> Path | None:
        return self.models_dir


def score_batch(models_dir: Path | None, batch: PostBatch) -> list[PostScore]:
    from socialens.analyses.emotion.predict import predict

    results = predict(batch.texts, models_dir=models_dir, langs=batch.langs)
    return [
        PostScore(
            r["label"], max(r["probabilities"].values()) if r["probabilities"] else None, r["probabilities"], r["model"]
        )
        for r in results
    ]


class EmotionTask(Task):
    name = TASK
    kind = "post"
    Settings = EmotionSettings
    requires = ("posts",)
    assigns = ("post_scores.emotion",)
    volatile: ClassVar[tuple[str, ...]] = ("batch_size",)

    def model_identity(self, ctx: Context) -> str:
        from socialens.pipeline.runners import default_models

        return default_models(ctx, TASK)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_posts

        counts, written = score_posts(ctx, self, EmotionScorer(ctx.models_dir), score_batch, self.settings.batch_size)
        shown = ", ".join(f"{label} {n:,}" for label, n in counts["labels"].items() if label != "None")
        summary = f"scored emotions of {counts['scored']:,} posts ({shown or 'no model for their languages'})"
        return self.result({**counts, "summary": summary}, rows=written)
