"""``socialens analyze engagement``: predicted retweet and favourite levels of the store's posts.

History features come from the store itself (each author's earlier posts and their counts),
so a post is scored as it would have been when it was published. Scores go to
``post_scores`` (task ``engagement``): ``score`` is the predicted ``log1p`` favourites,
``label`` ``high`` for the top predicted tenth of the store and ``normal`` otherwise, and
``probabilities`` holds the predicted counts as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    import numpy as np
    import orjson
    import pyarrow as pa

    from socialens.analyses.engagement.features import Posts, meta_features
    from socialens.analyses.engagement.text import embed_texts
    from socialens.analyses.engagement.workflow import levels, load_engagement_model
    from socialens.store.engagement_queries import posts_for_engagement
    from socialens.store.scores import write_scores

    model, encoder, model_name = load_engagement_model(options.get("model"), models_dir)
    posts = posts_for_engagement(store)
    n = len(posts["id"])
    if n == 0:
        return {"task": "engagement", "scored": 0, "model": model_name, "summary": "no timed posts to score"}
    counts = {k: [np.nan if v is None else float(v) for v in posts[k]] for k in ("retweets", "favourites")}
    meta = meta_features(Posts(posts["author"], posts["created_at"], counts["retweets"], counts["favourites"]))
    bar = progress or NoProgress()
    bar.start(f"embedding {n:,} posts ({encoder})", n)
    vectors = embed_texts(posts["text"], encoder, progress=bar.advance) if model.pca_ is not None else None
    predicted = model.predict(meta, vectors)
    cut = float(np.quantile(predicted[:, 1], 0.9))
    rows = pa.table(
        {
            "platform": posts["platform"],
            "post_id": posts["id"],
            "task": ["engagement"] * n,
            "label": ["high" if p >= cut else "normal" for p in predicted[:, 1]],
            "score": predicted[:, 1].astype(float),
            "probabilities": [orjson.dumps(levels(row)).decode() for row in predicted],
            "model": [model_name] * n,
        }
    )
    written = write_scores(store, rows)
    return {
        "task": "engagement",
        "scored": written,
        "model": model_name,
        "high": int((predicted[:, 1] >= cut).sum()),
        "summary": f"engagement: scored {written:,} posts with {model_name}; top tenth labelled high",
    }
