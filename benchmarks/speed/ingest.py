"""Ingest throughput and peak memory: socialens (all edge processing) vs bare DuckDB read_json.

Builds JSONL corpora of X/Twitter v1.1 statuses from the real `dslabs/trump_tweets`
(benchmarks/corpus.py, seed 42), then for each size runs, in fresh processes:
- socialens: `ingest` with format twitter-v1: parse, map, normalise, scrub, extract, language
  id, HMAC pseudonymisation, derived interactions, transactional upserts into DuckDB;
- baseline: `CREATE TABLE t AS SELECT * FROM read_json(file)` in DuckDB, nothing else.
Peak RSS is each process's own maximum (socialens: the main process and its largest worker);
CPU us/post is the CPU time of all socialens processes per post (less sensitive than posts/s
to other work on a shared machine); load avg is the 1-minute load when the run started.

    python -m benchmarks.speed.ingest --sizes 250000 1000000 [--workers 2] [--edge python] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # benchmarks/

SOCIALENS = """
import glob, json, os, resource, sys, threading, time
from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.store import Store

def sample_tree(peak, cpu):
    # Worker processes are forked by a fork server, so RUSAGE_CHILDREN does not see them:
    # sample the process tree instead (VmHWM is each process's own peak; utime+stime from
    # /proc/<pid>/stat is its CPU time, kept at its last value after it exits).
    me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
    while True:
        parents, times = {}, {}
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = open(stat).read().rsplit(")", 1)[1].split()
                pid = int(stat.split("/")[2])
                parents[pid] = int(fields[1])
                times[pid] = (int(fields[11]) + int(fields[12])) / tick
            except (OSError, ValueError, IndexError):
                pass
        tree, frontier = set(), {me}
        while frontier:
            frontier = {p for p, pp in parents.items() if pp in frontier and p not in tree}
            tree |= frontier
        for pid in tree:
            cpu[pid] = max(cpu.get(pid, 0.0), times.get(pid, 0.0))
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmHWM"):
                        peak[pid] = max(peak.get(pid, 0), int(line.split()[1]) / 1024)
            except OSError:
                pass
        cpu["sampler"] = time.thread_time()
        time.sleep(0.2)

if __name__ == "__main__":
    path, store_path, workers, columnar = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "columnar"
    peak, cpu = {}, {}
    threading.Thread(target=sample_tree, args=(peak, cpu), daemon=True).start()
    started, cpu_started = time.perf_counter(), time.process_time()
    with Store(store_path) as store:
        summary = ingest([path], store, format="twitter-v1", pseudonymizer=Pseudonymizer(b"bench-key"), workers=workers,
                         columnar=columnar)
        posts = store.count("posts")
    seconds = time.perf_counter() - started
    time.sleep(0.5)  # one more sample of the exited workers' last CPU time
    main_cpu = time.process_time() - cpu_started - cpu.pop("sampler", 0.0)
    print(json.dumps({"seconds": seconds, "posts": posts, "rejected": summary.rejected,
                      "cpu_s": main_cpu + sum(cpu.values()),
                      "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rss_worker_mb": max(peak.values(), default=0.0)}))
"""

BASELINE = """
import json, resource, sys, time
import duckdb
path, store_path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
con = duckdb.connect(store_path)
con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited')", [path])
posts = con.execute("SELECT count(*) FROM t").fetchone()[0]
con.close()
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "posts": posts,
                  "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(code)  # a real file: worker processes re-import the main module
    try:
        done = subprocess.run([sys.executable, script.name, *args], capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    from benchmarks.machine import describe

    return describe("duckdb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=None, help="socialens worker processes (default: one per core)")
    parser.add_argument(
        "--edge",
        choices=["columnar", "python"],
        default="columnar",
        help="columnar: DuckDB edge processing where the format allows (the default); python: per record",
    )
    args = parser.parse_args()
    from benchmarks.corpus import write_corpus
    from benchmarks.harness import Run

    run = Run(__spec__.name, area="ingest", issue=2, seed=42, split="corpus.py real tweets (seed 42), no held-out part",
              packages=("duckdb",))  # fmt: skip

    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    rows = []
    for size in args.sizes:
        corpus = HERE / "data" / f"tweets-{size}.jsonl"
        if not corpus.exists():
            print(f"building {corpus} ...", file=sys.stderr)
            write_corpus(size, corpus)
        load = os.getloadavg()[0]  # other work on the machine: wall-clock rates are only as good as this
        with tempfile.TemporaryDirectory() as tmp:
            ours = _run(SOCIALENS, str(corpus), f"{tmp}/socialens.duckdb", str(workers), args.edge)
            base = _run(BASELINE, str(corpus), f"{tmp}/baseline.duckdb")
        assert ours["posts"] == size and base["posts"] == size, (ours, base)
        row = {
            "size": size,
            "mb": corpus.stat().st_size / 2**20,
            "ours_rate": size / ours["seconds"],
            "base_rate": size / base["seconds"],
            "ours": ours,
            "base": base,
            "load": load,
        }
        rows.append(row)
        print(json.dumps(row))
        run.record(
            {"posts": size, "posts_per_s": row["ours_rate"], "seconds": ours["seconds"],
             "peak_rss_main_mb": ours["rss_main_mb"], "peak_rss_worker_mb": ours["rss_worker_mb"],
             "cpu_us_per_post": ours["cpu_s"] / size * 1e6},
            peers={"DuckDB read_json": {"posts": size, "posts_per_s": row["base_rate"], "seconds": base["seconds"],
                                        "peak_rss_main_mb": base["rss_main_mb"]}},
            floor={"text": "30,000 posts/s end to end on 2 cores", "met": row["ours_rate"] >= 30_000},
            notes=f"{workers} workers, {args.edge} edge.",
            variant=f"{size:,} posts, {args.edge} edge",
        )  # fmt: skip
    print(render(rows, workers, args.edge))


def render(rows: list[dict], workers: int, edge: str) -> str:
    lines = [
        f"\n### Ingest, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`benchmarks/speed/ingest.py --edge {edge}`, {workers} workers)\n",
        f"Machine: {machine()}\n",
        "| posts | file MB | socialens posts/s | DuckDB read_json posts/s | ratio | socialens s | read_json s "
        "| socialens peak RSS MB (main / worker) | read_json peak RSS MB | socialens CPU us/post | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['mb']:.0f} | {r['ours_rate']:,.0f} | {r['base_rate']:,.0f} | "
            f"{r['ours_rate'] / r['base_rate']:.2f} | {r['ours']['seconds']:.1f} | {r['base']['seconds']:.1f} | "
            f"{r['ours']['rss_main_mb']:.0f} / {r['ours']['rss_worker_mb']:.0f} | {r['base']['rss_main_mb']:.0f} | "
            f"{r['ours']['cpu_s'] / r['size'] * 1e6:.0f} | {r['load']:.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
