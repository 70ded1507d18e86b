"""Issue 15: Fashion-MNIST, logistic regression vs MLP vs small CNN in one run (floors: MLP >= 0.88, CNN >= 0.91).

    nice -n 10 .venv/bin/python -m benchmarks.quality.images_fashion --epochs 10 --out fashion.json

Official 60k/10k split from Debian's dataset-fashion-mnist; 5,000 training pictures held out
(stratified, seed 42) for early stopping; every figure on the official test set. The three
models train side by side in three worker processes of one torch thread each (the machine is
shared: a single process got a tenth of a core). Prints a RESULTS.md section.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import markdown_section, recording
from benchmarks.machine import describe


def train_one(kind: str, epochs: int, threads: int, out: str | None = None) -> dict:
    """One model, in its own process with ``threads`` torch threads."""
    import torch

    from socialens.analyses.images.fashion import load_fashion_mnist, logistic_baseline, train_network

    torch.set_num_threads(threads)
    data = load_fashion_mnist()
    t = time.perf_counter()
    if kind == "lr":
        metrics = logistic_baseline(data)
    else:
        _, metrics = train_network(kind, data, epochs=epochs)
    metrics["wall_seconds"] = round(time.perf_counter() - t, 1)
    metrics["cpu_seconds"] = round(time.process_time(), 1)
    metrics["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if out:  # each model's figures are kept as soon as they exist (a slow CNN must not lose the others)
        Path(f"{out}.{kind}.json").write_text(json.dumps(metrics, indent=2))
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    from concurrent.futures import ProcessPoolExecutor

    from socialens.analyses.images.fashion import PROTOCOL

    started = datetime.now(UTC)
    load_before = os.getloadavg()
    names = {"lr": "logistic regression (baseline)", "mlp": "mlp", "cnn": "cnn"}
    with ProcessPoolExecutor(max_workers=3) as pool:
        futures = {kind: pool.submit(train_one, kind, args.epochs, args.threads, args.out) for kind in names}
        results = {names[kind]: future.result() for kind, future in futures.items()}
    peak = max(r.pop("peak_rss_mb") for r in results.values())
    floors = {"mlp": 0.88, "cnn": 0.91}
    report = {
        "started": started.isoformat(timespec="minutes"),
        "machine": describe(),
        "load": [round(x, 1) for x in (*load_before, *os.getloadavg())],
        "threads": args.threads,
        "epochs": args.epochs,
        "peak_rss_mb": round(peak),
        "protocol": PROTOCOL,
        "results": results,
        "floors_met": {k: results[k]["accuracy"] >= v for k, v in floors.items()},
    }
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(report, handle, indent=2)
    print(markdown(report))


def markdown(report: dict) -> str:
    rows = []
    for name, m in report["results"].items():
        extra = f"{m.get('epochs_run', '')} (best {m['best_epoch']})" if "best_epoch" in m else "–"
        figures = [f"{m['accuracy']:.4f}", f"{m['macro_f1']:.4f}", extra, m.get("parameters", "–")]
        rows.append([name, *figures, m["train_seconds"], m["cpu_seconds"]])
    met = report["floors_met"]
    return markdown_section(
        f"Issue 15, Fashion-MNIST classifiers, {report['started']} UTC "
        f"(`nice -n 10 .venv/bin/python -m benchmarks.quality.images_fashion --epochs {report['epochs']}`)",
        f"{report['machine']}; load average before/after {report['load']}; {report['threads']} torch thread(s); "
        f"peak RSS {report['peak_rss_mb']} MB (largest worker). {report['protocol']}",
        ["model", "test accuracy", "test macro-F1", "epochs", "parameters", "train s (wall)", "CPU s"],
        "lrrlrrr",
        rows,
        f"Floors (MLP >= 0.88, CNN >= 0.91, beside the logistic-regression baseline of the same run): "
        f"MLP {'met' if met['mlp'] else 'NOT met'}, CNN {'met' if met['cnn'] else 'NOT met'}.",
    )


if __name__ == "__main__":
    with recording(__spec__.name, "images", 15):
        main()
