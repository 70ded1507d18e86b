"""Hybrid top-k recommendations: behaviour (the sequence model), content, and popularity.

Each signal is scaled to [0, 1] per user over the candidates, then mixed with weights that
depend on what is known about the user: with a history the sequence model leads; without
one (or with items the model never saw) content similarity to what the user interacted with
or wrote carries it, and popularity fills in. Candidates are the items the model knows, the
most interacted-with posts and the newest posts with text, so a post nobody has touched yet
can still be recommended on its content. Items the user already interacted with or wrote
are never recommended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialens.store import Store

WEIGHTS_WITH_MODEL = {"behaviour": 0.6, "content": 0.25, "popular": 0.15}
WEIGHTS_CONTENT = {"behaviour": 0.0, "content": 0.7, "popular": 0.3}
WEIGHTS_COLD = {"behaviour": 0.0, "content": 0.0, "popular": 1.0}
REASONS = {
    "behaviour": "often comes next after {last}",
    "content": "similar to posts you interacted with or wrote",
    "popular": "popular: {count} interactions",
}


@dataclass
class Signals:
    """One chunk of users: their histories and authored posts, and per-signal candidate scores."""

    users: list[str]
    histories: list[list[str]]
    authored: list[list[str]]


class HybridRecommender:
    """Loaded once per store, then ``top_k(users, k)`` for any number of users in chunks.

    ``model``: the sequence model's registry name (default: the registry's default for
    ``sequence``, none if there is no trained model); ``content``: ``tfidf``, ``minilm`` or ``none``.
    """

    def __init__(
        self,
        store: Store,
        *,
        models_dir: Path | None = None,
        model: str | None = None,
        content: str = "tfidf",
        max_candidates: int = 20_000,
        authored_per_user: int = 200,
    ) -> None:
        from socialens.analyses.recommend.content import ContentIndex
        from socialens.store import behaviour_queries as q

        self.store = store
        self.authored_per_user = authored_per_user
        self.sequence_model, self.model_name = _load_model(models_dir, model)
        popular = q.item_popularity(store, max_candidates)
        known = self.sequence_model.items_[1:] if self.sequence_model is not None else []
        recent = q.read_recent_posts(store, max_candidates)
        ids = list(dict.fromkeys([*known, *(p for p, _ in popular), *(p for p, _ in recent)]))
        known_items = q.read_items(store, ids)
        texts = {item: text for item, (text, _) in known_items.items()}
        self.candidates = ids
        self.candidate_index = {item: i for i, item in enumerate(ids)}
        self.texts = texts
        self.authors = np.asarray([known_items.get(i, ("", None))[1] for i in ids], dtype=object)
        counts = dict(popular)
        self.counts = np.asarray([counts.get(i, 0) for i in ids], dtype=np.float64)
        self.popular_score = np.log1p(self.counts) / max(1.0, float(np.log1p(self.counts.max(initial=0))))
        self.content = ContentIndex(content).fit(ids, [texts.get(i, "") for i in ids])
        self._model_columns = self._map_model_items()

    def _map_model_items(self) -> np.ndarray | None:
        """For each candidate, its column in the sequence model's scores (0, the padding, if none)."""
        if self.sequence_model is None:
            return None
        index = self.sequence_model.item_index_
        return np.asarray([index.get(item, 0) for item in self.candidates], dtype=np.int64)

    def signals(self, users: Sequence[str]) -> Signals:
        from socialens.store import behaviour_queries as q

        histories = q.read_histories(self.store, users)
        authored = q.read_authored(self.store, users, self.authored_per_user)
        return Signals(list(users), [histories.get(u, []) for u in users], [authored.get(u, []) for u in users])

    def top_k(self, users: Sequence[str], k: int = 10) -> list[list[dict[str, Any]]]:
        """The ``k`` best new items of each user, best first: item, score, reason, text."""
        s = self.signals(users)
        behaviour, has_behaviour = self._behaviour(s)
        profiles = self.content.profiles([h + a for h, a in zip(s.histories, s.authored, strict=True)])
        content = self.content.similarity(profiles, np.arange(len(self.candidates)))
        results = []
        for row in range(len(users)):
            parts = {
                "behaviour": behaviour[row] if behaviour is not None else None,
                "content": _scaled(content[row]) if content is not None else None,
                "popular": self.popular_score,
            }
            weights = _weights(bool(has_behaviour[row]), parts["content"])
            results.append(self._rank(s, row, parts, weights, k))
        return results

    def _behaviour(self, s: Signals) -> tuple[np.ndarray | None, np.ndarray]:
        model, columns = self.sequence_model, self._model_columns
        known = [model.to_indices(h) for h in s.histories] if model is not None else []
        has = np.asarray([len(h) > 0 for h in known], dtype=bool) if known else np.zeros(len(s.users), bool)
        if model is None or columns is None or not has.any():
            return None, has
        logits, _ = model.score_indices(known)
        logits = logits - logits[:, 1:].max(axis=1, keepdims=True)
        probs = np.exp(logits)  # relative to the best item: 1 for the model's top pick
        scores = probs[:, columns]
        scores[:, columns == 0] = 0.0
        return scores, has

    def _rank(
        self, s: Signals, row: int, parts: dict[str, np.ndarray | None], weights: dict[str, float], k: int
    ) -> list[dict[str, Any]]:
        total = np.zeros(len(self.candidates), dtype=np.float64)
        contributions = {}
        for name, weight in weights.items():
            part = parts[name]
            if weight and part is not None:
                contributions[name] = weight * part
                total += contributions[name]
        for item in s.histories[row]:
            column = self.candidate_index.get(item)
            if column is not None:
                total[column] = -np.inf
        total[self.authors == s.users[row]] = -np.inf  # never the user's own posts
        best = np.argsort(-total, kind="stable")[:k]
        last = s.histories[row][-1] if s.histories[row] else ""
        out = []
        for column in best:
            if not np.isfinite(total[column]):
                break
            reason = max(contributions, key=lambda n: contributions[n][column]) if contributions else "popular"
            item = self.candidates[column]
            out.append(
                {
                    "item": item,
                    "score": round(float(total[column]), 6),
                    "reason": REASONS[reason].format(
                        last=_short(self.texts.get(last, last)), count=int(self.counts[column])
                    ),
                    "text": _short(self.texts.get(item, ""), 120),
                }
            )
        return out


def _weights(has_behaviour: bool, content: np.ndarray | None) -> dict[str, float]:
    if has_behaviour:
        return WEIGHTS_WITH_MODEL
    if content is not None and content.max(initial=0.0) > 0:
        return WEIGHTS_CONTENT
    return WEIGHTS_COLD


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max(initial=0.0))
    return np.clip(values, 0.0, None) / top if top > 0 else np.zeros_like(values)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _load_model(models_dir: Path | None, name: str | None) -> tuple[Any, str | None]:
    from socialens.analyses.sequence.recommender import NextItemRecommender
    from socialens.analyses.sequence.train import LANGUAGE, TASK
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    if name is None:
        try:
            name = registry.default(TASK, LANGUAGE).name
        except ModelNotFoundError:
            return None, None  # no behaviour model yet: content and popularity only
    return NextItemRecommender.from_state(registry.load_state(name)), name
