"""Two scorers over the behavioural features: a fixed heuristic and a trainable classifier.

Both take rows as :func:`socialens.analyses.suspicious.features.behaviour_features` gives them
(dicts holding each feature, ``None`` where unknown). No labelled bot data installs offline,
so the classifier ships with its training API and is evaluated on bots injected into real
activity (``benchmarks/quality/bots.py``), not on real bots.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.suspicious.features import FEATURES
from socialens.component import Component, Persistent
from socialens.registry import register

# Content and coordination count most; a lone young account or a lopsided follow list is common among humans.
DEFAULT_WEIGHTS: dict[str, float] = {
    "regularity": 1.0,
    "duplicate_ratio": 1.5,
    "shared_content": 0.5,
    "burst_share": 1.0,
    "follow_skew": 1.0,
    "youth": 0.75,
    "non_reciprocity": 1.0,
}


@register("suspicious.behaviour_score.v1")
class BehaviourScore(Component):
    """Weighted mean of the known features, shrunk towards 0 by ``prior`` (a weight of evidence
    every account starts with at 0), so an account known by one feature cannot outrank one
    suspicious on five. ``weights=None`` uses :data:`DEFAULT_WEIGHTS`."""

    def __init__(self, weights: Mapping[str, float] | None = None, prior: float = 1.0) -> None:
        self.weights = weights
        self.prior = prior

    def fit(self, rows: Sequence[Mapping[str, Any]], labels: Sequence[int] | None = None) -> BehaviourScore:
        self.weights_ = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        return self

    def score(self, rows: Sequence[Mapping[str, Any]]) -> list[float]:
        weights = getattr(self, "weights_", None) or dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        scores = []
        for row in rows:
            known = [(w, float(row[f])) for f, w in weights.items() if row.get(f) is not None]
            total = sum(w for w, _ in known) + self.prior
            scores.append(round(sum(w * v for w, v in known) / total, 6) if total > 0 else 0.0)
        return scores

    def reasons(self, row: Mapping[str, Any], top: int = 3) -> list[str]:
        """The features that push this account's score up most, strongest first."""
        weights = getattr(self, "weights_", None) or DEFAULT_WEIGHTS
        pushed = sorted(
            ((w * float(row[f]), f) for f, w in weights.items() if row.get(f) is not None and float(row[f]) >= 0.5),
            reverse=True,
        )
        return [f"{name} {float(row[name]):.2f}" for _, name in pushed[:top]]


def feature_matrix(rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """``(N, 2F)``: each feature (unknown as 0) followed by an is-unknown flag for each."""
    values = np.zeros((len(rows), 2 * len(FEATURES)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(FEATURES):
            value = row.get(name)
            if value is None:
                values[i, len(FEATURES) + j] = 1.0
            else:
                values[i, j] = float(value)
    return values


@register("suspicious.bot_classifier.v1")
class BotClassifier(Component, Persistent):
    """Logistic regression on :func:`feature_matrix`, bots and humans weighted
    equally (``balanced``: bots are rare). With ``monotone`` (the default) the weight of every
    feature is kept at or above zero: each feature is oriented so that more is more suspicious,
    and a detector trained on injected bots must not learn that some sign of a bot makes an
    account *less* suspicious just because the injection recipe happened to correlate them.
    The is-unknown flags and the intercept are free. Features are used as they are, all in
    [0, 1], not standardised: a feature that hardly varies in the training accounts (every
    MovieLens user shares texts with others) would otherwise get a scale so small that any
    other store's accounts land dozens of deviations away and swamp the score. Its state is a few numbers
    (``to_state``/``from_state``), saved as JSON in the model registry: no pickle to trust.
    """

    state_file = "model.json"

    def __init__(self, C: float = 1.0, balanced: bool = True, monotone: bool = True, max_iter: int = 1000) -> None:
        self.C = C
        self.balanced = balanced
        self.monotone = monotone
        self.max_iter = max_iter

    def fit(self, rows: Sequence[Mapping[str, Any]], labels: Sequence[int]) -> BotClassifier:
        from socialens.errors import TrainingError

        y = np.asarray(labels, dtype=np.float64)
        if len(rows) != len(y) or len(set(y.tolist())) < 2:
            raise TrainingError("BotClassifier.fit needs as many labels as rows, and both bots (1) and humans (0)")
        self.coef_, self.intercept_ = self._solve(feature_matrix(rows), y)
        return self

    def _solve(self, Z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Minimise the weighted log loss + ||w||^2 / (2C) with L-BFGS-B (bounds give monotonicity)."""
        from scipy.optimize import minimize

        n, d = Z.shape
        positives = y.sum()
        weight = (
            np.where(y == 1, n / (2 * positives), n / (2 * (n - positives))) if self.balanced else np.ones(n)
        )  # (N,)
        sign = 2 * y - 1  # (N,) in {-1, 1}

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[:d], theta[d]
            margin = sign * (Z @ w + b)  # (N,)
            value = float(weight @ np.logaddexp(0.0, -margin)) + float(w @ w) / (2 * self.C)
            g = -weight * sign / (1.0 + np.exp(margin))  # (N,) d loss / d score
            return value, np.append(Z.T @ g + w / self.C, g.sum())

        n_features = len(FEATURES)
        bounds = [(0.0, None) if self.monotone and j < n_features else (None, None) for j in range(d)]
        result = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)],
                          options={"maxiter": self.max_iter})  # fmt: skip
        return result.x[:d].copy(), float(result.x[d])

    def predict_proba(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """``(N, 2)``: P(human), P(bot)."""
        if not len(rows):
            return np.zeros((0, 2))
        z = feature_matrix(rows) @ self.coef_ + self.intercept_  # (N,)
        bot = 1.0 / (1.0 + np.exp(-z))
        return np.stack([1.0 - bot, bot], axis=1)

    def to_state(self) -> dict[str, Any]:
        return {
            "params": self.get_params(),
            "features": list(FEATURES),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> BotClassifier:
        from socialens.errors import ModelCardError

        if list(state.get("features", [])) != list(FEATURES):
            raise ModelCardError(
                f"the saved bot model was trained on features {state.get('features')}, this socialens computes "
                f"{list(FEATURES)}; train it again (socialens train suspicious)"
            )
        model = cls(**state["params"])
        model.coef_ = np.asarray(state["coef"], dtype=np.float64)
        model.intercept_ = float(state["intercept"])
        return model

    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / self.state_file).write_text(json.dumps(self.to_state(), indent=1), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> BotClassifier:
        from socialens.errors import ModelCardError

        path = Path(directory) / cls.state_file
        if not path.is_file():
            raise ModelCardError(
                f"{path}: missing; the folder is not a bot model (train one: socialens train suspicious)"
            )
        return cls.from_state(json.loads(path.read_text(encoding="utf-8")))
