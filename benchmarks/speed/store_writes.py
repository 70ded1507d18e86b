"""Writer cost of an ingest's commits: posts in whole row groups (the default) vs batch-sized commits.

The ingest's writer (`socialens.ingest.batch_writer.BatchWriter`) commits a batch's posts in whole
multiples of DuckDB's row group (122,880 rows) and carries the rest into the next commit. This
measures what that saves against committing each batch as it comes (the previous behaviour), on
the same real posts, in the same run, in fresh processes, alternating the two:

1. once: ingest `benchmarks/data/tweets-N.jsonl` (benchmarks/corpus.py, seed 42) and keep its
   posts as an Arrow file (`benchmarks/data/store-writes-N.arrow`);
2. per run: a new store; the posts submitted in 2,000-row chunk results, a batch as soon as it holds
   `--batch` posts (as `socialens ingest` does), through the real BatchWriter (upserts, implied
   interactions, transactions); CPU s of the process, wall s, file size, peak RSS.

    python -m benchmarks.speed.store_writes --posts 1000000 --batch 150000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import Run

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
CHUNK = 2_000  # rows per chunk result: the ingest's CHUNK_LINES

RUN = """
import json, os, resource, sys, time
import pyarrow as pa
from socialens.ingest.batch_writer import BatchWriter
from socialens.ingest.chunks import ChunkResult
from socialens.ingest.run import FileResult
from socialens.store import ROW_GROUP_ROWS, Store

arrow, store_path, batch, chunk, aligned = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
posts = pa.ipc.open_file(pa.memory_map(arrow)).read_all()
cpu, wall = time.process_time(), time.perf_counter()
with Store(store_path) as store, store.bulk_writing():
    align = ROW_GROUP_ROWS if aligned == "aligned" else 1 << 62
    with BatchWriter(store, FileResult(arrow, "arrow"), align=align) as writer:
        pending, size = [], 0
        for start in range(0, posts.num_rows, chunk):
            pending.append(ChunkResult(tables={"posts": posts.slice(start, chunk)}))
            size += min(chunk, posts.num_rows - start)
            if size >= batch:
                writer.submit(pending)
                pending, size = [], 0
        writer.submit(pending)
    counts = (store.count("posts"), store.count("interactions"))
print(json.dumps({"cpu_s": time.process_time() - cpu, "seconds": time.perf_counter() - wall, "posts": counts[0],
                  "interactions": counts[1], "file_mb": os.path.getsize(store_path) / 2**20,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def posts_arrow(n: int) -> Path:
    """The posts of an ingest of the n-post benchmark corpus, as an Arrow file (built once)."""
    target = HERE / "data" / f"store-writes-{n}.arrow"
    if target.exists():
        return target
    import pyarrow as pa

    from benchmarks.corpus import write_corpus
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    corpus = HERE / "data" / f"tweets-{n}.jsonl"
    if not corpus.exists():
        write_corpus(n, corpus)
    with tempfile.TemporaryDirectory() as tmp, Store(f"{tmp}/s.duckdb") as store:
        ingest([corpus], store, format="twitter-v1", pseudonymizer=Pseudonymizer(b"bench-key"))
        table = store.con.sql("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY rowid").to_arrow_table()
    with pa.OSFile(str(target), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table)
    return target


def run(arrow: Path, batch: int, mode: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, tempfile.NamedTemporaryFile("w", suffix=".py", dir=tmp) as script:
        script.write(RUN)
        script.flush()
        args = [sys.executable, script.name, str(arrow), f"{tmp}/s.duckdb", str(batch), str(CHUNK), mode]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=150_000, help="posts per batch (socialens ingest's default)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run = Run(__spec__.name, area="ingest", issue=2)
    arrow = posts_arrow(args.posts)
    load = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {"aligned": [], "batch-sized": []}
    for _ in range(args.repeat):
        for mode in runs:
            runs[mode].append(run(arrow, args.batch, mode))
            print(mode, json.dumps(runs[mode][-1]), file=sys.stderr)
    table = render(runs, args, load)
    print(table)
    run.record_table(table)


def render(runs: dict[str, list[dict[str, float]]], args: argparse.Namespace, load: float) -> str:
    from benchmarks.machine import describe

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    lines = [
        f"\n### Ingest writer: posts in whole row groups vs batch-sized commits, {datetime.now(UTC):%Y-%m-%d %H:%M} "
        f"UTC (`benchmarks/speed/store_writes.py --posts {args.posts} --batch {args.batch} --repeat {args.repeat}`)\n",
        f"Machine: {describe('duckdb')}; load average {load:.1f} at the start; medians of {args.repeat} "
        "alternating runs, each in a fresh process.\n",
        "| commits | writer CPU us/post | wall s | store file MB | peak RSS MB | posts | interactions |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in runs:
        lines.append(
            f"| {mode} | {median(mode, 'cpu_s') / args.posts * 1e6:.2f} | {median(mode, 'seconds'):.1f} | "
            f"{median(mode, 'file_mb'):.0f} | {median(mode, 'rss_mb'):.0f} | {int(median(mode, 'posts')):,} | "
            f"{int(median(mode, 'interactions')):,} |"
        )
    ratio = median("batch-sized", "cpu_s") / median("aligned", "cpu_s")
    lines.append(f"\nBatch-sized commits cost {ratio:.2f}x the CPU of whole-row-group commits.\n")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
