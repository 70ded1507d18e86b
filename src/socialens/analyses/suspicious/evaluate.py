"""Scoring injected populations: features through a real store, and ranking metrics."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialens.analyses.suspicious.synthetic import Population, to_records


def population_features(population: Population) -> tuple[list[dict[str, Any]], list[int]]:
    """Behavioural feature rows and bot labels (1 = bot) of a population, computed exactly as
    ``socialens analyze suspicious`` computes them: through a real (temporary) store."""
    from socialens.analyses.suspicious.features import behaviour_features
    from socialens.store import Store

    labels = population.labels()
    with tempfile.TemporaryDirectory(prefix="socialens-bots-") as folder, Store(Path(folder) / "bots.duckdb") as db:
        db.write_records(to_records(population))
        rows = behaviour_features(db)
    return rows, [labels[r["user_id"]] for r in rows]


def top_share_metrics(scores: Sequence[float], labels: Sequence[int], share: float = 0.01) -> dict[str, float]:
    """Precision and recall among the top ``share`` of accounts (at least one), and average precision.

    Ties are broken by position, so give accounts in a fixed order.

    >>> top_share_metrics([0.9, 0.1, 0.8, 0.2], [1, 0, 0, 1], share=0.5)
    {'k': 2, 'precision': 0.5, 'recall': 0.5, 'average_precision': 0.833333}
    """
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    k = max(1, math.ceil(share * len(scores)))
    positives = sum(labels)
    hits = sum(labels[i] for i in order[:k])
    found, precisions = 0, []
    for rank, i in enumerate(order, 1):
        if labels[i]:
            found += 1
            precisions.append(found / rank)
    return {
        "k": k,
        "precision": round(hits / k, 6),
        "recall": round(hits / positives, 6) if positives else 0.0,
        "average_precision": round(sum(precisions) / positives, 6) if positives else 0.0,
    }
