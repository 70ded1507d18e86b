"""Seed ensembles: several next-item models trained alike but seeded apart, scored as one.

Members differ only in their seed (initial weights, batch order, dropout), so each ends in a
different local optimum and their errors partly cancel when their scores are averaged. The
average is taken over probabilities (each member's softmax over all items), chosen on
MovieLens-100K's validation cases over averaging log-probabilities or raw logits (a near tie:
docs/behaviour.md, "Sequences"); the result is returned as log-probabilities, a row of
logits again, so everything that ranks or soft-maxes one model's scores takes an ensemble's
unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from socialens.errors import ConfigError

if TYPE_CHECKING:
    from socialens.training.trainer import TrainResult

AVERAGINGS = ("probabilities", "log-probabilities", "logits")
AVERAGING = "probabilities"


def average_scores(member_logits: Sequence[np.ndarray], averaging: str = AVERAGING) -> np.ndarray:
    """One ``(B, N)`` logit matrix from each member's ``(B, N)`` logits (``-inf`` columns stay ``-inf``).

    >>> a, b = np.log([[0.5, 0.5]]), np.log([[0.9, 0.1]])
    >>> np.round(np.exp(average_scores([a, b], "probabilities")), 3).tolist()
    [[0.7, 0.3]]
    >>> np.round(np.exp(average_scores([a, b], "log-probabilities")), 4).tolist()  # geometric mean
    [[0.6708, 0.2236]]
    """
    if not member_logits:
        raise ConfigError("an ensemble needs at least one member's scores")
    if len(member_logits) == 1:
        return member_logits[0]
    if averaging == "logits":
        return np.mean(np.stack(member_logits), axis=0)
    log_probs = np.stack([_log_softmax(m) for m in member_logits])  # (M, B, N)
    if averaging == "log-probabilities":
        return np.mean(log_probs, axis=0)
    if averaging == "probabilities":
        with np.errstate(divide="ignore"):  # a column at -inf in every member stays at -inf
            return np.log(np.mean(np.exp(log_probs), axis=0))
    raise ConfigError(f"unknown averaging {averaging!r}; choose one of {', '.join(AVERAGINGS)}")


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    top = x.max(axis=1, keepdims=True)
    return x - top - np.log(np.exp(x - top).sum(axis=1, keepdims=True))


def member_seeds(seed: int, members: int) -> list[int]:
    """Seeds of the members: ``seed``, ``seed + 1``, ...; the first member is the single model."""
    if members < 1:
        raise ConfigError(f"members={members}: an ensemble needs at least 1 member (1 = a single model)")
    return [seed + i for i in range(members)]


def summarise(histories: Sequence[TrainResult], seeds: Sequence[int]) -> dict[str, Any]:
    """Training figures of an ensemble: sums over members, and each member's own."""
    return {
        "epochs_run": sum(h.epochs_run for h in histories),
        "best_epoch": [h.best_epoch for h in histories],
        "train_seconds": round(sum(h.seconds for h in histories), 3),
        "train_cpu_seconds": round(sum(h.cpu_seconds for h in histories), 3),
        "members": [
            {
                "seed": seed,
                "epochs_run": h.epochs_run,
                "best_epoch": h.best_epoch,
                "valid_ndcg@10": h.best_metric,
                "train_cpu_seconds": round(h.cpu_seconds, 3),
            }
            for seed, h in zip(seeds, histories, strict=True)
        ],
    }
