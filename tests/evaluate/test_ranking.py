"""Ranking metrics against hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from socialens.evaluate.ranking import ranking_metrics, ranks_from_scores, top_k


def test_known_ranks_give_hand_computed_metrics():
    # ranks 1, 2, 10, 11: hits at 1, 2 and 10
    m = ranking_metrics([1, 2, 10, 11], k=10)
    assert m["hr@10"] == pytest.approx(3 / 4)
    assert m["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(11)) / 4)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 10) / 4)
    assert m["n"] == 4


def test_cutoff_and_empty():
    assert ranking_metrics([3], k=2) == {"hr@2": 0.0, "ndcg@2": 0.0, "mrr@2": 0.0, "n": 1}
    assert ranking_metrics([], k=10)["n"] == 0


def test_rank_counts_ties_against_the_model():
    scores = [[0.5, 0.5, 0.5, 0.5]]
    assert ranks_from_scores(scores, [2]).tolist() == [4]
    assert ranks_from_scores([[0.1, 0.4, 0.3, 0.2]], [3]).tolist() == [3]


def test_seen_items_are_excluded_but_never_the_answer():
    scores = np.array([[0.9, 0.8, 0.7, 0.1], [0.9, 0.8, 0.7, 0.1]])
    # row 0: items 0 and 1 were seen: the answer 2 moves from rank 3 to 1
    # row 1: the answer 0 is itself in the history and stays in the ranking
    ranks = ranks_from_scores(scores, [2, 0], exclude=[[0, 1], [0, 2]])
    assert ranks.tolist() == [1, 1]
    assert ranks_from_scores(scores, [2, 0]).tolist() == [3, 1]
    assert scores[0, 0] == 0.9  # the caller's scores are not modified


def test_top_k_orders_and_excludes():
    scores = [[0.1, 0.9, 0.5, 0.7], [0.4, 0.3, 0.2, 0.1]]
    assert top_k(scores, 3, exclude=[[1], []]).tolist() == [[3, 2, 0], [0, 1, 2]]


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        ranks_from_scores([0.1, 0.2], [0])
