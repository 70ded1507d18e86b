"""Weakly supervised emotion models vs the lexicon that labelled them (issue 3, item 6).

For each language: the default emotion model of ``--models-dir`` (trained there first with
``train_emotion`` and its default settings if there is none) and the lexicon itself
(``emotion.lexicon.v1``) are scored on the held-out test texts of the sentiment reference split:

* agreement with the lexicon's weak labels (micro/macro-F1, exact set agreement, none-vs-some);
* the same with every lexicon word removed from the texts (``masked``): the lexicon scores 0 there
  by construction; what the model gets right it read from the context;
* how often each predicts an emotion for texts with no lexicon hit;
* throughput over the test texts, one torch thread, after a warm-up.

Then a hand-checkable sample per language (seeded: half with a lexicon hit, half without).

    python -m benchmarks.quality.emotion [--lang en zh] [--models-dir DIR] [--sample 20]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.harness import recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/


def machine() -> str:
    from benchmarks.machine import describe

    return describe("torch")


def load_or_train(lang: str, models_dir: Path) -> tuple[Any, Any, float | None]:
    from socialens.analyses.emotion.predict import load_emotion_model
    from socialens.analyses.emotion.train import train_emotion
    from socialens.errors import ModelNotFoundError

    try:
        model, card = load_emotion_model(lang, models_dir)
        return model, card, None
    except ModelNotFoundError:
        trained = train_emotion(lang, registry_root=models_dir)
        model, card = load_emotion_model(lang, models_dir)
        return model, card, float(trained["seconds"])


def throughput(scorer: Any, texts: list[str]) -> float:
    scorer.predict_proba(texts[:64])  # warm-up: lexicon files, jieba's dictionary, torch kernels
    started = time.perf_counter()
    scorer.predict_proba(texts)
    return len(texts) / (time.perf_counter() - started)


def agreement_row(lang: str, name: str, result: dict[str, Any], rate: float) -> str:
    weak, masked = result["weak"], result["masked"]
    return (
        f"| {lang} | {name} | {weak['micro_f1']:.3f} | {weak['macro_f1']:.3f} | {weak['exact_agreement']:.3f} "
        f"| {weak['any_agreement']:.3f} | {masked['micro_f1']:.3f} | {masked['macro_f1']:.3f} "
        f"| {result['no_hit']['share_with_emotion']:.3f} | {rate:,.0f} |"
    )


def per_emotion_rows(lang: str, model: dict[str, Any], lexicon: dict[str, Any]) -> list[str]:
    from socialens.analyses.emotion.lexicons import GLOSS

    out = []
    for name, scores in model["weak"]["per_emotion"].items():
        masked = model["masked"]["per_emotion"][name]
        shown = f"{name} ({GLOSS[name]})" if name in GLOSS else name
        out.append(
            f"| {lang} | {shown} | {scores['support']} | {scores['f1']:.3f} | {masked['precision']:.3f} "
            f"| {masked['recall']:.3f} | {masked['f1']:.3f} | {lexicon['masked']['per_emotion'][name]['f1']:.3f} |"
        )
    return out


def sample_rows(lang: str, model: Any, texts: list[str], n: int) -> list[str]:
    """``n`` seeded test texts, half with a lexicon hit: lexicon, model, model without the lexicon words."""
    from socialens.analyses.emotion.lexicons import load_lexicon
    from socialens.analyses.emotion.weak_labels import mask_tokens, match_tokens, tokens_of

    lexicon = load_lexicon(lang)
    tokens = [tokens_of(t, lang) for t in texts]
    matches = [match_tokens(t, lexicon) for t in tokens]
    rng = np.random.default_rng(7)
    hit = [i for i, m in enumerate(matches) if m.emotions]
    miss = [i for i, m in enumerate(matches) if not m.emotions]
    chosen = [*rng.choice(hit, n // 2, replace=False), *rng.choice(miss, n - n // 2, replace=False)]
    full = model.predict_proba_tokens([tokens[i] for i in chosen])
    masked = model.predict_proba_tokens([mask_tokens(tokens[i], matches[i]) for i in chosen])
    names = lexicon.emotions

    def shown(row: np.ndarray) -> str:
        above = sorted((i for i in range(len(names)) if row[i] >= model.thresholds_[i]), key=lambda i: -row[i])
        return ", ".join(f"{names[i]} {row[i]:.2f}" for i in above) or "none"

    out = []
    for k, i in enumerate(chosen):
        text = " ".join(texts[i].split())
        text = (text[:110] + "…" if len(text) > 110 else text).replace("|", "\\|")
        found = ", ".join(names[e] for e in sorted(matches[i].emotions)) or "none"
        words = ", ".join(tokens[i][p] for p in matches[i].positions) or "-"
        out.append(f"| {lang} | {text} | {words} | {found} | {shown(full[k])} | {shown(masked[k])} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", nargs="+", choices=["en", "zh"], default=["en", "zh"])
    parser.add_argument("--models-dir", type=Path, default=HERE / "data" / "emotion-models")
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args()

    import torch

    from socialens.analyses.emotion.evaluation import evaluate_weak
    from socialens.analyses.emotion.train import load_weak_corpus
    from socialens.analyses.emotion.weak_labels import LexiconEmotion

    torch.set_num_threads(1)
    agreement, per_emotion, samples, notes = [], [], [], []
    for lang in args.lang:
        corpus = load_weak_corpus(lang)
        model, card, seconds = load_or_train(lang, args.models_dir)
        lexicon = LexiconEmotion(lang=lang).fit()
        test = corpus.test_texts
        results = {
            "model": evaluate_weak(model, test, lang),
            "lexicon": evaluate_weak(lexicon, test, lang),
        }
        rates = {"model": throughput(model, test), "lexicon": throughput(lexicon, test)}
        agreement.append(
            agreement_row(
                lang,
                f"BiGRU weak (`{card.architecture}`, {card.name} v{card.version})",
                results["model"],
                rates["model"],
            )
        )
        agreement.append(
            agreement_row(lang, "lexicon itself (`emotion.lexicon.v1`)", results["lexicon"], rates["lexicon"])
        )
        per_emotion += per_emotion_rows(lang, results["model"], results["lexicon"])
        samples += sample_rows(lang, model, test, args.sample)
        history = card.extra.get("training", "")
        notes.append(
            f"{lang}: {len(test):,} held-out texts, {results['model']['masked']['n']:,} with a counted lexicon hit; "
            f"trained on {card.metrics.get('train_texts', '?'):,} texts"
            + (f" in {seconds:.0f} s" if seconds is not None else f" (model from {card.created_at})")
            + (f"; {history}" if history else "")
        )
    print(f"Machine: {machine()}; torch threads 1.\n")
    print(
        "| lang | scorer | held-out micro-F1 | macro-F1 | exact set agreement | none/some agreement "
        "| masked micro-F1 | masked macro-F1 | no-hit texts given an emotion | posts/s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(agreement))
    print("\n" + "\n".join(notes) + "\n")
    print(
        "| lang | emotion | held-out support | F1 vs weak labels | masked precision | masked recall | masked F1 "
        "| lexicon masked F1 |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(per_emotion))
    print("\nHand-checkable sample (real output of this script; seeded; half with a lexicon hit, half without):\n")
    print(
        "| lang | text | lexicon words | lexicon emotions | model (p >= its threshold) | model, lexicon words removed |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(samples))


if __name__ == "__main__":
    with recording(__spec__.name, "emotion", 3):
        main()
