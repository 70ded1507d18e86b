"""Emotion models vs their lexicon on the human-annotated reference test part (issue 20, emotion floor).

For each language: the default emotion model of ``--models-dir`` (or a named one) and the lexicon
(NRC for English, DUTIR for Chinese) scored in the same run on the 400 annotated test posts
(``socialens/analyses/emotion/reference``): macro-F1, micro-F1, emotions a post against the
annotator's; then throughput on one thread over 2,000 posts of the sentiment test split (after a
warm-up), for the model and the lexicon. Prints the markdown for ``benchmarks/RESULTS.md``.

    python -m benchmarks.quality.emotion_reference --models-dir DIR [--lang en zh]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import recording


def throughput(predict: Any, texts: list[str]) -> float:
    predict(texts[:64])  # warm-up: lexicon files, jieba's dictionary, ONNX session
    started = time.perf_counter()
    predict(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    from benchmarks.machine import describe
    from socialens.analyses.emotion.predict import load_emotion_model
    from socialens.analyses.emotion.scoring import score_on_reference
    from socialens.analyses.emotion.weak_labels import weak_labels
    from socialens.datasets.sentiment import load_sentiment_split

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--lang", nargs="+", default=["en", "zh"])
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()
    print(f"Machine: {describe('scikit-learn', 'onnxruntime')}; load average {os.getloadavg()[0]:.2f}\n")
    print("| lang | scorer | test posts | macro-F1 | micro-F1 | emotions a post (annotator) | posts/s, 1 thread |")
    print("|---|---|---|---|---|---|---|")
    for lang in args.lang:
        model, card = load_emotion_model(lang, args.models_dir)
        scores = score_on_reference(model, lang)
        texts = load_sentiment_split(lang).test_texts[: args.posts]  # type: ignore[arg-type]
        rates = {
            "model": throughput(model.predict_proba, texts),
            "lexicon": throughput(lambda t, code=lang: weak_labels(t, code), texts),
        }
        names = {"model": f"{card.name} v{card.version} (`{card.architecture}`)", "lexicon": "lexicon (NRC / DUTIR)"}
        for key in ("model", "lexicon"):
            r = scores[key]
            print(
                f"| {lang} | {names[key]} | {r['n']} | {r['macro_f1']:.3f} | {r['micro_f1']:.3f} | "
                f"{r['labels_per_text']:.2f} ({r['annotated_labels_per_text']:.2f}) | {rates[key]:,.0f} |"
            )
        ratio = scores["model"]["macro_f1"] / max(scores["lexicon"]["macro_f1"], 1e-9)
        print(f"| {lang} | model / lexicon macro-F1 | | {ratio:.2f}x | | | |")


if __name__ == "__main__":
    with recording(__spec__.name, "emotion", 20):
        main()
