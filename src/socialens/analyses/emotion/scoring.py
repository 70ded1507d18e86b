"""Emotion models scored on the human-annotated reference test part, with the lexicon beside them.

The figures on every emotion model card, in ``socialens evaluate emotion`` and in ``socialens
models verify`` come from here: macro-F1 (the floor's metric: each emotion counts the same, so a
model that only learns the frequent anger or 好 does not look good) and micro-F1, per-emotion
precision/recall/F1, and how many emotions a text gets on average against the annotator's count
(a model that tags every text with every emotion shows up there at once).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from socialens.analyses.emotion.evaluation import multilabel_report
from socialens.analyses.emotion.reference import load_reference


def reference_report(truth: np.ndarray, guess: np.ndarray, names: tuple[str, ...]) -> dict[str, Any]:
    report = multilabel_report(truth, guess, names)
    report["labels_per_text"] = round(float(guess.sum(1).mean()) if len(guess) else 0.0, 3)
    report["annotated_labels_per_text"] = round(float(truth.sum(1).mean()) if len(truth) else 0.0, 3)
    return report


def score_on_reference(component: Any, lang: str) -> dict[str, Any]:
    """``{"model": report, "lexicon": report}`` on the test part of ``lang``'s reference set."""
    from socialens.analyses.emotion.weak_labels import weak_labels

    test = load_reference(lang, "test")
    proba = np.asarray(component.predict_proba(test.texts))
    guess = proba >= np.asarray(getattr(component, "thresholds_", 0.5), dtype=np.float32)
    return {
        "model": reference_report(test.labels, guess, test.emotions),
        "lexicon": reference_report(test.labels, weak_labels(test.texts, lang), test.emotions),
    }


def score_reference(component: Any, card: Any) -> dict[str, Any]:
    """The evaluator named in an emotion card's ``extra.reference`` (``socialens models verify``)."""
    return score_on_reference(component, card.language)["model"]
