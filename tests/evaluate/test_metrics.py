"""Metrics against hand-computed cases and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.evaluate import classification_report, confusion_matrix, expected_calibration_error


def test_hand_computed_three_classes():
    # true: 0 0 0 1 1 2 ; pred: 0 0 1 1 2 2
    r = classification_report([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], labels=("neg", "neu", "pos"))
    assert r["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert r["accuracy"] == pytest.approx(4 / 6)
    neg, neu, pos = (r["per_class"][k] for k in ("neg", "neu", "pos"))
    assert (neg["precision"], neg["recall"], neg["support"]) == (1.0, pytest.approx(2 / 3), 3)
    assert (neu["precision"], neu["recall"]) == (0.5, 0.5)
    assert (pos["precision"], pos["recall"]) == (0.5, 1.0)
    assert neg["f1"] == pytest.approx(0.8) and neu["f1"] == 0.5 and pos["f1"] == pytest.approx(2 / 3)
    assert r["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert r["macro_recall"] == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    assert r["ece"] is None and r["ece_bins"] == 15 and r["n"] == 6


def test_never_predicted_and_absent_classes_score_zero():
    r = classification_report([0, 0, 1], [0, 0, 0], labels=("a", "b", "c"))
    assert r["per_class"]["b"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert r["per_class"]["c"]["support"] == 0 and r["per_class"]["c"]["f1"] == 0.0


def test_empty_input():
    r = classification_report([], [], np.zeros((0, 2)), labels=("neg", "pos"))
    assert r["accuracy"] == 0.0 and r["n"] == 0 and r["ece"] == 0.0
    assert r["confusion_matrix"] == [[0, 0], [0, 0]]


def test_ece_by_hand():
    # Two texts in bin (0.8, 0.867]: confidences 0.85 (right) and 0.85 (wrong): |0.5 - 0.85| = 0.35.
    # One text in the top bin: confidence 1.0, right: 0. Weighted: 2/3 * 0.35.
    proba = [[0.85, 0.15], [0.85, 0.15], [0.0, 1.0]]
    assert expected_calibration_error([0, 1, 1], proba) == pytest.approx(2 / 3 * 0.35)
    assert expected_calibration_error([0, 1], [[1.0, 0.0], [0.0, 1.0]]) == 0.0
    # 15 bins: 0.52 and 0.55 sit in different bins (edge 8/15 = 0.533), so their errors don't cancel.
    assert expected_calibration_error([0, 1], [[0.52, 0.48], [0.55, 0.45]]) == pytest.approx(0.5 * 0.48 + 0.5 * 0.55)
    assert expected_calibration_error([0, 1], [[0.52, 0.48], [0.53, 0.47]]) == pytest.approx(abs(0.5 - 0.525))


def test_ece_follows_the_given_predictions():
    # The rule-based VADER baseline predicts from its compound score, not the argmax.
    proba = [[0.2, 0.8], [0.3, 0.7]]
    assert expected_calibration_error([0, 0], proba, y_pred=[0, 0]) == pytest.approx(1 - 0.25)
    assert expected_calibration_error([0, 0], proba) == pytest.approx(0.75)


def test_rejects_bad_input():
    with pytest.raises(ValueError, match=r"0\.\.1"):
        confusion_matrix([0, 2], [0, 1], 2)
    with pytest.raises(ValueError, match="shape"):
        classification_report([0, 1], [0, 1], [[1.0, 0.0]], labels=("a", "b"))


def test_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 500)
    y_pred = np.where(rng.random(500) < 0.6, y_true, rng.integers(0, 3, 500))
    r = classification_report(y_true, y_pred, labels=("neg", "neu", "pos"))
    assert r["accuracy"] == pytest.approx(metrics.accuracy_score(y_true, y_pred))
    assert r["macro_f1"] == pytest.approx(metrics.f1_score(y_true, y_pred, average="macro"))
    assert r["macro_recall"] == pytest.approx(metrics.recall_score(y_true, y_pred, average="macro"))
    assert r["confusion_matrix"] == metrics.confusion_matrix(y_true, y_pred).tolist()
    p, rc, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    for i, name in enumerate(("neg", "neu", "pos")):
        got = r["per_class"][name]
        assert (got["precision"], got["recall"], got["f1"]) == pytest.approx((p[i], rc[i], f[i]))
        assert got["support"] == s[i]
