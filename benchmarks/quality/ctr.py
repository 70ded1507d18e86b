"""Click-through prediction on MovieLens-100K (issue 5): DIN, DeepFM and DCN-v2 against logistic regression.

Data and split: `socialens.datasets.ctr_features` (rating >= 4 is a click; per-user time split
80/10/10, fixed) plus the behaviour history of `socialens.analyses.ctr.history` (statistic
fields from strictly earlier ratings and the last 50 earlier items with their ratings).
Every model row below the first sees that same input: the networks embed it, logistic
regression one-hot encodes the fields and statistic buckets and multi-hot encodes the earlier
items (one block per rating, weight picked on validation; 0 = left out). The first row is the
reference: logistic regression on the fields without history. Each model runs in its own
process (two at a time), so peak memory (max RSS) is its own; torch and BLAS use one thread.
Neural models early-stop on validation AUC; every grid is scored on validation, test once.

    python -m benchmarks.quality.ctr                  # all models, markdown on stdout
    python -m benchmarks.quality.ctr --model din      # one model, JSON (what the parent runs)
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

from benchmarks.harness import child_env, module_command, recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
DIN_GRID: list[dict[str, Any]] = [{}, {"lr": 1e-3, "batch_size": 512, "dropout": 0.4}]
LR_GRID = [{"C": c, "history_weight": w} for w in (0.0, 0.3) for c in (0.1, 0.3, 1.0)]
# (row name, key, workflow model, settings); each grid is scored on validation, the best is reported.
# {} is the component's defaults (embed 32, MLP 256-128, dropout 0.3, lr 2e-3, up to 12 epochs).
MODELS: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    ("logistic regression, fields only (reference)", "logistic-fields", "logistic",
     [{"history": 0, "C": c} for c in (0.3, 1.0, 3.0)]),
    ("logistic regression, same input", "logistic", "logistic", LR_GRID),
    ("DeepFM", "deepfm", "deepfm", [{}, {"embed_dim": 16, "dropout": 0.2, "lr": 3e-3, "epochs": 10}]),
    ("DCN-v2", "dcnv2", "dcnv2", [{"low_rank": 64}]),
    ("DIN", "din", "din", DIN_GRID),
]  # fmt: skip
SAME_INPUT = 1  # the row the floor is measured against


def run_one(key: str) -> dict[str, Any]:
    import torch

    from socialens.analyses.ctr.data import load_history_split
    from socialens.analyses.ctr.workflow import HISTORY, fit_and_score, make_model

    torch.set_num_threads(1)
    _, _, model, grid = next(row for row in MODELS if row[1] == key)
    splits: dict[int, Any] = {}
    tried = []
    for settings in grid:
        history = int(settings.get("history", HISTORY))
        split = splits.setdefault(history, load_history_split(history))
        started = time.perf_counter()
        metrics = fit_and_score(make_model(model, settings), split)
        tried.append({"settings": settings, "train_s": time.perf_counter() - started, **metrics})
    best = max(tried, key=lambda r: r["valid_auc"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    split = splits[int(best["settings"].get("history", HISTORY))]
    return {"best": best, "tried": tried, "peak_mb": peak, "data_hash": split.data_hash, "sizes": split.sizes()}


def render(results: list[tuple[str, dict[str, Any]]]) -> str:
    from benchmarks.machine import describe

    reference, same = results[0][1]["best"], results[SAME_INPUT][1]["best"]
    first = results[SAME_INPUT][1]
    lines = [
        "",
        f"### Issue 5, click-through prediction, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`benchmarks/quality/ctr.py`)",
        "",
        f"Machine: {describe('torch', 'scikit-learn')}; torch and BLAS 1 thread.",
        "",
        f"MovieLens-100K, rating >= 4 = click; per-user time split {first['sizes'][0]:,} / {first['sizes'][1]:,} / "
        f"{first['sizes'][2]:,} (data hash {first['data_hash']}); test click rate "
        f"{same['click_rate_test']:.3f}. Fields: user, item, age bucket, gender, occupation, hour, weekday, "
        "19 genre flags; history (all rows but the first): 10-bucket statistics of strictly earlier ratings "
        "(user count, click rate, last-10 click rate, click rate on the candidate's genres, mean rating; "
        "item count, click rate, mean rating; seconds since the user's previous rating) and the user's last "
        "50 earlier items with their ratings. Settings picked on validation AUC; test scored once.",
        "",
        "| model | settings | valid AUC | test AUC | test AUC - LR same input | test AUC - LR fields only "
        "| test log loss | epochs | train s | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results:
        b = r["best"]
        epochs = f"{b['best_epoch']}/{b['epochs_run']}" if "epochs_run" in b else ""
        lines.append(
            f"| {name} | {json.dumps(b['settings'])} | {b['valid_auc']:.4f} | {b['test_auc']:.4f} "
            f"| {b['test_auc'] - same['test_auc']:+.4f} | {b['test_auc'] - reference['test_auc']:+.4f} "
            f"| {b['test_log_loss']:.4f} | {epochs} "
            f"| {b['train_s']:.0f} | {r['peak_mb']:.0f} |"
        )
    lines.append("")
    lines.append(
        "Floor: beat logistic regression on the same input by >= 0.02 test AUC. Epochs: best / run. "
        "Logistic regression's history_weight 0.0 = earlier items left out (chosen on validation)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="run one model (a key of MODELS) and print its JSON")
    parser.add_argument("--jobs", type=int, default=2, help="models run at the same time")
    args = parser.parse_args()
    if args.model:
        print(json.dumps(run_one(args.model)))
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    waiting = list(reversed(MODELS))  # the slowest (DIN) first, so two processes stay busy
    running: list[tuple[str, str, subprocess.Popen[str]]] = []
    done: dict[str, dict[str, Any]] = {}
    while waiting or running:
        while waiting and len(running) < args.jobs:
            name, key, _, _ = waiting.pop(0)
            command = module_command(__spec__.name, "--model", key)
            process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_env(env))
            running.append((name, key, process))
        finished = next((r for r in running if r[2].poll() is not None), None)
        if finished is None:
            time.sleep(2)
            continue
        running.remove(finished)
        name, key, process = finished
        out, _ = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"{name} failed (exit {process.returncode})")
        done[key] = json.loads(out.strip().splitlines()[-1])
    print(json.dumps(done), file=sys.stderr)  # every grid point, for the record
    print(render([(name, done[key]) for name, key, _, _ in MODELS]))


if __name__ == "__main__":
    with recording(__spec__.name, "ctr", 5, worker_flag="--model"):
        main()
