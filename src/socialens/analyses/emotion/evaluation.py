"""How far an emotion model agrees with the lexicon's weak labels on held-out texts.

No labelled emotion data installs offline, so the yardstick is the lexicon itself, in three views:

* ``weak``: all held-out texts, model vs weak labels (per-emotion P/R/F1, micro/macro-F1,
  exact agreement of the whole emotion set, agreement on "none" vs "some emotion");
* ``masked``: held-out texts with a counted hit, every lexicon word removed before the model
  reads them. The lexicon finds nothing there by construction; the model can only agree by
  reading the context, which is what "generalises beyond exact hits" means here;
* ``no_hit``: held-out texts the lexicon says nothing about: how often the model does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang, load_lexicon
from socialens.analyses.emotion.weak_labels import label_vector, mask_tokens, match_tokens, tokens_of


def multilabel_report(truth: np.ndarray, guess: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """Per-emotion precision/recall/F1/support, micro/macro-F1 and set agreement of 0/1 matrices."""
    truth, guess = truth.astype(bool), guess.astype(bool)
    tp = (truth & guess).sum(0).astype(float)
    predicted, actual = guess.sum(0).astype(float), truth.sum(0).astype(float)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    micro = 2 * tp.sum() / max(predicted.sum() + actual.sum(), 1.0)
    n = len(truth)
    return {
        "n": n,
        "micro_f1": round(float(micro), 4),
        "macro_f1": round(float(f1.mean()) if len(names) else 0.0, 4),
        "exact_agreement": round(float((truth == guess).all(1).mean()) if n else 0.0, 4),
        "any_agreement": round(float((truth.any(1) == guess.any(1)).mean()) if n else 0.0, 4),
        "per_emotion": {
            name: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(actual[i]),
            }
            for i, name in enumerate(names)
        },
    }


def evaluate_weak(model: Any, texts: Sequence[str], lang: str, threshold: Any = None) -> dict[str, Any]:
    """The three views (``weak``, ``masked``, ``no_hit``) of ``model`` on held-out ``texts``.

    ``model`` has ``predict_proba_tokens(token_lists) -> (N, K)``, columns in the lexicon's order.
    ``threshold`` (a number or one per emotion) defaults to the model's ``thresholds_``, else 0.5.
    """
    if threshold is None:
        threshold = getattr(model, "thresholds_", 0.5)
    lexicon = load_lexicon(check_lang(lang))
    names, k = lexicon.emotions, len(lexicon.emotions)
    tokens = [tokens_of(t, lang) for t in texts]
    matches = [match_tokens(t, lexicon) for t in tokens]
    truth = np.asarray([label_vector(m, k) for m in matches], dtype=np.float32).reshape(len(texts), k)
    guess = model.predict_proba_tokens(tokens) >= threshold
    hit: np.ndarray = np.asarray(truth.any(1), dtype=bool)
    masked_tokens = [mask_tokens(t, m) for t, m, h in zip(tokens, matches, hit, strict=True) if h]
    masked_guess = (
        model.predict_proba_tokens(masked_tokens) >= threshold if masked_tokens else np.zeros((0, k), dtype=bool)
    )
    no_hit = guess[~hit]
    return {
        "weak": multilabel_report(truth, guess, names),
        "masked": multilabel_report(truth[hit], masked_guess, names),
        "no_hit": {
            "n": len(no_hit),
            "share_with_emotion": round(float(no_hit.any(1).mean()) if len(no_hit) else 0.0, 4),
        },
    }
