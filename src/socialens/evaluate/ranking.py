"""Top-k ranking metrics for next-item prediction, over all items (no sampled negatives).

Each test case has one true next item. Its rank is 1 + the number of other items scored at
least as high: ties count against the model, so a model that scores everything alike ranks
the answer last, not first. With ``exclude`` (the items a user already interacted with) those
items are taken out of the ranking first, except the answer itself: an item can only be
recommended if it is new to the user, and a repeated interaction can still be found.

HR@k is the share of cases whose answer is in the top k; NDCG@k scores a hit at rank r as
1 / log2(r + 1) (one relevant item, so the ideal DCG is 1); MRR@k scores it as 1 / r.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


def ranks_from_scores(
    scores: ArrayLike, targets: ArrayLike, exclude: Sequence[Sequence[int]] | None = None
) -> np.ndarray:
    """1-based rank of each row's target among all columns of ``scores`` ``(B, N)``.

    >>> ranks_from_scores([[0.1, 0.9, 0.5], [0.3, 0.3, 0.2]], [2, 0]).tolist()
    [2, 2]
    >>> ranks_from_scores([[0.1, 0.9, 0.5]], [2], exclude=[[1]]).tolist()
    [1]
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    t = np.asarray(targets, dtype=np.int64)
    if s.ndim != 2 or t.shape != (s.shape[0],):
        raise ValueError(f"scores must be (B, N) and targets (B,); got {s.shape} and {t.shape}")
    rows = np.arange(len(t))
    target_scores = s[rows, t]
    if exclude is not None:
        for row, seen in enumerate(exclude):
            if len(seen):
                s[row, np.asarray(seen, dtype=np.int64)] = -np.inf
        s[rows, t] = target_scores
    at_least = (s >= target_scores[:, None]).sum(axis=1)  # includes the target itself
    return at_least.astype(np.int64)


def ranking_metrics(ranks: ArrayLike, k: int = 10) -> dict[str, float]:
    """HR@k, NDCG@k and MRR@k averaged over cases, and ``n`` the number of cases.

    >>> m = ranking_metrics([1, 3, 20], k=10)
    >>> round(m["hr@10"], 4), round(m["ndcg@10"], 4), round(m["mrr@10"], 4)
    (0.6667, 0.5, 0.4444)
    """
    r = np.asarray(ranks, dtype=np.float64)
    if r.size == 0:
        return {f"hr@{k}": 0.0, f"ndcg@{k}": 0.0, f"mrr@{k}": 0.0, "n": 0}
    hit = r <= k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1.0 / np.log2(r + 1.0), 0.0).mean()),
        f"mrr@{k}": float(np.where(hit, 1.0 / r, 0.0).mean()),
        "n": int(r.size),
    }


def top_k(scores: ArrayLike, k: int, exclude: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """Column indices of the ``k`` highest scores of each row, best first, ``exclude`` left out.

    >>> top_k([[0.1, 0.9, 0.5, 0.7]], 2, exclude=[[1]]).tolist()
    [[3, 2]]
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    if exclude is not None:
        for row, seen in enumerate(exclude):
            if len(seen):
                s[row, np.asarray(seen, dtype=np.int64)] = -np.inf
    k = min(k, s.shape[1])
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(s, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)
