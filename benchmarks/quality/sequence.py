"""Next-item models on MovieLens-100K against RecBole 1.2.1, in one run (issue 5).

The ratings go through the real generic importer into a store; socialens's SASRec, GRU4Rec
and LSTM4Rec train from the store (``socialens.analyses.sequence.train.run``), and the same
time-ordered sequences are written as a RecBole atomic file (each user's position as the
timestamp, so both sides split identically) for RecBole's SASRec and GRU4Rec
(benchmarks/peers/recbole/run.py, its own environment: run setup.sh there first).

Every model runs in its own process, all at once, with torch on one thread and the same
budget: at most ``--epochs`` epochs and ``--cpu-budget`` seconds of training CPU time
(socialens finishes the epoch that crosses it, under 10% more; RecBole, whose epochs are
long, stops at the first batch past it, so it may train part of an epoch). CPU time, not
wall time, is the budget and the speed measure because other work shares this machine's
cores. Then top-k latency per user, batch throughput for all users and peak memory of the
recommender.

``--seeds 2020,2021,2022`` trains each socialens model once per seed (at most ``--jobs``
processes at a time) and adds the mean over seeds; ``--options max_len=200,...`` passes
``train sequence`` options to every socialens model; ``--options members=3`` trains each as a
seed ensemble of 3 (seeds seed, seed+1, seed+2), whose epochs and training CPU time are the sums
over its members (``benchmarks/quality/sequence_ensemble.py`` compares ensembles seed by seed).

    python -m benchmarks.quality.sequence [--epochs 50] [--cpu-budget 150] [--models-to-run sasrec] [--peers ""]
        [--seeds 2020] [--jobs 4] [--options KEY=VALUE,...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import child_env, module_command, recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
RECBOLE = HERE / "peers" / "recbole"
OURS = ("sasrec", "gru4rec", "lstm4rec")
PEERS = ("SASRec", "GRU4Rec")
# DATA.md's reference runs of RecBole on this machine (quoted, not measured here).
REFERENCE = [
    ("RecBole SASRec, 14 epochs at ~160 s (still improving)", 0.1103, 0.2206, 0.0639, 0.1357),
    ("RecBole GRU4Rec, early-stopped", 0.0816, 0.1633, 0.0488, 0.1082),
]
REFERENCE_NDCG, REFERENCE_CPU = 0.1103, 14 * 160


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(arch: str, store: str, models: str, epochs: int, budget: float, extra: str) -> None:
    """One socialens model, trained by the train step, as JSON on stdout."""
    from socialens.analyses.sequence.train import run
    from socialens.store import Store
    from socialens.training.request import TrainRequest

    options = {"platform": "movielens", "max_cpu_seconds": str(budget), **_options(extra)}
    with Store(store, read_only=True) as db:
        result = run(TrainRequest(store=db, options=options, models_dir=Path(models), model=arch, epochs=epochs))
    m = result["metrics"]
    print(json.dumps({"metrics": m, "peak_mb": _peak_mb(), "name": result["name"]}))


def prepare(workdir: Path) -> tuple[Path, int, int]:
    """The store (ratings and movies through the importer) and the RecBole atomic file."""
    from socialens.analyses.sequence.data import build_sequences
    from socialens.datasets.movielens import ingest_movielens
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store
    from socialens.store.behaviour_queries import read_interaction_log

    store = workdir / "ml100k.duckdb"
    with Store(store) as db:
        ingest_movielens(db, workdir, pseudonymizer=Pseudonymizer(b"bench"))
        seqs = build_sequences(read_interaction_log(db, platform="movielens"))
    inter = workdir / "recbole" / "mlseq" / "mlseq.inter"
    inter.parent.mkdir(parents=True)
    with open(inter, "w", encoding="utf-8") as f:
        f.write("user_id:token\titem_id:token\ttimestamp:float\n")
        for user, items in zip(seqs.users, seqs.item_seqs, strict=True):
            f.writelines(f"{user}\t{seqs.items[i]}\t{pos}\n" for pos, i in enumerate(items))
    return store, len(seqs.users), seqs.n_items - 1


def _options(given: str) -> dict[str, str]:
    pairs = [p.split("=", 1) for p in given.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise SystemExit(f"--options {given!r}: expected KEY=VALUE,KEY=VALUE")
    return {k.strip(): v.strip() for k, v in pairs}


def _model_dir(workdir: Path, arch: str, seed: int, seeds: list[int]) -> Path:
    return workdir / "models" / (arch if seed == seeds[0] else f"{arch}-{seed}")


def commands(workdir: Path, store: Path, args: argparse.Namespace) -> dict[str, list[str]]:
    """One command line per model to train: socialens architectures x seeds, then RecBole's."""
    seeds = [int(s) for s in args.seeds.split(",")]
    cmds: dict[str, list[str]] = {}
    for arch in _names(args.models_to_run, OURS):
        for seed in seeds:
            name = f"socialens {arch}" + (f" seed {seed}" if len(seeds) > 1 else "")
            extra = ",".join(p for p in (args.options, f"seed={seed}") if p)
            cmds[name] = module_command(__spec__.name, "--worker", arch, "--store", str(store), "--options", extra)
            cmds[name] += ["--models", str(_model_dir(workdir, arch, seed, seeds))]
            cmds[name] += ["--epochs", str(args.epochs), "--cpu-budget", str(args.cpu_budget)]
    python = RECBOLE / ".venv" / "bin" / "python"
    for model in _names(args.peers, PEERS):
        cmd = [
            str(python),
            str(RECBOLE / "run.py"),
            "--model",
            model,
            "--data",
            str(workdir / "recbole"),
            "--dataset",
            "mlseq",
        ]
        cmds[f"RecBole {model}"] = [*cmd, "--epochs", str(args.epochs), "--max-cpu-seconds", str(args.cpu_budget)]
    return cmds


