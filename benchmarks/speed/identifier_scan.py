"""Time of the identifier scan (`socialens privacy scan --raw corpus.jsonl --store S`).

The corpus is benchmarks/corpus.py's (real tweets replicated and perturbed, seed 42) at
``--posts``; two stores are ingested from it: a pseudonymised one (what a user shares: the scan
should find nothing) and one built with raw identifiers kept (``--keep-identifiers``: the scan
finds them everywhere, so the time of naming findings counts too). The identifiers are read from
the corpus by the importers, as the command does (that read is timed apart). Each scan runs once.
Run it with another checkout's ``src`` first on ``PYTHONPATH`` to time an older scan on the same
stores (``--note``: which code ran).

    python -m benchmarks.speed.identifier_scan --posts 20000 --note "after"
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.harness import Run
from benchmarks.speed.privacy_scan import DATA, store_size


def build(n: int, keep: bool) -> tuple[Path, Path]:
    from benchmarks.corpus import write_corpus
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    corpus = DATA / f"tweets-{n}.jsonl"
    store = DATA / f"identifier-scan-{n}-{'raw' if keep else 'pseudo'}.duckdb"
    DATA.mkdir(exist_ok=True)
    if not corpus.exists():
        write_corpus(n, corpus)
    if not store.exists():
        with Store(store) as db:
            ingest([corpus], db, format="twitter-v1", pseudonymizer=Pseudonymizer(b"bench-key", keep_identifiers=keep))
    return corpus, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--note", default="", help="which code ran (before/after)")
    args = parser.parse_args()

    from socialens.privacy.scan import identifiers_from_raw, scan

    for keep in (False, True):
        corpus, store = build(args.posts, keep)
        run = Run(
            f"{__spec__.name} ({args.posts:,}-post corpus, {'raw identifiers kept' if keep else 'pseudonymised'})",
            area="privacy",
            issue=18,
            seed=42,
            split="none: whole stores timed",
        )
        start = time.perf_counter()
        wanted = identifiers_from_raw([corpus], "twitter-v1")
        read_s = time.perf_counter() - start
        wall, cpu = time.perf_counter(), time.process_time()
        report = scan(wanted, store=store)
        metrics = {
            "seconds": round(time.perf_counter() - wall, 3),
            "cpu_s": round(time.process_time() - cpu, 3),
            "read_identifiers_s": round(read_s, 3),
            "identifiers": report.identifiers,
            "matches": report.matches,
            **store_size(store),
            "store_mb": round(store.stat().st_size / 2**20, 1),
        }
        run.record(metrics, notes=f"scan of the store and its rejects, once. {args.note}".strip())
        print(run.benchmark, metrics)


if __name__ == "__main__":
    main()
