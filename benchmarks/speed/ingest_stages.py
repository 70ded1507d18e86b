"""Where an ingest's time goes, per post, stage by stage (single process, no store).

Runs each edge-processing stage alone over the same 20,000 statuses of the benchmark
corpus (benchmarks/corpus.py) and reports microseconds per post, so the cost of every
step is visible next to the whole worker path. Times are CPU time of this process (the
machine is shared, so wall time would measure the neighbours too).

    python -m benchmarks.speed.ingest_stages
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import Run
from socialens.ingest.chunks import line_chunks, process_lines
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.readers import Source
from socialens.ingest.twitter_v1 import TwitterV1Importer
from socialens.privacy import Pseudonymizer
from socialens.schema import Post, User, check_record
from socialens.store.arrow import records_to_table
from socialens.text.extract import extract_emoji, extract_hashtags, extract_mentions, extract_urls, strip_urls
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text
from socialens.text.scrub import scrub_contacts

HERE = Path(__file__).resolve().parents[1]  # benchmarks/


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.parse_args()
    run = Run(__spec__.name, area="ingest", issue=2)
    corpus = HERE / "data" / "tweets-100000.jsonl"
    if not corpus.exists():
        from benchmarks.corpus import write_corpus

        write_corpus(100_000, corpus)
    importer, pseudo = TwitterV1Importer(), Pseudonymizer(b"bench-key")
    chunks = [c for _, c in zip(range(10), line_chunks(Source(corpus)), strict=False)]
    lines = [line for chunk in chunks for line in chunk]
    n = len(lines)
    rows: list[tuple[str, float]] = []

    def stage(name: str, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        started = time.process_time()
        out = [fn(x) for x in items]
        rows.append((name, (time.process_time() - started) / n * 1e6))
        return out

    import orjson

    raw = stage("JSON decode (orjson)", lambda item: orjson.loads(item[1]), lines)
    mapped = stage("map_item (twitter-v1)", importer.map_item, raw)
    stage("check_record", lambda records: [check_record(r) for r in records], mapped)
    posts = [r for records in mapped for r in records if isinstance(r, Post)]
    users = [r for records in mapped for r in records if isinstance(r, User)]
    texts = stage("normalize_text", normalize_text, [p.text for p in posts])
    texts = stage("scrub_contacts", scrub_contacts, texts)
    stage("extract_urls", extract_urls, texts)
    bare = stage("strip_urls", strip_urls, texts)
    stage("extract_hashtags", extract_hashtags, bare)
    stage("extract_mentions", extract_mentions, bare)
    stage("extract_emoji", extract_emoji, texts)
    stage("detect_language", detect_language, bare)
    stage("pseudonymise mentions in text", lambda t: pseudo.mentions_in_text("twitter", t), texts)
    edge = EdgeProcessor(pseudo)
    stage("EdgeProcessor.user (HMAC id + handle)", lambda u: edge.user(copy.copy(u)), users)
    processed = stage("EdgeProcessor.post (all of the above)", edge.post, posts)
    records_to_table(Post, processed[:10])  # pyarrow's first conversion pays for its set-up
    started = time.process_time()
    records_to_table(Post, processed)
    records_to_table(User, users)
    rows.append(("records_to_table (posts + users)", (time.process_time() - started) / n * 1e6))
    started = time.process_time()
    fresh = EdgeProcessor(Pseudonymizer(b"bench-key"))  # cold caches, as a worker starts
    for chunk in chunks:
        process_lines(importer, fresh, str(corpus), chunk)
    rows.append(("whole worker path (process_lines)", (time.process_time() - started) / n * 1e6))
    table = "\n".join(
        [
            f"\n### Ingest worker stages, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`benchmarks/speed/ingest_stages.py`, "
            f"{n:,} statuses)\n",
            "| stage | us per post |",
            "|---|---:|",
            *(f"| {name} | {us:.1f} |" for name, us in rows),
        ]
    )
    print(table)
    run.record_table(table + "\n")


if __name__ == "__main__":
    main()