def run_all(workdir: Path, cmds: dict[str, list[str]], jobs: int) -> dict[str, dict[str, Any]]:
    """Run the commands, at most ``jobs`` at a time, and parse each one's last line of JSON."""
    env = child_env({**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    waiting, running, outputs = list(cmds.items()), {}, {}
    while waiting or running:
        while waiting and len(running) < jobs:
            name, cmd = waiting.pop(0)
            # cwd: RecBole writes its TensorBoard logs into the working directory.
            running[name] = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=workdir
            )
        done = next((n for n, p in running.items() if p.poll() is not None), None)
        if done is None:
            time.sleep(1.0)
            continue
        proc = running.pop(done)
        outputs[done] = (proc.returncode, proc.communicate()[0])
    return {name: _parse(*outputs[name]) for name in cmds}


def _parse(returncode: int, out: str) -> dict[str, Any]:
    if returncode != 0 or not out.strip():
        return {"error": f"exit {returncode}"}
    data = json.loads(out.strip().splitlines()[-1])
    if "metrics" in data:  # socialens
        m = data["metrics"]
        best = m["best_epoch"]  # one per member for a seed ensemble (members=N)
        best = "/".join(map(str, best)) if isinstance(best, list) else best
        return {**m["test"], "epochs_run": m["epochs_run"], "best_epoch": best,
                "cpu_per_epoch": m["cpu_seconds_per_epoch"], "wall_per_epoch": m["seconds_per_epoch"],
                "train_cpu": m["train_cpu_seconds"], "peak_mb": data["peak_mb"], "valid": m["valid_ndcg@10"],
                "popular": m["most_popular"]}  # fmt: skip
    return {**data["test"], "epochs_run": data["epochs_run"], "best_epoch": data["best_epoch"],
            "cpu_per_epoch": data["cpu_seconds_per_epoch"], "wall_per_epoch": data["seconds_per_epoch"],
            "train_cpu": data["cpu_seconds_per_epoch"] * data["epochs_run"], "peak_mb": data["peak_mb"],
            "valid": data.get("valid_ndcg@10"), "native": data["recbole_native_test"]}  # fmt: skip


def latency(store: Path, models: Path, users_sample: int = 200) -> dict[str, float]:
    """Top-10 latency per user (p50/p99), all-users batch throughput, peak memory: socialens SASRec."""
    import numpy as np

    from socialens.analyses.recommend import recommend_all
    from socialens.analyses.recommend.hybrid import HybridRecommender
    from socialens.store import Store
    from socialens.store.behaviour_queries import all_users

    with Store(store, read_only=True) as db:
        started = time.perf_counter()
        rec = HybridRecommender(db, models_dir=models / "sasrec", content="tfidf")
        load = time.perf_counter() - started
        users = all_users(db)[:users_sample]
        times = []
        for user in users:
            t0 = time.perf_counter()
            rec.top_k([user], 10)
            times.append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), time.process_time()
        result = recommend_all(db, models / "recs.parquet", 10, models_dir=models / "sasrec")
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    p50, p99 = (1000 * float(np.percentile(times, q)) for q in (50, 99))
    return {"load_s": load, "p50_ms": p50, "p99_ms": p99, "users": result["users"], "batch_s": wall,
            "batch_cpu_s": cpu, "users_per_s": result["users"] / wall, "users_per_cpu_s": result["users"] / cpu,
            "peak_mb": _peak_mb()}  # fmt: skip


