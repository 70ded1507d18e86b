"""The shipped sentiment models against their baselines, in one run: test metrics on the reference
split, speed on one thread, and (English) the cross-domain clothing reviews.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.quality.shipped_sentiment --lang en

Speed is posts per CPU-second of this process (``time.process_time``) on one torch/BLAS thread:
on a shared machine wall-clock rates measure the other users' load, not the model. The wall rate
is printed beside it. The printed table is recorded by the harness (benchmarks/results/sentiment.jsonl).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from benchmarks.harness import recording
from benchmarks.machine import describe


def speed(model: Any, texts: list[str], repeats: int = 3) -> tuple[float, float]:
    model.predict_proba(texts[:200])  # warm: lazy imports, caches
    best_cpu = best_wall = 0.0
    for _ in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        model.predict_proba(texts)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        best_cpu, best_wall = max(best_cpu, len(texts) / cpu), max(best_wall, len(texts) / wall)
    return best_cpu, best_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from socialens.analyses.sentiment.baselines import VaderSentiment
    from socialens.analyses.sentiment.workflow import score_reference
    from socialens.datasets.reviews import clothing_reviews, cross_domain_accuracy
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.training.shipped import find_shipped
    from socialens.training.verify import load_component

    card = find_shipped(f"sentiment-{args.lang}")
    if card is None:
        raise SystemExit("no shipped sentiment model: pip install -e models (or set SOCIALENS_SHIPPED_MODELS)")
    shipped = load_component(card)
    split = load_sentiment_split(args.lang)
    rows: list[tuple[str, Any, ...]] = []
    models = [(f"shipped `{card.name}` v{card.version} ({card.architecture})", shipped)]
    for i, member in enumerate(getattr(shipped, "members_", [])):  # the blend's members on their own
        models.append((f"member {i}: {member.registry_name} (same training split)", member))
    if args.lang == "en":
        models.append(("VADER (compound ±0.05)", VaderSentiment()))
    reviews = clothing_reviews() if args.lang == "en" else None
    for name, model in models:
        metrics = score_reference(model, card)
        cpu, wall = speed(model, split.test_texts)
        cross = cross_domain_accuracy(model, reviews, split.labels) if reviews is not None else None
        if isinstance(model, VaderSentiment) and reviews is not None:  # VADER's rule, not its argmax
            said = model.predict(reviews.texts)
            cross = sum(int(p == 2) == y for p, y in zip(said, reviews.labels, strict=True)) / len(said)
        rows.append((name, metrics["accuracy"], metrics["macro_f1"], metrics["ece"], cpu, wall, cross))
    load = os.getloadavg()
    print(f"Machine: {describe('torch', 'scikit-learn')}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")
    print(f"Test split: {split.procedure} Seed 42; {len(split.test_texts):,} test texts.")
    if reviews is not None:
        print(f"Cross-domain: {reviews.procedure}")
    print()
    columns = ["model", "test accuracy", "test macro-F1", "ECE", "posts per CPU-s (1 thread)", "posts/s wall"]
    print("| " + " | ".join([*columns, "reviews accuracy"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, acc, f1, ece, cpu, wall, cross in rows:
        shown = f"{cross:.4f}" if cross is not None else "-"
        print(f"| {name} | {acc:.4f} | {f1:.4f} | {ece:.3f} | {cpu:,.0f} | {wall:,.0f} | {shown} |")


if __name__ == "__main__":
    with recording(__spec__.name, "sentiment", 20, seed=42):
        main()
