"""``socialens analyze engagement``: predicted retweet and favourite levels of the store's posts.

History features come from the store itself (each author's earlier posts and their counts),
so a post is scored as it would have been when it was published. Scores go to
``post_scores`` (task ``engagement``): ``score`` is the predicted ``log1p`` favourites,
``label`` ``high`` for the top predicted tenth of the store and ``normal`` otherwise, and
``probabilities`` holds the predicted counts as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import CorpusOutput
    from socialens.progress import Progress

TASK = "engagement"


@dataclass(frozen=True, slots=True)
class EngagementSettings:
    model: str | None = None  # a registered model name; None: the default engagement model


class EngagementTask(Task):
    """Post-level, but over the whole selection at once (a corpus pass): each post's features
    come from its author's earlier posts, and ``high`` is the top predicted tenth of the selection."""

    name = TASK
    kind = "post"
    Settings = EngagementSettings
    requires = ("posts",)
    assigns = ("post_scores.engagement",)
    needs_models = ("engagement",)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.analyses.engagement.workflow import load_engagement_model
        from socialens.pipeline.runners import corpus_pass
        from socialens.store.engagement_queries import posts_for_engagement

        model, encoder, model_name = load_engagement_model(self.settings.model, ctx.models_dir)

        def predict(posts: dict[str, Any], progress: Progress) -> CorpusOutput:
            return predict_levels(posts, model, encoder, model_name, progress)

        output, written = corpus_pass(ctx, posts_for_engagement, predict)
        return self.result(output.data, rows=written)


def predict_levels(
    posts: dict[str, Any], model: Any, encoder: str, model_name: str, progress: Progress
) -> CorpusOutput:
    """Predict each post's levels and label the top predicted tenth ``high``."""
    import numpy as np
    import orjson
    import pyarrow as pa

    from socialens.analyses.engagement.features import Posts, meta_features
    from socialens.analyses.engagement.text import embed_texts
    from socialens.analyses.engagement.workflow import levels
    from socialens.pipeline.runners import CorpusOutput

    n = len(posts["id"])
    if not n:
        return CorpusOutput({"task": TASK, "scored": 0, "model": model_name, "summary": "no timed posts to score"})
    counts = {k: [np.nan if v is None else float(v) for v in posts[k]] for k in ("retweets", "favourites")}
    meta = meta_features(Posts(posts["author"], posts["created_at"], counts["retweets"], counts["favourites"]))
    progress.start(f"embedding {n:,} posts ({encoder})", n)
    vectors = embed_texts(posts["text"], encoder, progress=progress.advance) if model.pca_ is not None else None
    predicted = model.predict(meta, vectors)
    cut = float(np.quantile(predicted[:, 1], 0.9))
    rows = pa.table(
        {
            "platform": posts["platform"],
            "post_id": posts["id"],
            "task": [TASK] * n,
            "label": ["high" if p >= cut else "normal" for p in predicted[:, 1]],
            "score": predicted[:, 1].astype(float),
            "probabilities": [orjson.dumps(levels(row)).decode() for row in predicted],
            "model": [model_name] * n,
        }
    )
    data = {
        "task": TASK,
        "scored": n,
        "model": model_name,
        "high": int((predicted[:, 1] >= cut).sum()),
        "summary": f"engagement: scored {n:,} posts with {model_name}; top tenth labelled high",
    }
    return CorpusOutput(data, post_scores=rows)
