"""Time of the store-only privacy scan (`socialens privacy scan --store S`, no identifiers given).

Two stores: the demo store (`socialens demo`: real tweets, recorded Reddit and X threads, every
analysis of the demo plan, so results tables are full too) and a 100,000-post store ingested from
the benchmark corpus (benchmarks/corpus.py: real tweets replicated and perturbed, seed 42, with
mentions and e-mail addresses for the edge to rewrite). Each scan runs in this process, `--repeat`
times; the median wall time and the CPU time are recorded with what was checked and found. The
peer is the identifier scan on the same 100k store (`privacy scan --raw corpus.jsonl --store S`):
the ids, handles and contact details of the raw file, looked for in every column.

    python -m benchmarks.speed.privacy_scan --demo demo.duckdb --posts 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import Run

DATA = Path(__file__).resolve().parents[1] / "data"


def timed(scan: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = scan()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"seconds": round(statistics.median(walls), 3), "cpu_s": round(statistics.median(cpus), 3)}, result


def corpus_store(n: int) -> tuple[Path, Path]:
    """The n-post corpus and a store ingested from it (built once, kept in benchmarks/data)."""
    from benchmarks.corpus import write_corpus
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    corpus, store = DATA / f"tweets-{n}.jsonl", DATA / f"privacy-scan-{n}.duckdb"
    if not corpus.exists():
        write_corpus(n, corpus)
    if not store.exists():
        with Store(store) as db:
            ingest([corpus], db, format="twitter-v1", pseudonymizer=Pseudonymizer(b"bench-key"))
    return corpus, store


def store_size(path: Path) -> dict[str, int]:
    """Rows of the main tables, read without the store's schema check (an older demo store scans too)."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        tables = ("posts", "users", "interactions", "analysis_results")
        return {table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in tables}  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, required=True, help="a store built by `socialens demo`")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="skip the identifier scan")
    parser.add_argument("--note", default="", help="appended to the notes of both results (what was tried)")
    args = parser.parse_args()

    from socialens.privacy.residue import scan_store_residue
    from socialens.privacy.scan import identifiers_from_raw, scan

    def run_on(store: str) -> Run:  # one result per store, so RESULTS.md shows both
        return Run(f"{__spec__.name} ({store})", area="privacy", issue=18, seed=42, split="none: whole stores timed")

    metrics, report = timed(lambda: scan_store_residue(args.demo), args.repeat)
    size = store_size(args.demo)
    run_on("demo").record(
        {**metrics, **size, "values_checked": report.values_scanned, "findings": sum(report.counts.values())},
        notes=f"demo store ({args.demo.name}); findings by kind: {dict(report.counts) or 'none'}. {args.note}".strip(),
    )
    print("demo", metrics, size, dict(report.counts))

    corpus, store = corpus_store(args.posts)
    metrics, report = timed(lambda: scan_store_residue(store), args.repeat)
    size = store_size(store)
    peers = {}
    if not args.no_peer:
        wanted = identifiers_from_raw([corpus], "twitter-v1")
        peer, found = timed(lambda: scan(wanted, store=store), 1)
        peers["identifier scan (--raw corpus)"] = {**peer, "identifiers": found.identifiers, "findings": found.matches}
    run_on(f"{args.posts:,}-post corpus").record(
        {**metrics, **size, "values_checked": report.values_scanned, "findings": sum(report.counts.values())},
        peers=peers,
        notes=f"{args.posts:,}-post corpus store (benchmarks/corpus.py, seed 42); findings by kind: "
        f"{dict(report.counts) or 'none'}; "
        + ("peer skipped (--no-peer)" if args.no_peer else "the peer ran once")
        + f". {args.note}".rstrip(". "),
    )
    print(f"corpus-{args.posts}", metrics, size, dict(report.counts), peers)


if __name__ == "__main__":
    main()
