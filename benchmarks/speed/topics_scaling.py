"""Topic discovery at 100k and 1M posts: fit on a 20k sample, assign the rest in batches.

The corpora are the real ``dslabs/trump_tweets`` expanded by ``benchmarks/corpus.py`` (X v1.1
JSONL, reused from ``benchmarks/data/`` when already there). Each size runs in its own
process, which reports its own peak resident memory; the corpus is streamed twice (a seeded
reservoir sample to fit on, then batches of 10,000 to assign) and never held in memory.
The embedder is the TF-IDF + SVD stage: MiniLM at 1M posts would take hours on 2 cores.

    .venv/bin/python -m benchmarks.speed.topics_scaling 100000 1000000
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson

from benchmarks.harness import child_env, module_command, recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
SAMPLE = 20_000
BATCH = 10_000


def corpus(n: int) -> Path:
    path = HERE / "data" / f"tweets-{n}.jsonl"
    if not path.exists():
        from benchmarks.corpus import write_corpus

        write_corpus(n, path)
    return path


def iter_texts(path: Path) -> Iterator[str]:
    with open(path, "rb") as lines:
        for line in lines:
            yield str(orjson.loads(line).get("text") or "")


def reservoir(path: Path, k: int, seed: int = 42) -> list[str]:
    rng = random.Random(seed)
    sample: list[str] = []
    for i, text in enumerate(iter_texts(path)):
        if i < k:
            sample.append(text)
        elif (j := rng.randrange(i + 1)) < k:
            sample[j] = text
    return sample


def run_one(n: int) -> None:
    from socialens.analyses.topics.clusterers import HDBSCANClusterer
    from socialens.analyses.topics.embedders import TfidfSvdEmbedder
    from socialens.analyses.topics.model import Topics
    from socialens.analyses.topics.reducers import PCAReducer

    path = corpus(n)
    start = time.perf_counter()
    model = Topics(
        embedder=TfidfSvdEmbedder(), reducer=PCAReducer(n_components=5), clusterer=HDBSCANClusterer(min_cluster_size=40)
    )
    model.fit(reservoir(path, SAMPLE))
    fitted = time.perf_counter() - start
    counts: Counter[int] = Counter()
    batch: list[str] = []
    for text in iter_texts(path):
        batch.append(text)
        if len(batch) == BATCH:
            counts.update(model.transform(batch)[0].tolist())
            batch = []
    counts.update(model.transform(batch)[0].tolist())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    print(
        orjson.dumps(
            {
                "n": n,
                "assigned": sum(counts.values()),
                "topics": len(model.topics_),
                "fit_s": fitted,
                "total_s": seconds,
                "peak_gib": peak,
            }
        ).decode()
    )


def main(sizes: list[int]) -> None:
    from benchmarks.machine import describe

    print(f"Machine: {describe('scikit-learn', 'hdbscan')}")
    print("| posts | topics | fit on 20k sample (s) | total (s) | s per 100k posts | peak memory (GiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        done = subprocess.run(
            module_command(__spec__.name, "--one", str(n)), capture_output=True, text=True, check=True, env=child_env()
        )
        r = orjson.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {r['n']:,} | {r['topics']} | {r['fit_s']:.0f} | {r['total_s']:.0f} "
            f"| {100_000 * r['total_s'] / r['n']:.1f} | {r['peak_gib']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    with recording(__spec__.name, "topics", 4, worker_flag="--one"):
        if sys.argv[1] == "--one":
            run_one(int(sys.argv[2]))
        else:
            main([int(a) for a in sys.argv[1:]])
