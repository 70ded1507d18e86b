"""The store the serve benchmark loads: a corpus of real tweets ingested, sentiment, topics and trends
computed through the product's own ingest and task runner, kept in a folder for later runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} {message}", file=sys.stderr, flush=True)


def build_or_reuse(folder: Path, posts: int, engine: str | None = None) -> dict[str, Any]:
    """The built store in ``folder``, built there first when it holds none for ``posts`` posts.

    A finished build leaves ``built.json`` beside the store; a folder without one is built afresh.
    """
    described = folder / "built.json"
    if described.exists():
        built = json.loads(described.read_text())
        if built["posts_asked"] == posts:
            log(f"reusing the store in {folder} ({built['posts']:,} posts, built in {built['timings']})")
            return built | {"store": Path(built["store"]), "models": Path(built["models"])}
    for stale in (folder / "bench.duckdb", folder / "bench.duckdb.wal"):
        stale.unlink(missing_ok=True)
    built = build(folder, posts, engine)
    described.write_text(json.dumps(built | {"store": str(built["store"]), "models": str(built["models"]),
                                             "posts_asked": posts}))  # fmt: skip
    return built


def build(folder: Path, posts: int, engine: str | None = None) -> dict[str, Any]:
    from benchmarks.corpus import write_corpus
    from socialens.analyses.sentiment.workflow import train_sentiment
    from socialens.ingest.run import ingest
    from socialens.pipeline.run import run_tasks
    from socialens.privacy import Pseudonymizer, load_or_create_key
    from socialens.serve.auth import create_token
    from socialens.store import Store

    timings: dict[str, float] = {}
    started = time.perf_counter()
    log(f"writing a corpus of {posts:,} posts")
    source = write_corpus(posts, folder / "tweets.jsonl")
    timings["corpus_s"] = time.perf_counter() - started
    log(f"corpus written in {timings['corpus_s']:.1f} s")
    models = folder / "models"
    train_sentiment("en", "vader", registry_root=models)
    with Store(folder / "bench.duckdb") as store:
        started = time.perf_counter()
        ingest([source], store, pseudonymizer=Pseudonymizer(load_or_create_key()))
        timings["ingest_s"] = time.perf_counter() - started
        log(f"ingested in {timings['ingest_s']:.1f} s")
        for task in ("sentiment", "topics", "trends"):
            started = time.perf_counter()
            run_tasks(store, [task], models_dir=models, engine=engine)
            timings[f"{task}_s"] = time.perf_counter() - started
            log(f"{task} computed in {timings[f'{task}_s']:.1f} s")
        author = store.one("SELECT author FROM posts GROUP BY author ORDER BY count(*) DESC LIMIT 1")
        since = store.one("SELECT quantile_disc(created_at, 0.5) FROM posts")
        token = create_token(store, "read", "bench")
        writer = create_token(store, "write", "bench-writer")
        stored = store.count("posts")
    source.unlink()
    assert author is not None and since is not None
    return {
        "store": folder / "bench.duckdb",
        "models": models,
        "posts": stored,
        "author": author[0],
        "since": str(since[0])[:10],
        "token": token,
        "writer": writer,
        "timings": {k: round(v, 1) for k, v in timings.items()},
    }
