"""Where the columnar ingest path's time goes, per post, stage by stage (one process, no store).

Runs ``socialens.ingest.columnar.process_lines_columnar`` over the first N statuses of the
benchmark corpus (benchmarks/corpus.py) in the chunks an ingest makes (``line_blocks.line_blocks``),
with every stage wrapped in a CPU-time counter, and the Python path (``chunks.process_lines``)
on the same lines for comparison. CPU time of this process, so other work on a shared machine
inflates it less than wall time. Each path gets a fresh pseudonymisation key, so neither
profits from the other's caches; a first chunk warms both up (regex classes, fastText) and is
not counted. ``--steady`` warms up with the measuring key, so that pseudonyms and languages
are found in the caches as far into a long ingest.

    python -m benchmarks.speed.columnar_stages [--lines 100000] [--steady]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socialens.ingest.columnar as columnar
from benchmarks.harness import recording
from socialens.ingest.chunks import process_lines
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.line_blocks import as_pairs, line_blocks
from socialens.ingest.readers import Source
from socialens.ingest.twitter_v1 import TwitterV1Importer
from socialens.privacy import Pseudonymizer
from socialens.store import columnar_queries

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
SPENT: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - started

    return wrapper


def instrument() -> None:
    sql_names = {
        columnar_queries.parse_sql(): "SQL: parse, validate, map",
        columnar_queries.text_sql("raw_text"): "SQL: normalise, scrub e-mail",
        columnar_queries.text_sql("description"): "SQL: normalise, scrub e-mail",
        columnar_queries.entities_sql(): "SQL: URLs, hashtags, emoji, language keys",
        columnar_queries.DEDUPE_USERS_SQL: "SQL: users per block (within the line above)",
        columnar_queries.MAPPED_ROWS_SQL: "SQL: mapped rows to Arrow",
        columnar_queries.DECLINED_ROWS_SQL: "SQL: mapped rows to Arrow",
    }
    for attr in ("run", "fetch"):
        original = getattr(columnar_queries, attr)

        def by_statement(con: Any, sql: str, _original: Any = original, **tables: Any) -> Any:
            return timed(sql_names.get(sql, "SQL: other"), _original)(con, sql, **tables)

        setattr(columnar_queries, attr, by_statement)
    for attr, name in (
        ("_python_rows", "Python path for declined rows"),
        ("_fix_texts", "Python: texts SQL flagged"),
        ("_languages", "Python: language id (distinct keys)"),
        ("_users", "Python: users (HMAC distinct ids, handles)"),
        ("_blocks", "merge, order, split into blocks (incl. SQL: users per block)"),
    ):
        setattr(columnar, attr, timed(name, getattr(columnar, attr)))
    posts = columnar._posts

    def posts_without_languages(*args: Any) -> Any:
        before = SPENT["Python: language id (distinct keys)"]
        started = time.process_time()
        out = posts(*args)
        inner = SPENT["Python: language id (distinct keys)"] - before
        SPENT["Python: mentions, flagged URLs/tags, Arrow"] += time.process_time() - started - inner
        return out

    columnar._posts = posts_without_languages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--corpus", default=str(HERE / "data" / "tweets-250000.jsonl"))
    parser.add_argument(
        "--steady",
        action="store_true",
        help="warm up with the measuring key: caches (pseudonyms, languages) as in a long ingest",
    )
    args = parser.parse_args()
    importer = TwitterV1Importer()
    chunks = []
    for chunk in line_blocks(Source(Path(args.corpus)), columnar.COLUMNAR_CHUNK_LINES):
        chunks.append(chunk)
        if sum(map(len, chunks)) >= args.lines + columnar.COLUMNAR_CHUNK_LINES:
            break
    warm, chunks = chunks[0], chunks[1:]
    n = sum(map(len, chunks))
    edge = EdgeProcessor(Pseudonymizer(b"columnar"))
    python_edge = EdgeProcessor(Pseudonymizer(b"python"))
    columnar.process_lines_columnar(importer, edge if args.steady else EdgeProcessor(Pseudonymizer(b"warm")), "c", warm)
    if args.steady:
        process_lines(importer, python_edge, "corpus", as_pairs(warm))
    instrument()
    started = time.process_time()
    for chunk in chunks:
        columnar.process_lines_columnar(importer, edge, "corpus", chunk)
    total = time.process_time() - started
    pairs = [as_pairs(chunk) for chunk in chunks]
    started = time.process_time()
    for chunk in pairs:
        for i in range(0, len(chunk), 2000):
            process_lines(importer, python_edge, "corpus", chunk[i : i + 2000])
    python = time.process_time() - started
    print(f"\n{n:,} statuses of {Path(args.corpus).name}, chunks of {columnar.COLUMNAR_CHUNK_LINES:,} lines\n")
    print("| stage | us per post |\n|---|---:|")
    for name, seconds in SPENT.items():
        print(f"| {name} | {seconds / n * 1e6:.1f} |")
    print(f"| **columnar worker path (process_lines_columnar)** | **{total / n * 1e6:.1f}** |")
    print(f"| Python worker path (process_lines), same lines | {python / n * 1e6:.1f} |")


if __name__ == "__main__":
    with recording(__spec__.name, "ingest", 2):
        main()
