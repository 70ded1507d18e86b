"""Click-through prediction on MovieLens-100K (issue 5): DeepFM and DCN-v2 against logistic regression.

Data and split: `socialens.datasets.ctr_features` (rating >= 4 is a click; per-user time split
80/10/10, fixed). Every model sees the same fields; logistic regression one-hot encodes them
(and, as a second baseline, adds user x genre and item x audience crosses). Each model runs in
its own process (all at once), so peak memory (max RSS) is its own; torch and BLAS use one
thread each. Neural
models early-stop on validation AUC; C of each logistic regression is picked on validation.

    python benchmarks/bench_ctr.py            # all models, markdown on stdout
    python benchmarks/bench_ctr.py --model deepfm   # one model, JSON (what the parent runs)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
# (row name, workflow model, settings); each grid is scored on validation, the best is reported.
# {} is the component's defaults (embed_dim 32, MLP 256-128, dropout 0.3, lr 2e-3, up to 12 epochs).
MODELS: list[tuple[str, str, list[dict[str, Any]]]] = [
    ("logistic regression (one-hot)", "logistic", [{"C": c} for c in (0.3, 1.0, 3.0)]),
    ("logistic regression + crosses", "logistic-crossed", [{"C": c} for c in (0.1, 0.3)]),
    ("DeepFM", "deepfm", [{}, {"embed_dim": 16, "dropout": 0.2, "lr": 3e-3, "epochs": 10}]),
    ("DCN-v2", "dcnv2", [{}, {"embed_dim": 16, "dropout": 0.2, "lr": 3e-3, "epochs": 10}]),
]


def run_one(model: str) -> dict[str, Any]:
    import torch

    from socialens.analyses.ctr.workflow import fit_and_score, make_model
    from socialens.datasets.ctr_features import load_ctr_split

    torch.set_num_threads(1)
    split = load_ctr_split()
    grid = next(settings for _, name, settings in MODELS if name == model)
    tried = []
    for settings in grid:
        started = time.perf_counter()
        metrics = fit_and_score(make_model(model, settings), split)
        tried.append({"settings": settings, "train_s": time.perf_counter() - started, **metrics})
    best = max(tried, key=lambda r: r["valid_auc"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"best": best, "tried": tried, "peak_mb": peak, "data_hash": split.data_hash, "sizes": split.sizes()}


def render(results: list[tuple[str, dict[str, Any]]]) -> str:
    sys.path.insert(0, str(HERE))
    from machine import describe

    baseline = results[0][1]["best"]
    first = results[0][1]
    lines = [
        "",
        f"### Issue 5, click-through prediction, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`benchmarks/bench_ctr.py`)",
        "",
        f"Machine: {describe('torch', 'scikit-learn')}; torch and BLAS 1 thread.",
        "",
        f"MovieLens-100K, rating >= 4 = click; per-user time split {first['sizes'][0]:,} / {first['sizes'][1]:,} / "
        f"{first['sizes'][2]:,} (data hash {first['data_hash']}); test click rate "
        f"{baseline['click_rate_test']:.3f}. Fields: user, item, age bucket, gender, occupation, hour, weekday, "
        "19 genre flags. Settings picked on validation AUC; test scored once.",
        "",
        "| model | settings | valid AUC | test AUC | test AUC - LR | test log loss | epochs | train s | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results:
        b = r["best"]
        epochs = f"{b['best_epoch']}/{b['epochs_run']}" if "epochs_run" in b else ""
        lines.append(
            f"| {name} | {json.dumps(b['settings'])} | {b['valid_auc']:.4f} | {b['test_auc']:.4f} "
            f"| {b['test_auc'] - baseline['test_auc']:+.4f} | {b['test_log_loss']:.4f} | {epochs} "
            f"| {b['train_s']:.0f} | {r['peak_mb']:.0f} |"
        )
    lines.append("")
    lines.append("Floor: beat one-hot logistic regression by >= 0.02 test AUC. Epochs: best / run.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="run one model and print its JSON")
    args = parser.parse_args()
    if args.model:
        print(json.dumps(run_one(args.model)))
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    running = [
        (
            name,
            subprocess.Popen([sys.executable, __file__, "--model", model], stdout=subprocess.PIPE, text=True, env=env),
        )
        for name, model, _ in MODELS
    ]
    results = []
    for name, process in running:
        out, _ = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"{name} failed (exit {process.returncode})")
        results.append((name, json.loads(out.strip().splitlines()[-1])))
    print(render(results))


if __name__ == "__main__":
    main()
