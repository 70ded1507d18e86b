"""The from-scratch BiGRU with attention (word2vec trained here) on the reference sentiment splits.

Trains `sentiment.bigru_attention.v1` with its default settings on the training split,
early-stops on the validation split, and scores the test split, with batch-scoring
throughput at one torch thread (the setting for one worker process).

    python -m benchmarks.quality.sentiment_bigru --lang en [--write]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # benchmarks/


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

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
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write(
                f"\n### Issue 3, BiGRU sentiment, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
                f"(`benchmarks/quality/sentiment_bigru.py --lang {args.lang}`; data hash {split.data_hash[:12]})\n\n"
                "| lang | model | accuracy | macro-F1 | macro-recall | per-class F1 | ECE | fit s "
                "| test posts/s (1 thread) |\n"
                "|---|---|---:|---:|---:|---|---:|---:|---:|\n" + line + "\n"
                f"\nConfusion matrix (rows true, columns predicted; {', '.join(split.labels)}): "
                f"{report['confusion_matrix']}\n"
            )


if __name__ == "__main__":
    main()
