"""The pieces of self-training: thresholds from validation, pseudo-labels, masking, the student's place."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.analyses.sentiment.adaptation import (
    _in_place_of_tfidf,
    confidence_thresholds,
    mask_identifiers,
    pseudo_label,
)
from socialens.analyses.sentiment.baselines import TfidfLogisticRegression, VaderSentiment
from socialens.analyses.sentiment.blend import BlendSentiment

LABELS = ["negative", "neutral", "positive"]


def _validation() -> tuple[np.ndarray, list[int]]:
    """40 negative predictions at 0.6 (half right) and 40 at 0.9 (all right); 30 positive at 0.7
    (all right)."""
    rows = [[0.6, 0.3, 0.1]] * 40 + [[0.9, 0.05, 0.05]] * 40 + [[0.1, 0.2, 0.7]] * 30
    truth = [0, 1] * 20 + [0] * 40 + [2] * 30
    return np.array(rows), truth


def test_thresholds_are_the_lowest_confidence_reaching_the_precision_per_class():
    proba, truth = _validation()
    assert confidence_thresholds(proba, truth, LABELS, precision=0.9) == {"negative": 0.61, "positive": 0.34}
    assert confidence_thresholds(proba, truth, LABELS, precision=0.6) == {"negative": 0.34, "positive": 0.34}
    # too few predictions of a class to judge it: nothing of that class is kept
    assert confidence_thresholds(proba, truth, LABELS, precision=0.9, min_support=31)["positive"] == 1.0


def test_pseudo_labels_keep_confident_polar_predictions_only():
    proba = np.array([[0.8, 0.1, 0.1], [0.5, 0.4, 0.1], [0.1, 0.8, 0.1], [0.05, 0.05, 0.9], [0.3, 0.0, 0.7]])
    assert pseudo_label(proba, LABELS, {"negative": 0.7, "positive": 0.75}) == [(0, 0), (3, 2)]


def test_mentions_and_links_are_masked():
    said = mask_identifiers("@u_3fa9c1 loved it, see https://shop.example/p/9?ref=ann and ＠bob.smith-2!")
    assert said == "@user loved it, see http and @user!"


@pytest.mark.parametrize("weights", [[0.8, 0.2], None])
def test_the_student_replaces_the_tfidf_member_and_keeps_the_rest(weights):
    texts = ["good", "bad", "fine", "great", "awful", "meh"] * 3
    labels = [2, 0, 1, 2, 0, 1] * 3
    tfidf = TfidfLogisticRegression(lang="en").fit(texts, labels)
    student = TfidfLogisticRegression(lang="en", C=3.0).fit(texts, labels)
    vader = VaderSentiment()
    blend = _in_place_of_tfidf(BlendSentiment.from_members([tfidf, vader], weights), student)
    assert blend.members_[0] is student and blend.members_[1] is vader and blend.weights == weights
    assert _in_place_of_tfidf(vader, student) is student
