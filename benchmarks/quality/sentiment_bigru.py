"""The from-scratch BiGRU with attention (word2vec trained here) on the reference sentiment splits.

Trains `sentiment.bigru_attention.v1` with its default settings on the training split,
early-stops on the validation split, and scores the test split, with batch-scoring
throughput at one torch thread (the setting for one worker process).

    python -m benchmarks.quality.sentiment_bigru --lang en
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.harness import Run

HERE = Path(__file__).resolve().parents[1]  # benchmarks/


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    args = parser.parse_args()
    run = Run(__spec__.name, area="sentiment", issue=3, seed=42, split="the seed-42 test split of socialens.datasets")

    import torch

    from socialens.analyses.sentiment.bigru import BiGRUSentiment
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.evaluate.metrics import classification_report

    torch.set_num_threads(1)
    split = load_sentiment_split(args.lang)
    model = BiGRUSentiment(lang=args.lang, labels=list(split.labels))
    started = time.perf_counter()
    model.fit(split.train_texts, split.train_labels, split.valid_texts, split.valid_labels)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    proba = model.predict_proba(split.test_texts)
    rate = len(split.test_texts) / (time.perf_counter() - started)
    report = classification_report(split.test_labels, proba.argmax(axis=1), proba, labels=split.labels)
    per_class = " / ".join(f"{name} {v['f1']:.3f}" for name, v in report["per_class"].items())
    line = (
        f"| {args.lang} | BiGRU + attention (`sentiment.bigru_attention.v1`) | {report['accuracy']:.3f} "
        f"| {report['macro_f1']:.3f} | {report['macro_recall']:.3f} | {per_class} | {report['ece']:.3f} "
        f"| {fit_seconds:.0f} | {rate:,.0f} |"
    )
    print(line)
    print("confusion (rows true, columns predicted):", report["confusion_matrix"])
    run.record(
        {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"], "macro_recall": report["macro_recall"],
         "ece": report["ece"], "fit_s": fit_seconds, "test_posts_per_s_1_thread": rate,
         "per_class_f1": {name: v["f1"] for name, v in report["per_class"].items()}},
        notes=f"Confusion matrix (rows true, columns predicted; {', '.join(split.labels)}): "
        f"{report['confusion_matrix']}; data hash {split.data_hash[:12]}.",
        variant=f"--lang {args.lang}",
    )  # fmt: skip


if __name__ == "__main__":
    main()
