"""Segments: accounts clustered on profile features plus graph embeddings, each named by what sets it apart.

Profile features are shares (of the account's activity per 4-hour block of the UTC day, on
weekends, per sentiment label, per common language and interest) plus its activity volume and
influence, so every column reads as something a person can name. Graph embeddings (node2vec)
join them for the clustering only: their dimensions have no meaning to put in a name.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from socialens.component import Component
from socialens.registry import register

BLOCKS = tuple(f"{h:02d}-{h + 4:02d}h" for h in range(0, 24, 4))
EMBEDDING_PREFIX = "graph "


def profile_matrix(profiles: Sequence[Mapping[str, Any]], top: int = 5) -> tuple[list[str], np.ndarray]:
    """(column names, ``(N, F)`` values) of the nameable profile features."""
    languages = _common(profiles, lambda p: p["languages"], top)
    interests = _common(profiles, lambda p: {i["label"]: i["share"] for i in p["interests"]}, top)
    sentiments = sorted({k for p in profiles if p.get("sentiment") for k in p["sentiment"]["shares"]})
    names = [
        *(f"active {b}" for b in BLOCKS),
        "weekend",
        "activity",
        *(f"sentiment {s}" for s in sentiments),
        *(f"language {lang}" for lang in languages),
        *(f"interest {i}" for i in interests),
        *(["influence"] if any(p.get("influence") for p in profiles) else []),
    ]
    rows = []
    for p in profiles:
        total = max(1, sum(p["hours"]))
        row = [sum(p["hours"][h : h + 4]) / total for h in range(0, 24, 4)]
        row += [sum(p["weekdays"][5:]) / max(1, sum(p["weekdays"])), math.log1p(p["events"])]
        shares = (p.get("sentiment") or {}).get("shares", {})
        row += [shares.get(s, 0.0) for s in sentiments]
        row += [p["languages"].get(lang, 0.0) for lang in languages]
        mine = {i["label"]: i["share"] for i in p["interests"]}
        row += [mine.get(i, 0.0) for i in interests]
        if "influence" in names:
            row.append(float((p.get("influence") or {}).get("score") or 0.0))
        rows.append(row)
    return names, np.asarray(rows, dtype=np.float64).reshape(len(rows), len(names))


def _common(profiles: Sequence[Mapping[str, Any]], get: Any, top: int) -> list[str]:
    """The ``top`` keys found in most profiles (each in at least two), most common first."""
    counts: Counter[str] = Counter()
    for p in profiles:
        counts.update(get(p).keys())
    return [k for k, n in counts.most_common() if n >= 2][:top]


def standardise(X: np.ndarray) -> np.ndarray:
    if not len(X):
        return X
    sd = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


@register("segments.kmeans_segments.v1")
class KMeansSegments(Component):
    """k-means on standardised features; ``k=None`` picks 2..``max_k`` by silhouette (on at most
    ``sample`` accounts). ``fit(X, weights)`` multiplies each standardised column by its weight,
    so a block of many columns (an embedding) can count for less. Learns ``labels_``,
    ``centers_`` (weighted standardised space), ``distances_`` (of each row to its centre), ``k_``."""

    def __init__(self, k: int | None = None, max_k: int = 8, seed: int = 0, sample: int = 5000) -> None:
        self.k = k
        self.max_k = max_k
        self.seed = seed
        self.sample = sample

    def fit(self, X: np.ndarray, weights: np.ndarray | None = None) -> KMeansSegments:
        from threadpoolctl import threadpool_limits

        Z = standardise(np.asarray(X, dtype=np.float64))
        if weights is not None:
            Z = Z * np.asarray(weights, dtype=np.float64)
        # k-means on thousands of accounts is quick on one thread; OpenMP threads waiting for a
        # busy CPU made it many times slower.
        with threadpool_limits(1):
            return self._fit(Z)

    def _fit(self, Z: np.ndarray) -> KMeansSegments:
        from sklearn.cluster import KMeans

        n = len(Z)
        if n == 0:
            self.labels_, self.centers_, self.k_ = np.zeros(0, dtype=np.int64), np.zeros((0, Z.shape[1])), 0
            self.distances_ = np.zeros(0)
            return self
        k = min(self.k, n) if self.k is not None else self._choose_k(Z)
        model = KMeans(n_clusters=max(1, k), n_init=4, random_state=self.seed).fit(Z)
        # Largest segment first, so segment 0 is always the main body of accounts.
        sizes = np.bincount(model.labels_, minlength=k)
        order = sorted(range(k), key=lambda c: (-sizes[c], c))
        remap = np.empty(k, dtype=np.int64)
        remap[order] = np.arange(k)
        self.labels_ = remap[model.labels_]
        self.centers_ = model.cluster_centers_[order]
        self.distances_ = np.linalg.norm(Z - self.centers_[self.labels_], axis=1)
        self.k_ = k
        return self

    def _choose_k(self, Z: np.ndarray) -> int:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        n = len(Z)
        if n < 4 or np.allclose(Z, Z[0]):
            return 1
        rng = np.random.default_rng(self.seed)
        S = Z[rng.choice(n, size=min(n, self.sample), replace=False)]
        best, best_k = -2.0, 2
        for k in range(2, min(self.max_k, len(S) - 1) + 1):
            labels = KMeans(n_clusters=k, n_init=2, random_state=self.seed).fit_predict(S)
            if len(set(labels.tolist())) < 2:
                continue
            score = float(silhouette_score(S, labels, random_state=self.seed))
            if score > best + 1e-9:
                best, best_k = score, k
        return best_k


def distinguishing(
    X: np.ndarray, names: Sequence[str], labels: np.ndarray, segment: int, top: int = 3
) -> list[tuple[str, float]]:
    """(feature, effect) where the segment differs most from everyone: the difference of means in
    standard deviations of all accounts; graph-embedding columns are left out."""
    Z = standardise(X)
    inside = Z[labels == segment]
    if not len(inside):
        return []
    effects = inside.mean(axis=0)
    ranked = sorted(
        ((names[j], float(effects[j])) for j in range(len(names)) if not names[j].startswith(EMBEDDING_PREFIX)),
        key=lambda item: -abs(item[1]),
    )
    return [(n, round(e, 3)) for n, e in ranked if abs(e) >= 0.25][:top]


def name_segment(features: Sequence[tuple[str, float]], fallback: str = "typical accounts") -> str:
    """A short name from distinguishing features.

    >>> name_segment([("active 20-24h", 1.4), ("activity", -0.8), ("interest #python", 0.6)])
    'evening 20-24h, occasional, #python'
    >>> name_segment([])
    'typical accounts'
    """
    words = [_phrase(name, effect) for name, effect in features]
    kept = [w for w in words if w]
    return ", ".join(kept) if kept else fallback


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made unique by numbering repeats.

    >>> unique_names(["night", "typical accounts", "typical accounts"])
    ['night', 'typical accounts 1', 'typical accounts 2']
    """
    counts = Counter(names)
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(f"{name} {seen[name]}" if counts[name] > 1 else name)
    return out


_DAYPARTS = {"00": "night", "04": "early", "08": "morning", "12": "afternoon", "16": "late-day", "20": "evening"}


def _phrase(name: str, effect: float) -> str | None:
    up = effect > 0
    if name.startswith("active "):
        block = name.removeprefix("active ")
        return f"{_DAYPARTS.get(block[:2], '')} {block}".strip() if up else None
    if name == "weekend":
        return "weekend-heavy" if up else "weekday"
    if name == "activity":
        return "very active" if up else "occasional"
    if name == "influence":
        return "influential" if up else None
    for prefix, template in (("sentiment ", "{} tone"), ("language ", "writes {}"), ("interest ", "{}")):
        if name.startswith(prefix):
            return template.format(name.removeprefix(prefix)) if up else None
    return None
