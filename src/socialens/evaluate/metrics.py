"""Classification metrics for evaluation reports, in plain numpy.

No scikit-learn here: metrics stay cheap to import for reports and the model registry, and
every definition is spelled out where a reader can check it. The definitions
match scikit-learn's (``zero_division=0``): a class never predicted has precision 0, a class
absent from ``y_true`` has recall 0, and macro averages are unweighted means over ``labels``.

Calibration error (ECE) uses 15 equal-width bins over (0, 1] of the confidence, the probability
given to the predicted class (the top class, unless the predictions are passed in: rule-based
baselines such as VADER do not predict the argmax of their scores): the sum over bins of
|accuracy - mean confidence| within the bin, weighted by the bin's share of texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

ECE_BINS = 15


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> np.ndarray:
    """Counts with true classes as rows and predicted classes as columns.

    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 1], 3).tolist()
    [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    """
    true, pred = _as_class_ids(y_true, n_classes), _as_class_ids(y_pred, n_classes)
    if true.shape != pred.shape:
        raise ValueError(f"y_true has {true.size} labels but y_pred has {pred.size}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def expected_calibration_error(
    y_true: ArrayLike, proba: ArrayLike, y_pred: ArrayLike | None = None, n_bins: int = ECE_BINS
) -> float:
    """ECE over equal-width bins of the predicted class's probability (default: the argmax).

    >>> expected_calibration_error([0, 1], [[0.9, 0.1], [0.8, 0.2]])
    0.45
    """
    p = np.asarray(proba, dtype=np.float64)
    true = np.asarray(y_true, dtype=np.int64)
    if p.ndim != 2 or p.shape[0] != true.size:
        raise ValueError(f"proba must have shape (n_texts, n_classes); got {p.shape} for {true.size} labels")
    if true.size == 0:
        return 0.0
    pred = p.argmax(axis=1) if y_pred is None else _as_class_ids(y_pred, p.shape[1])
    if pred.shape != true.shape:
        raise ValueError(f"y_pred has {pred.size} labels but y_true has {true.size}")
    confidence = p[np.arange(true.size), pred]
    correct = (pred == true).astype(np.float64)
    # Bin b holds confidences in (b/n, (b+1)/n]; a confidence of exactly 0 joins the first bin.
    bins = np.clip(np.ceil(confidence * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    error = 0.0
    for b in range(n_bins):
        in_bin = bins == b
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return round(float(error), 12)


def classification_report(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    proba: ArrayLike | None = None,
    labels: Sequence[str] = ("negative", "neutral", "positive"),
) -> dict[str, Any]:
    """Accuracy, macro-F1, macro-recall, per-class precision/recall/F1/support, confusion matrix
    and (when ``proba`` is given) ECE, as a JSON-ready dict.

    ``y_true``/``y_pred`` are class ids indexing ``labels``; ``proba`` has one column per label.

    >>> r = classification_report([0, 0, 1, 1], [0, 1, 1, 1], labels=("neg", "pos"))
    >>> r["accuracy"], round(r["macro_f1"], 4), round(r["per_class"]["pos"]["precision"], 4)
    (0.75, 0.7333, 0.6667)
    """
    n = len(labels)
    matrix = confusion_matrix(y_true, y_pred, n)
    total = int(matrix.sum())
    tp = np.diag(matrix).astype(np.float64)
    predicted, support = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = _safe_divide(tp, predicted)
    recall = _safe_divide(tp, support)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    report: dict[str, Any] = {
        "n": total,
        "labels": list(labels),
        "accuracy": float(tp.sum() / total) if total else 0.0,
        "macro_f1": float(f1.mean()) if n else 0.0,
        "macro_recall": float(recall.mean()) if n else 0.0,
        "macro_precision": float(precision.mean()) if n else 0.0,
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(labels)
        },
        "confusion_matrix": matrix.tolist(),
        "ece": None,
        "ece_bins": ECE_BINS,
    }
    if proba is not None:
        p = np.asarray(proba, dtype=np.float64)
        if p.ndim != 2 or p.shape != (total, n):
            raise ValueError(f"proba must have shape ({total}, {n}); got {p.shape}")
        report["ece"] = expected_calibration_error(y_true, p, y_pred)
    return report


def _as_class_ids(y: ArrayLike, n_classes: int) -> np.ndarray:
    ids = np.asarray(y, dtype=np.int64).reshape(-1)
    if ids.size and (ids.min() < 0 or ids.max() >= n_classes):
        raise ValueError(f"class ids must lie in 0..{n_classes - 1}; got {ids.min()}..{ids.max()}")
    return ids


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out
