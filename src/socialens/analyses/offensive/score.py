"""Offensive-language scores for texts and for every post in the store (task ``offensive``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import pyarrow as pa

from socialens.analyses.offensive.hatesonar import LABELS, HateSonarOffensive
from socialens.store import Store
from socialens.store.scores import iter_post_texts, write_scores
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text

TASK = "offensive"
MODEL = "offensive.hatesonar.v1"


def predict_offensive(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[dict[str, Any]]:
    """One result per text; texts not in English get no label (the model knows only English)."""
    cleaned = [normalize_text(t) for t in texts]
    known = langs if langs is not None else [None] * len(cleaned)
    routed = [code or detect_language(t)[0] for t, code in zip(cleaned, known, strict=True)]
    english = [i for i, code in enumerate(routed) if code in ("en", "und")]
    proba = HateSonarOffensive().predict_proba([cleaned[i] for i in english])
    results: list[dict[str, Any]] = [
        {
            "text": t,
            "lang": code,
            "label": None,
            "probabilities": {},
            "model": None,
            "reason": f"the offensive-language model reads English only, not {code!r}",
        }
        for t, code in zip(texts, routed, strict=True)
    ]
    for row, i in zip(proba, english, strict=True):
        results[i].pop("reason")
        results[i].update(
            label=LABELS[int(row.argmax())],
            probabilities={name: round(float(p), 4) for name, p in zip(LABELS, row, strict=True)},
            model=MODEL,
        )
    return results


def analyze_offensive(
    store: Store, batch_size: int = 2_000, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Score all posts; ``score`` = 1 - P(neither)."""
    labels: Counter[str | None] = Counter()
    for batch in iter_post_texts(store, batch_size):
        columns = batch.to_pydict()
        results = predict_offensive([t or "" for t in columns["text"]], langs=columns["lang"])
        labels.update(r["label"] for r in results)
        write_scores(
            store,
            pa.table(
                {
                    "platform": columns["platform"],
                    "post_id": columns["id"],
                    "task": [TASK] * len(results),
                    "label": [r["label"] for r in results],
                    "score": [
                        round(1.0 - r["probabilities"]["neither"], 4) if r["probabilities"] else None for r in results
                    ],
                    "probabilities": [orjson.dumps(r["probabilities"]).decode() for r in results],
                    "model": [r["model"] for r in results],
                }
            ),
        )
        if progress:
            progress(len(results))
    return {"scored": sum(n for label, n in labels.items() if label), "labels": {str(k): v for k, v in labels.items()}}
