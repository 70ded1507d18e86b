"""Engagement prediction on `dslabs/trump_tweets` (issue 5): text + time + history against time + history.

Protocol: `socialens.analyses.engagement.workflow` (tweets ordered by time; oldest 80% train,
next 10% validation, newest 10% test; targets log1p retweets and favourites; history
features from strictly earlier posts only). The same learner (gradient-boosted trees, one
per target) is fitted with and without text features; text is the packaged all-MiniLM-L6-v2
(vectors cached under ~/.cache/socialens/embeddings) or hashed words. Metrics on test:
Spearman correlation with the true level, and AUC for the top decile of true counts.

    python -m benchmarks.quality.engagement
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import recording

HERE = Path(__file__).resolve().parents[1]  # benchmarks/
ENCODERS = ("minilm", "hashing")


def run() -> tuple[list[tuple[str, dict[str, Any]]], int]:
    from threadpoolctl import threadpool_limits

    from socialens.analyses.engagement.workflow import fit_and_score, load_engagement_data

    rows: list[tuple[str, dict[str, Any]]] = []
    n_test = 0
    for encoder in ENCODERS:
        data = load_engagement_data(encoder)  # MiniLM: from the cache after the first run
        with threadpool_limits(1):
            metrics = fit_and_score(data)["metrics"]
        if not rows:
            rows.append(("time + history (baseline)", metrics["test_baseline"]))
        rows.append((f"time + history + {encoder} text", metrics["test"]))
        n_test = metrics["n_test"]
    return rows, n_test


def render(rows: list[tuple[str, dict[str, Any]]], n_test: int) -> str:
    from benchmarks.machine import describe

    base = rows[0][1]
    lines = [
        "",
        f"### Issue 5, engagement prediction, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        "(`benchmarks/quality/engagement.py`)",
        "",
        f"Machine: {describe('scikit-learn', 'torch')}; 1 thread.",
        "",
        f"dslabs/trump_tweets, split by time 80/10/10; test = the newest {n_test:,} tweets. "
        "Gradient-boosted trees per target, fitted to the deviation from the author's mean log count over "
        "the last 20 earlier posts; text reduced to 32 principal components.",
        "",
        "| features | retweets Spearman | vs baseline | retweets top-10% AUC | favourites Spearman | vs baseline "
        "| favourites top-10% AUC |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in rows:
        lines.append(
            f"| {name} | {m['retweets_spearman']:.3f} | {m['retweets_spearman'] - base['retweets_spearman']:+.3f} "
            f"| {m['retweets_top10_auc']:.3f} | {m['favourites_spearman']:.3f} "
            f"| {m['favourites_spearman'] - base['favourites_spearman']:+.3f} | {m['favourites_top10_auc']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    rows, n_test = run()
    print(render(rows, n_test))


if __name__ == "__main__":
    with recording(__spec__.name, "engagement", 5):
        main()
