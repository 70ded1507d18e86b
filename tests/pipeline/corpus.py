"""A small ingested corpus (through the real edge, so authors are pseudonyms) for pipeline tests."""

from __future__ import annotations

from pathlib import Path

import orjson

from socialens.store import Store
from tests.conftest import run_ingest

POSTS = [
    ("1", "ann", "2024-01-05T10:00:00Z", "Climate talks in Paris, a wonderful agreement #cop28", "en"),
    ("2", "ann", "2024-02-01T10:00:00Z", "The paris agreement is awful for oil companies", "en"),
    ("3", "bob", "2024-02-03T10:00:00Z", "@ann oil prices rise again, I hate this", "en"),
    ("4", "bob", "2023-12-24T10:00:00Z", "Merry christmas everyone, happy holidays", "en"),
    ("5", "cy", "2024-02-10T10:00:00Z", "气候变化 会议 在 巴黎", "zh"),
    ("6", "cy", "2024-02-11T10:00:00Z", "@bob thanks, great point about the climate", "en"),
]
MAPPING = {"id": "id", "author": "author", "created_at": "created_at", "text": "text", "lang": "lang"}


def ingest_corpus(store: Store, folder: Path) -> Store:
    path = folder / "posts.jsonl"
    with open(path, "wb") as out:
        for post_id, author, created, text, lang in POSTS:
            record = {"id": post_id, "author": author, "created_at": created, "text": text, "lang": lang}
            out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
    summary = run_ingest(
        store, path, format="jsonl", importer_settings={"record": "post", "mapping": MAPPING, "platform": "twitter"}
    )
    assert summary.rejected == 0
    return store