HEADER = ("model", "epochs run (best)", "CPU s/epoch", "train CPU s", "wall s/epoch", "valid NDCG@10", "NDCG@10",
          "HR@10", "MRR@10", "NDCG@10 incl. seen", "HR@10 incl. seen", "peak MB")  # fmt: skip


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _quality(ex: dict[str, float], inc: dict[str, float]) -> list[str]:
    return [f"{v:.4f}" for v in (ex["ndcg@10"], ex["hr@10"], ex["mrr@10"], inc["ndcg@10"], inc["hr@10"])]


def table(rows: dict[str, dict[str, Any]], users: int, items: int, args: argparse.Namespace) -> str:
    at_once = min(args.jobs, len(rows))
    lines = [
        f"MovieLens-100K ({users} users, {items} items), leave-one-out by time, full ranking over all items; "
        f"budget per model{' (per member of a seed ensemble)' if 'members=' in args.options else ''}: "
        f"at most {args.epochs} epochs and {args.cpu_budget:.0f} s of training CPU time, torch 1 thread, "
        f"{len(rows)} model(s), {at_once} trained at a time; options: {args.options or 'defaults'}; "
        "best epoch by validation NDCG@10 (seen excluded); an ensemble's epochs and train CPU s are sums over members.",
        "",
        _row(*HEADER),
        _row(*["---"] * len(HEADER)),
    ]
    for name, r in rows.items():
        if "error" in r:
            lines.append(_row(name, f"failed: {r['error']}", *[""] * (len(HEADER) - 2)))
            continue
        speed = (
            f"{r['epochs_run']} ({r['best_epoch']})",
            f"{r['cpu_per_epoch']:.1f}",
            f"{r['train_cpu']:.0f}",
            f"{r['wall_per_epoch']:.1f}",
            f"{r['valid']:.4f}" if r.get("valid") is not None else "-",
        )
        quality = _quality(r["seen_excluded"], r["seen_included"])
        lines.append(_row(name, *speed, *quality, f"{r['peak_mb']:.0f}"))
    popular = next((r["popular"] for r in rows.values() if "popular" in r), None)
    if popular:
        quality = _quality(popular["seen_excluded"], popular["seen_included"])
        lines.append(_row("most popular (training counts)", "-", "-", "-", "-", "-", *quality, "-"))
    lines += [
        "",
        *seed_means(rows),
        *ratios(rows),
        "",
        "DATA.md reference (RecBole on this machine, quoted, not measured here):",
    ]
    lines += [f"- {name}: NDCG@10 {a} / HR@10 {b} seen excluded, {c} / {d} included" for name, a, b, c, d in REFERENCE]
    return "\n".join(lines)


