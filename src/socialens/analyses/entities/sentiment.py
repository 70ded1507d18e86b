"""Entity-level sentiment: each mention takes the sentiment of its clause, not of the whole post.

The clause (:mod:`socialens.analyses.entities.clauses`) is scored by the default sentiment model of
the post's language (``socialens train sentiment``); an entity on the other side of a comparison
(``better than @united``) takes the clause's sentiment reversed (positive and negative swapped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialens.analyses.entities.clauses import clause_around
from socialens.analyses.entities.extract import Mention

#: ``predict(texts, langs) -> [{"label", "probabilities", "model"}, ...]``, one per text.
Predictor = Callable[[list[str], list[str | None]], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class EntitySentiment:
    mention: Mention
    clause_start: int
    clause_end: int
    label: str | None
    polarity: float | None  # P(positive) - P(negative) of the clause, reversed for a compared entity
    model: str | None


def default_predictor(registry_root: Path | None = None) -> Predictor:
    """The registered default sentiment models (per language) as a predictor."""

    def predict(texts: list[str], langs: list[str | None]) -> list[dict[str, Any]]:
        from socialens.analyses.sentiment.predict import predict_sentiment

        return predict_sentiment(texts, registry_root=registry_root, langs=langs)

    return predict


def entity_sentiments(
    texts: Sequence[str], mentions: Sequence[Sequence[Mention]], langs: Sequence[str | None], predict: Predictor
) -> list[list[EntitySentiment]]:
    """The sentiment of every mention's clause; one model call for all clauses of the batch."""
    clauses = [
        [clause_around(text, m.start, m.end) for m in found] for text, found in zip(texts, mentions, strict=True)
    ]
    flat = [(i, c) for i, found in enumerate(clauses) for c in found]
    results = predict([texts[i][c.start : c.end] for i, c in flat], [langs[i] for i, _ in flat]) if flat else []
    scored = iter(results)
    out: list[list[EntitySentiment]] = []
    for found, found_clauses in zip(mentions, clauses, strict=True):
        row = []
        for mention, clause in zip(found, found_clauses, strict=True):
            result = next(scored)
            probabilities = _reversed(result["probabilities"]) if clause.flip else result["probabilities"]
            row.append(
                EntitySentiment(
                    mention,
                    clause.start,
                    clause.end,
                    _best(probabilities) if probabilities else None,
                    polarity(probabilities),
                    result.get("model"),
                )
            )
        out.append(row)
    return out


def polarity(probabilities: dict[str, float]) -> float | None:
    if not probabilities:
        return None
    return round(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0), 4)


def _reversed(probabilities: dict[str, float]) -> dict[str, float]:
    swapped = {"positive": "negative", "negative": "positive"}
    return {swapped.get(label, label): p for label, p in probabilities.items()}


def _best(probabilities: dict[str, float]) -> str:
    return max(probabilities.items(), key=lambda item: (item[1], item[0]))[0]
