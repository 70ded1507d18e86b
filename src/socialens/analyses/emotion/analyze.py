"""``socialens analyze emotion``: score every post with its language's default emotion model.

Scores go to ``post_scores`` with ``task = 'emotion'``: ``label`` the dominant emotion above the
model's threshold for it, or ``'none'``; ``score`` the highest emotion probability (below the
thresholds when the label is ``'none'``), ``probabilities`` every emotion's. Posts in languages without a
model are recorded with no label, so a re-run after training one knows what is missing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "emotion"


def analyze_emotion(
    store: Store, models_dir: Path | None = None, batch_size: int = 2_000, progress: Progress | None = None
) -> dict[str, Any]:
    """Score all posts; returns how many got a label and the count per label."""
    import orjson
    import pyarrow as pa

    from socialens.analyses.emotion.predict import predict
    from socialens.store.scores import iter_post_texts, write_scores

    bar = progress or NoProgress()
    bar.start("scoring emotions", store.count("posts"))
    labels: Counter[str | None] = Counter()
    for batch in iter_post_texts(store, batch_size):
        columns = batch.to_pydict()
        results = predict([t or "" for t in columns["text"]], models_dir=models_dir, langs=columns["lang"])
        labels.update(r["label"] for r in results)
        table = {
            "platform": columns["platform"],
            "post_id": columns["id"],
            "task": [TASK] * len(results),
            "label": [r["label"] for r in results],
            "score": [max(r["probabilities"].values()) if r["probabilities"] else None for r in results],
            "probabilities": [orjson.dumps(r["probabilities"]).decode() for r in results],
            "model": [r["model"] for r in results],
        }
        write_scores(store, pa.table(table))
        bar.advance(len(results))
    scored = sum(n for label, n in labels.items() if label)
    shown = ", ".join(f"{label} {n:,}" for label, n in labels.most_common() if label)
    return {
        "scored": scored,
        "labels": {str(k): v for k, v in labels.items()},
        "summary": f"scored emotions of {scored:,} posts ({shown or 'no model for their languages'})",
    }


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze emotion``."""
    return analyze_emotion(store, models_dir=models_dir, progress=progress)
