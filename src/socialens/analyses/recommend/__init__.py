"""Recommendations: the top-k posts for a user, or for every user in bounded chunks.

>>> # recommend(store, "u_1a2b...", k=10) -> [{"item": ..., "score": ..., "reason": ..., "text": ...}, ...]
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.progress import NoProgress, Progress
from socialens.store import Store

CHUNK = 256


def recommend(
    store: Store,
    user: str,
    k: int = 10,
    *,
    models_dir: Path | None = None,
    model: str | None = None,
    content: str = "tfidf",
) -> list[dict[str, Any]]:
    """The ``k`` best new posts for ``user``: ``item``, ``score``, ``reason``, ``text``, best first.

    A user with no history gets popular posts and posts like their own; an id the store
    does not know is a ConfigError naming a few ids it does know.
    """
    from socialens.analyses.recommend.hybrid import HybridRecommender

    _check_user(store, user)
    _check_k(k)
    return HybridRecommender(store, models_dir=models_dir, model=model, content=content).top_k([user], k)[0]


def recommend_all(
    store: Store,
    output: str | Path,
    k: int = 10,
    *,
    models_dir: Path | None = None,
    model: str | None = None,
    content: str = "tfidf",
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Top-k for every user into a Parquet file (user, rank, item, score, reason), ``chunk`` users at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from socialens.analyses.recommend.hybrid import HybridRecommender
    from socialens.store.behaviour_queries import all_users

    _check_k(k)
    progress = progress or NoProgress()
    started = time.perf_counter()
    recommender = HybridRecommender(store, models_dir=models_dir, model=model, content=content)
    users = all_users(store)
    schema = pa.schema(
        [
            ("user", pa.string()),
            ("rank", pa.int32()),
            ("item", pa.string()),
            ("score", pa.float64()),
            ("reason", pa.string()),
        ]
    )
    progress.start("recommending", len(users))
    rows_written = 0
    with pq.ParquetWriter(str(output), schema) as writer:
        for start in range(0, len(users), max(1, chunk)):
            batch = users[start : start + chunk]
            recs = recommender.top_k(batch, k)
            rows = [
                {"user": u, "rank": r + 1, "item": rec["item"], "score": rec["score"], "reason": rec["reason"]}
                for u, user_recs in zip(batch, recs, strict=True)
                for r, rec in enumerate(user_recs)
            ]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            rows_written += len(rows)
            progress.advance(len(batch))
    seconds = time.perf_counter() - started
    return {
        "output": str(output),
        "users": len(users),
        "rows": rows_written,
        "k": k,
        "model": recommender.model_name,
        "seconds": round(seconds, 3),
        "summary": f"{rows_written:,} recommendations for {len(users):,} users in {seconds:.1f} s -> {output}",
    }


def _check_user(store: Store, user: str) -> None:
    from socialens.store.behaviour_queries import sample_users, user_known

    if not user_known(store, user):
        known = ", ".join(sample_users(store)) or "none: the store has no users yet"
        raise ConfigError(
            f"unknown user {user!r}: not an account, actor or author in {store.path}; "
            f"ids are pseudonyms (u_...), e.g. {known}"
        )


def _check_k(k: int) -> None:
    if k < 1:
        raise ConfigError(f"-k {k}: ask for at least one recommendation")
