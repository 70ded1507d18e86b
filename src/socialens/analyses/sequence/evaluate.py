"""Scoring next-item models and the most-popular baseline on leave-one-out cases.

Both protocols are reported: ``seen_excluded`` (items already in the user's history are
taken out of the ranking: the right protocol when an item is consumed once, as a movie
rating) and ``seen_included`` (RecBole's default for sequential models).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from socialens.analyses.sequence.data import Cases, Split
from socialens.analyses.sequence.recommender import NextItemRecommender
from socialens.evaluate.ranking import ranking_metrics, ranks_from_scores

PROTOCOL = (
    "Leave-one-out by time: each user's interactions ordered by timestamp (ties by interaction id); "
    "the last is the test case, the second last the validation case, the rest training (users with "
    "fewer than 3 interactions only train). Ranking over all items, no sampled negatives; one true "
    "next item per case. HR@10, NDCG@10, MRR@10 reported with the user's earlier items excluded from "
    "the ranking ('seen_excluded', the answer itself always stays) and not ('seen_included'). "
    "Ties in score count against the model. Most-popular baseline: interaction counts over the "
    "training part (plus validation items when scoring the test cases)."
)
CHUNK = 512


def _metrics(scores: np.ndarray, cases: Cases, start: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    end = start + len(scores)
    targets = cases.targets[start:end]
    seen = [h.tolist() for h in cases.histories[start:end]]
    return ranks_from_scores(scores, targets), ranks_from_scores(scores, targets, exclude=seen)


def evaluate_model(model: NextItemRecommender, cases: Cases, k: int = 10) -> dict[str, Any]:
    """Ranking metrics of ``model`` on ``cases``, both protocols, plus next-action accuracy."""
    included, excluded, action_hits = [], [], []
    for start in range(0, len(cases.targets), CHUNK):
        histories = cases.histories[start : start + CHUNK]
        scores, actions = model.score_indices(histories, cases.action_histories[start : start + CHUNK])
        inc, exc = _metrics(scores, cases, start, k)
        included.append(inc)
        excluded.append(exc)
        if actions is not None:
            action_hits.append(actions.argmax(axis=1) == cases.target_actions[start : start + CHUNK])
    report = _report(included, excluded, k)
    if action_hits:
        report["next_action_accuracy"] = float(np.concatenate(action_hits).mean())
    return report


def validation_ndcg(model: NextItemRecommender, cases: Cases, k: int = 10) -> float:
    """NDCG@k with seen items excluded: the early-stopping score."""
    return float(evaluate_model(model, cases, k)["seen_excluded"][f"ndcg@{k}"])


def _report(included: list[np.ndarray], excluded: list[np.ndarray], k: int) -> dict[str, Any]:
    cat = lambda parts: np.concatenate(parts) if parts else np.zeros(0)  # noqa: E731
    return {"seen_excluded": ranking_metrics(cat(excluded), k), "seen_included": ranking_metrics(cat(included), k)}


def popularity_counts(split: Split, n_items: int, with_valid: bool) -> np.ndarray:
    """How often each item occurs in the training part (and the validation targets)."""
    counts = np.zeros(n_items, dtype=np.float64)
    for seq in split.train_items:
        np.add.at(counts, seq, 1.0)
    if with_valid:
        np.add.at(counts, split.valid.targets, 1.0)
    counts[0] = -np.inf
    return counts


def evaluate_popular(split: Split, n_items: int, test: bool = True, k: int = 10) -> dict[str, Any]:
    """The most-popular baseline on the test (or validation) cases."""
    cases = split.test if test else split.valid
    counts = popularity_counts(split, n_items, with_valid=test)
    included, excluded = [], []
    for start in range(0, len(cases.targets), CHUNK):
        rows = min(CHUNK, len(cases.targets) - start)
        scores = np.broadcast_to(counts, (rows, n_items))
        inc, exc = _metrics(scores, cases, start, k)
        included.append(inc)
        excluded.append(exc)
    return _report(included, excluded, k)
