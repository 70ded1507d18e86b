"""``socialens analyze sentiment``: score every post in the store and write the scores back.

Each post is scored by its language's default model (the language identified at ingest);
posts in languages without a model are recorded with no label, so a re-run after training
one knows what is missing. Scores go to ``post_scores`` with ``task = 'sentiment'`` and
``score = P(positive) - P(negative)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from socialens.analyses.sentiment.predict import predict_sentiment
from socialens.progress import Progress
from socialens.store import Store
from socialens.store.scores import iter_post_texts, write_scores

TASK = "sentiment"


def analyze_sentiment(
    store: Store,
    registry_root: Path | None = None,
    batch_size: int = 2_000,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Score all posts; returns counts per label (``None``: no model for the language)."""
    labels: Counter[str | None] = Counter()
    for batch in iter_post_texts(store, batch_size):
        columns = batch.to_pydict()
        results = predict_sentiment(
            [t or "" for t in columns["text"]], registry_root=registry_root, langs=columns["lang"]
        )
        labels.update(r["label"] for r in results)
        write_scores(
            store,
            pa.table(
                {
                    "platform": columns["platform"],
                    "post_id": columns["id"],
                    "task": [TASK] * len(results),
                    "label": [r["label"] for r in results],
                    "score": [_polarity(r["probabilities"]) for r in results],
                    "probabilities": [orjson.dumps(r["probabilities"]).decode() for r in results],
                    "model": [r["model"] for r in results],
                }
            ),
        )
        if progress:
            progress(len(results))
    return {"scored": sum(n for label, n in labels.items() if label), "labels": {str(k): v for k, v in labels.items()}}


def _polarity(probabilities: dict[str, float]) -> float | None:
    if not probabilities:
        return None
    return round(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0), 4)


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze sentiment``."""
    from socialens.progress import NoProgress

    bar = progress or NoProgress()
    bar.start("scoring sentiment", store.count("posts"))
    return analyze_sentiment(store, registry_root=models_dir, progress=bar.advance)
