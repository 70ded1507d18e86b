"""``socialens analyze offensive``: hatesonar scores for every selected post, written to ``post_scores``.

``score`` = 1 - P(neither); posts not in English get no label (the model reads English only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from socialens.pipeline.runners import PostBatch, PostScore
from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context


@dataclass(frozen=True, slots=True)
class OffensiveSettings:
    batch_size: int = 2_000  # posts per batch sent to a worker

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.batch_size < 1:
            raise ConfigError(f"offensive setting batch_size={self.batch_size}: must be at least 1")


def no_state() -> None:
    """Offensive scoring keeps its ONNX session in the model class; nothing to build per worker."""


def score_batch(_: None, batch: PostBatch) -> list[PostScore]:
    from socialens.analyses.offensive.score import predict_offensive

    results = predict_offensive(batch.texts, langs=batch.langs)
    return [
        PostScore(
            r["label"],
            round(1.0 - r["probabilities"]["neither"], 4) if r["probabilities"] else None,
            r["probabilities"],
            r["model"],
        )
        for r in results
    ]


class OffensiveTask(Task):
    name = "offensive"
    kind = "post"
    Settings = OffensiveSettings
    requires = ("posts",)
    assigns = ("post_scores.offensive",)
    volatile: ClassVar[tuple[str, ...]] = ("batch_size",)

    def model_identity(self, ctx: Context) -> str:
        return "offensive.hatesonar.v1"  # the packaged model; a new one gets a new name

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_posts

        counts, written = score_posts(ctx, self, no_state, score_batch, self.settings.batch_size)
        shown = ", ".join(f"{label} {n:,}" for label, n in counts["labels"].items() if label != "None")
        summary = f"scored offensive language in {counts['scored']:,} posts ({shown or 'no English posts'})"
        return self.result({**counts, "summary": summary}, rows=written)
