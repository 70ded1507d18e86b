"""Seed ensembles of SASRec on MovieLens-100K (issue 5): do averaged seeds beat one model?

Trains the default SASRec once per seed (and, for validation only, the default GRU4Rec and
LSTM4Rec on the first seed) through the real train step, each in its own process with torch
on one thread, at most ``--jobs`` at a time. Each run keeps its validation and test score
matrices (users x items) in ``--cache``; an existing matrix is reused, so the evaluation can
be re-run without training. Then every ensemble is scored by averaging its members' scores,
with two rules fixed before any score was seen: the averaging (softmax probabilities, raw
logits or log-probabilities) with the best mean validation NDCG@10 over all ensembles of 2+
seeds, and the size N (the smallest within RecBole's training CPU where one more seed adds
less than 0.001 mean validation NDCG@10). Reported: every size's mean over all combinations,
every 3-member combination, the disjoint triples and all seeds, on validation and test, with
the training CPU time summed over members, and (validation only) the 3-seed ensembles with
the GRU4Rec and LSTM4Rec added.

    python -m benchmarks.quality.sequence_ensemble [--seeds 2020,...,2025] [--jobs 2] [--cache DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.harness import child_env, module_command, recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
REFERENCE_NDCG, REFERENCE_CPU = 0.1103, 14 * 160  # DATA.md's fully trained RecBole SASRec
AVERAGINGS = ("probabilities", "logits", "log-probabilities")


def worker(arch: str, seed: int, store: str, out: Path) -> None:
    """Train one default model with the train step and save its validation and test scores."""
    import torch

    from socialens.analyses.sequence.recommender import NextItemRecommender
    from socialens.analyses.sequence.train import load_split, run
    from socialens.store import Store
    from socialens.training.model_registry import ModelRegistry
    from socialens.training.request import TrainRequest

    torch.set_num_threads(1)
    # One model per run (members=1): the ensembles are formed here, from the cached scores.
    options = {"platform": "movielens", "max_cpu_seconds": "2000", "seed": str(seed), "members": "1"}
    models = out.with_suffix("")
    with Store(store, read_only=True) as db:
        result = run(TrainRequest(store=db, options=options, models_dir=models, model=arch, epochs=100))
        _, split, _ = load_split(db, options)
    model = NextItemRecommender.from_state(ModelRegistry(models).load_state(result["name"]))
    scores = {}
    for part in ("valid", "test"):
        cases = getattr(split, part)
        scores[part], _ = model.score_indices(cases.histories, cases.action_histories)
    np.savez_compressed(out, **scores)
    m = result["metrics"]
    keep = ("valid_ndcg@10", "best_epoch", "epochs_run", "train_cpu_seconds", "cpu_seconds_per_epoch")
    out.with_suffix(".json").write_text(json.dumps({k: m[k] for k in keep} | {"test": m["test"]}))


def train_all(cache: Path, runs: list[tuple[str, int]], jobs: int) -> None:
    """Train the runs whose scores are not in ``cache`` yet, ``jobs`` processes at a time."""
    todo = [(a, s) for a, s in runs if not (cache / f"{a}-{s}.json").exists()]
    if not todo:
        return
    from benchmarks.quality.sequence import prepare

    store, _, _ = prepare(Path(tempfile.mkdtemp(prefix="bench-ensemble-")))
    env = child_env({**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    running: list[subprocess.Popen[bytes]] = []
    for arch, seed in todo:
        while len(running) >= jobs:
            running = [p for p in running if p.poll() is None]
            time.sleep(2.0)
        cmd = module_command(__spec__.name, "--worker", arch, "--seed", str(seed), "--store", str(store))
        running.append(subprocess.Popen([*cmd, "--cache", str(cache)], env=env))
        print(f"started {arch} seed {seed}", file=sys.stderr)
    for p in running:
        p.wait()


def load_split_cases() -> Any:
    """The validation and test cases (same split as the workers), built without a store."""
    from socialens.analyses.sequence.data import build_sequences, leave_one_out
    from socialens.datasets.movielens import ingest_movielens
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store
    from socialens.store.behaviour_queries import read_interaction_log

    with tempfile.TemporaryDirectory(prefix="bench-ensemble-split-") as tmp, Store(Path(tmp) / "s.duckdb") as db:
        ingest_movielens(db, Path(tmp), pseudonymizer=Pseudonymizer(b"bench"))
        return leave_one_out(build_sequences(read_interaction_log(db, platform="movielens")))


def load_runs(cache: Path, runs: list[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Each finished run's score matrices and training figures."""
    out = {}
    for arch, seed in runs:
        info = cache / f"{arch}-{seed}.json"
        if info.exists():
            with np.load(cache / f"{arch}-{seed}.npz") as scores:
                out[arch, seed] = {**json.loads(info.read_text()), "scores": {p: scores[p] for p in ("valid", "test")}}
    return out