def _by_model(rows: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Finished runs grouped by model, seeds together."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for name, r in rows.items():
        if "error" not in r:
            groups.setdefault(name.split(" seed ")[0], []).append(r)
    return groups


def _mean(runs: list[dict[str, Any]], key: str) -> float:
    values = [r["seen_excluded"]["ndcg@10"] if key == "test" else r[key] for r in runs]
    return sum(values) / len(values)


def seed_means(rows: dict[str, dict[str, Any]]) -> list[str]:
    """Mean over seeds of each model trained with more than one seed (a markdown table)."""
    groups = {n: runs for n, runs in _by_model(rows).items() if len(runs) > 1}
    if not groups:
        return []
    head = ("model", "seeds", "valid NDCG@10 mean", "test NDCG@10 mean", "test min / max", "x RecBole SASRec",
            "train CPU s mean")  # fmt: skip
    lines = [_row(*head), _row(*["---"] * len(head))]
    for name, runs in groups.items():
        tests = [r["seen_excluded"]["ndcg@10"] for r in runs]
        test = _mean(runs, "test")
        lines.append(_row(name, len(runs), f"{_mean(runs, 'valid'):.4f}", f"**{test:.4f}**",
                          f"{min(tests):.4f} / {max(tests):.4f}", f"{test / REFERENCE_NDCG:.2f}x",
                          f"{_mean(runs, 'train_cpu'):.0f}"))  # fmt: skip
    return [*lines, ""]


def ratios(rows: dict[str, dict[str, Any]]) -> list[str]:
    """Best socialens model (by its mean over seeds) against RecBole and DATA.md's reference."""
    groups = _by_model(rows)
    ok = {n: {**runs[0], "seen_excluded": {"ndcg@10": _mean(runs, "test")}, "train_cpu": _mean(runs, "train_cpu"),
              "cpu_per_epoch": _mean(runs, "cpu_per_epoch")} for n, runs in groups.items()}  # fmt: skip
    ours = [n for n in ok if n.startswith("socialens")]
    peers = [n for n in ok if n.startswith("RecBole")]
    if not ours:
        return ["ratio: not available (no socialens model finished)"]
    ndcg = lambda n: ok[n]["seen_excluded"]["ndcg@10"]  # noqa: E731
    best_ours = max(ours, key=ndcg)
    reference = [
        f"Against DATA.md's fully trained RecBole SASRec (NDCG@10 {REFERENCE_NDCG}, ~{REFERENCE_CPU} s of training): "
        f"**{ndcg(best_ours) / REFERENCE_NDCG:.2f}x** ({_verdict(ndcg(best_ours) / REFERENCE_NDCG)} "
        f"the 1.05x floor) with {ok[best_ours]['train_cpu']:.0f} CPU s of training "
        f"({ok[best_ours]['train_cpu'] / REFERENCE_CPU:.2f}x RecBole's)."
    ]
    if not peers:
        return reference
    best_peer = max(peers, key=ndcg)
    ratio = ndcg(best_ours) / ndcg(best_peer) if ndcg(best_peer) else float("inf")
    speed = ok[best_peer]["cpu_per_epoch"] / ok[best_ours]["cpu_per_epoch"]
    return [
        f"Best socialens ({best_ours}) NDCG@10 {ndcg(best_ours):.4f} vs best RecBole ({best_peer}) "
        f"{ndcg(best_peer):.4f}: "
        f"**{ratio:.2f}x** at the same budget ({_verdict(ratio)} the 1.05x floor); "
        f"CPU s/epoch {speed:.1f}x less than RecBole's.",
        *reference,
    ]


def _verdict(ratio: float) -> str:
    return "meets" if ratio >= 1.05 else "misses"


def _names(given: str, known: tuple[str, ...]) -> list[str]:
    names = [n.strip() for n in given.split(",") if n.strip()]
    unknown = set(names) - set(known)
    if unknown:
        raise SystemExit(f"unknown model(s) {', '.join(sorted(unknown))}; choose from {', '.join(known)}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--cpu-budget", type=float, default=150.0)
    parser.add_argument("--models-to-run", default=",".join(OURS), help="socialens architectures, comma-separated")
    parser.add_argument("--peers", default=",".join(PEERS), help="RecBole models, comma-separated ('' = none)")
    parser.add_argument("--seeds", default="2020", help="seeds of the socialens models, comma-separated")
    parser.add_argument("--jobs", type=int, default=4, help="training processes at a time")
    parser.add_argument("--options", default="", help="train options for socialens models: KEY=VALUE,...")
    parser.add_argument("--worker")
    parser.add_argument("--store")
    parser.add_argument("--models")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.store, args.models, args.epochs, args.cpu_budget, args.options)
        return
    import torch

    torch.set_num_threads(1)
    from benchmarks.machine import describe

    workdir = Path(tempfile.mkdtemp(prefix="bench-sequence-"))
    store, users, items = prepare(workdir)
    started = time.perf_counter()
    rows = run_all(workdir, commands(workdir, store, args), args.jobs)
    print(f"{describe('torch')}; training phase {time.perf_counter() - started:.0f} s wall\n")
    print(table(rows, users, items, args))
    first_sasrec = next((r for n, r in rows.items() if n.startswith("socialens sasrec")), {"error": 1})
    if "error" not in first_sasrec:
        lat = latency(store, workdir / "models")
        print(
            "\nRecommendations (hybrid: socialens SASRec + TF-IDF content + popularity), top-10: "
            f"load {lat['load_s']:.1f} s; "
            f"per user p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms (200 users, one at a time); "
            f"all {lat['users']} users in chunks: {lat['batch_s']:.1f} s wall ({lat['users_per_s']:.0f} users/s), "
            f"{lat['batch_cpu_s']:.1f} s CPU ({lat['users_per_cpu_s']:.0f} users per CPU s); "
            f"peak RSS {lat['peak_mb']:.0f} MB."
        )
    print(f"\n(workdir {workdir})")


if __name__ == "__main__":
    with recording(__spec__.name, "sequence", 5, worker_flag="--worker"):
        main()
