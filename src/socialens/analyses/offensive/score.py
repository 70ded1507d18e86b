"""Offensive-language scores for texts (``socialens analyze offensive`` scores the store's posts with them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialens.analyses.offensive.hatesonar import LABELS, HateSonarOffensive
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