class Scorer:
    """NDCG@10 (seen items excluded) of averaged member scores, per split part."""

    def __init__(self, split: Any, runs: dict[tuple[str, int], dict[str, Any]]) -> None:
        from socialens.analyses.sequence.ensemble import _log_softmax

        self.cases = {"valid": split.valid, "test": split.test}
        # Seen items (the target excepted) as one mask per part: ranking is then one vector step.
        self.seen: dict[str, np.ndarray] = {}
        for part, cases in self.cases.items():
            n_items = next(iter(runs.values()))["scores"][part].shape[1]
            mask = np.zeros((len(cases.targets), n_items), dtype=bool)
            for row, history in enumerate(cases.histories):
                mask[row, history] = True
            mask[np.arange(len(cases.targets)), cases.targets] = False
            self.seen[part] = mask
        # Each member's scores in each averaging's space, so an ensemble is one mean.
        self.spaces: dict[tuple[str, str, tuple[str, int]], np.ndarray] = {}
        for key, run in runs.items():
            for part in ("valid", "test"):
                logits = run["scores"][part].astype(np.float64)
                log_probs = _log_softmax(logits)
                self.spaces["logits", part, key] = logits
                self.spaces["log-probabilities", part, key] = log_probs
                self.spaces["probabilities", part, key] = np.exp(log_probs)
        self.done: dict[tuple[tuple[tuple[str, int], ...], str, str], float] = {}

    def ndcg(self, members: tuple[tuple[str, int], ...], part: str, averaging: str) -> float:
        """As ``socialens.evaluate.ranking`` computes it (ties count against the model)."""
        key = (tuple(sorted(members)), part, averaging)
        if key not in self.done:
            scores = np.mean([self.spaces[averaging, part, m] for m in members], axis=0)
            targets = self.cases[part].targets
            target_scores = scores[np.arange(len(targets)), targets]
            scores[self.seen[part]] = -np.inf
            ranks = (scores >= target_scores[:, None]).sum(axis=1)
            self.done[key] = float(np.where(ranks <= 10, 1.0 / np.log2(ranks + 1.0), 0.0).mean())
        return self.done[key]


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    return [_row(*head), _row(*["---"] * len(head)), *(_row(*r) for r in rows), ""]


def singles(runs: dict[tuple[str, int], dict[str, Any]]) -> list[str]:
    rows = [
        (f"{arch} seed {seed}", f"{r['epochs_run']} ({r['best_epoch']})", f"{r['train_cpu_seconds']:.0f}",
         f"{r['valid_ndcg@10']:.4f}", f"{r['test']['seen_excluded']['ndcg@10']:.4f}")
        for (arch, seed), r in runs.items()
    ]  # fmt: skip
    return _table(("model", "epochs run (best)", "train CPU s", "valid NDCG@10", "test NDCG@10"), rows)


def choose_averaging(scorer: Scorer, seeds: list[int]) -> tuple[str, list[str]]:
    """The averaging with the best mean validation NDCG@10 over every ensemble of 2+ seeds."""
    subsets = [c for n in range(2, len(seeds) + 1) for c in itertools.combinations(seeds, n)]
    rows, means = [], {}
    for averaging in AVERAGINGS:
        valid = [scorer.ndcg(_members(c), "valid", averaging) for c in subsets]
        triples = [v for c, v in zip(subsets, valid, strict=True) if len(c) == 3]
        means[averaging] = float(np.mean(valid))
        rows.append((averaging, len(subsets), f"{means[averaging]:.4f}", f"{np.mean(triples):.4f}"))
    best = max(means, key=lambda a: means[a])
    lines = _table(("averaging", "ensembles (2-6 seeds)", "valid NDCG@10 mean", "valid mean, 3 seeds"), rows)
    return best, [*lines, f"Chosen on validation: **{best}**.", ""]


def _members(seeds: tuple[int, ...], arch: str = "sasrec") -> tuple[tuple[str, int], ...]:
    return tuple((arch, s) for s in seeds)


def by_size(
    scorer: Scorer, runs: dict[tuple[str, int], dict[str, Any]], seeds: list[int], averaging: str
) -> tuple[int, list[str]]:
    """Every ensemble size: mean and spread over all combinations; the size rule picks one."""
    rows, stats = [], {}
    for n in range(1, len(seeds) + 1):
        combos = list(itertools.combinations(seeds, n))
        valid = [scorer.ndcg(_members(c), "valid", averaging) for c in combos]
        test = [scorer.ndcg(_members(c), "test", averaging) for c in combos]
        cpu = [sum(runs["sasrec", s]["train_cpu_seconds"] for s in c) for c in combos]
        stats[n] = (float(np.mean(valid)), float(np.mean(cpu)))
        rows.append((n, len(combos), f"{np.mean(valid):.4f} / {min(valid):.4f}", f"{np.mean(test):.4f}",
                     f"{min(test):.4f} / {max(test):.4f}", f"{np.mean(test) / REFERENCE_NDCG:.2f}x",
                     f"{np.mean(cpu):.0f}"))  # fmt: skip
    chosen = _size_rule(stats)
    head = ("seeds averaged", "ensembles", "valid NDCG@10 mean / min", "test NDCG@10 mean", "test min / max",
            "test mean x 0.1103", "train CPU s (sum over members), mean")  # fmt: skip
    rule = (
        f"Size rule (fixed before looking): the smallest N whose mean summed training CPU is within RecBole's "
        f"~{REFERENCE_CPU} s and where one more seed adds less than 0.001 mean validation NDCG@10 (or would "
        f"leave the budget): **N = {chosen}**."
    )
    return chosen, [*_table(head, rows), rule, ""]


def _size_rule(stats: dict[int, tuple[float, float]]) -> int:
    affordable = [n for n, (_, cpu) in stats.items() if cpu <= REFERENCE_CPU]
    for n in affordable:
        if n + 1 not in affordable or stats[n + 1][0] - stats[n][0] < 0.001:
            return n
    return 1


def combinations(scorer: Scorer, runs: dict[tuple[str, int], dict[str, Any]], seeds: list[int], n: int,
                 averaging: str) -> list[str]:  # fmt: skip
    """Every ``n``-seed ensemble, the disjoint ones first, and all seeds."""
    combos = list(itertools.combinations(seeds, n))
    disjoint = [tuple(seeds[i : i + n]) for i in range(0, len(seeds) - n + 1, n)]
    ordered = [*disjoint, *(c for c in combos if c not in disjoint), tuple(seeds)]
    rows = []
    for c in dict.fromkeys(ordered):
        tag = " (disjoint)" if c in disjoint else " (all)" if len(c) == len(seeds) else ""
        valid, test = (scorer.ndcg(_members(c), part, averaging) for part in ("valid", "test"))
        cpu = sum(runs["sasrec", s]["train_cpu_seconds"] for s in c)
        rows.append(("+".join(map(str, c)) + tag, f"{valid:.4f}", f"{test:.4f}", f"{test / REFERENCE_NDCG:.2f}x",
                     f"{cpu:.0f}"))  # fmt: skip
    tests = [scorer.ndcg(_members(c), "test", averaging) for c in disjoint]
    head = ("seeds", "valid NDCG@10", "test NDCG@10", "x 0.1103", "train CPU s")
    summary = (
        f"Disjoint {n}-seed ensembles: mean test NDCG@10 **{np.mean(tests):.4f} "
        f"({np.mean(tests) / REFERENCE_NDCG:.2f}x RecBole's {REFERENCE_NDCG})**, "
        f"min {min(tests):.4f} ({min(tests) / REFERENCE_NDCG:.2f}x)."
    )
    return [*_table(head, rows), summary, ""]


def other_architectures(scorer: Scorer, runs: dict[tuple[str, int], dict[str, Any]], seeds: list[int], n: int,
                        averaging: str) -> list[str]:  # fmt: skip
    """Validation only: does adding the first-seed GRU4Rec or LSTM4Rec to an ensemble help?"""
    extra = {"+ gru4rec": [("gru4rec", seeds[0])], "+ lstm4rec": [("lstm4rec", seeds[0])]}
    extra["+ both"] = extra["+ gru4rec"] + extra["+ lstm4rec"]
    extra = {name: m for name, m in extra.items() if all(k in runs for k in m)}
    combos = list(itertools.combinations(seeds, n))
    rows = []
    for name, added in {"SASRec only": [], **extra}.items():
        valid = [scorer.ndcg((*_members(c), *added), "valid", averaging) for c in combos]
        rows.append((name, f"{np.mean(valid):.4f}", f"{min(valid):.4f} / {max(valid):.4f}"))
    head = (f"{n}-seed SASRec ensembles (all {len(combos)})", "valid NDCG@10 mean", "valid min / max")
    return _table(head, rows)


def evaluate(cache: Path, runs_wanted: list[tuple[str, int]], seeds: list[int]) -> str:
    runs = load_runs(cache, runs_wanted)
    seeds = [s for s in seeds if ("sasrec", s) in runs]
    scorer = Scorer(load_split_cases(), runs)
    averaging, averaging_lines = choose_averaging(scorer, seeds)
    n, size_lines = by_size(scorer, runs, seeds, averaging)
    lines = [
        "MovieLens-100K, leave-one-out by time, full ranking, seen items excluded; default SASRec "
        "(and GRU4Rec / LSTM4Rec, validation only) trained by `train sequence` once per seed, at most 100 epochs "
        "and 2000 training CPU s each, torch 1 thread. Ensembles average the members' scores.",
        "",
        *singles(runs),
        *averaging_lines,
        *size_lines,
        *combinations(scorer, runs, seeds, 3, averaging),
        *other_architectures(scorer, runs, seeds, 3, averaging),
    ]
    if n != 3:
        lines += combinations(scorer, runs, seeds, n, averaging)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="2020,2021,2022,2023,2024,2025")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", default=str(HERE / "data" / "sequence-ensemble"))
    parser.add_argument("--worker")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--store")
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    if args.worker:
        worker(args.worker, args.seed, args.store, cache / f"{args.worker}-{args.seed}.npz")
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    runs = [("sasrec", s) for s in seeds] + [("gru4rec", seeds[0]), ("lstm4rec", seeds[0])]
    started = time.perf_counter()
    train_all(cache, runs, args.jobs)
    print(f"training phase {time.perf_counter() - started:.0f} s wall", file=sys.stderr)
    from benchmarks.machine import describe

    print(describe("torch") + "\n")
    print(evaluate(cache, runs, seeds))


if __name__ == "__main__":
    with recording(__spec__.name, "sequence", 5, worker_flag="--worker"):
        main()
