"""Keyword representation stages: (texts, topic labels) -> top words per topic.

:class:`CTfidf` is class-based TF-IDF as BERTopic defines it: all posts of a topic form one
document, term frequencies are normalised per topic (L1), and a term's weight is
``tf(t, c) * log(1 + A / f(t))`` with ``A`` the mean number of words per topic and ``f(t)``
the term's frequency over all topics. Stopwords, URLs, numbers and words in fewer than
``min_df`` posts are dropped first: that choice, not the weighting, makes keywords cohere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

import numpy as np

from socialens.component import Component
from socialens.registry import register

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# The same word pattern as scikit-learn's CountVectorizer, so keywords are words a reader
# (and a coherence measure over plainly tokenised posts) recognises; '#'/'@' fall away.
_WORD = re.compile(r"(?u)\b\w\w+\b")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Twitter and HTML debris that is frequent in every topic.
_EXTRA_STOPWORDS = frozenset({"rt", "amp", "via", "http", "https", "co", "www", "com", "don", "just", "will"})


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English (scikit-learn's list) and Chinese (cntext's list, when installed) stopwords."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _EXTRA_STOPWORDS | _chinese_stopwords()


def _chinese_stopwords() -> frozenset[str]:
    """The ``chinese`` list of cntext's stopword YAML, read line by line: a YAML parser takes
    seconds for this file, and its layout (``    - word`` under ``    chinese:``) is fixed."""
    import importlib.metadata as md

    try:
        path = md.distribution("cntext").locate_file("cntext/io/data/enzh_common_StopWords.yaml")
        lines = Path(str(path)).read_text(encoding="utf-8").splitlines()
    except (md.PackageNotFoundError, OSError):
        return frozenset()  # cntext is optional: English stopwords still apply
    words: set[str] = set()
    inside = False
    for line in lines:
        if line.strip().endswith(":"):
            inside = line.strip() == "chinese:"
        elif inside and line.strip().startswith("- "):
            words.add(line.strip()[2:].strip())
    return frozenset(words)


# Mentions name accounts (pseudonyms after ingest), not what a topic is about.
_MENTION = re.compile(r"@\w+")


def analyzer(text: str) -> list[str]:
    """Content words of a post: lower-cased, without URLs, mentions, numbers or stopwords; jieba for Chinese."""
    text = _MENTION.sub(" ", _URL.sub(" ", text or ""))
    if _CJK.search(text):
        from socialens.text.tokenize import tokenize

        tokens = [t.lstrip("#@") for t in tokenize(text, lang="zh")]
        tokens = [t for t in tokens if len(t) > 1 or _CJK.match(t)]
    else:
        tokens = _WORD.findall(text.lower())
    drop = stopwords()
    return [t for t in tokens if t not in drop and not t.isdigit() and not t.startswith("_")]


def has_content_word(text: str) -> bool:
    """Whether :func:`analyzer` would keep at least one word, stopping at the first one found
    (the same test, several times cheaper on a corpus of tweets).

    >>> [has_content_word(t) for t in ("RT @h_1: https://t.co/x", "the 2 of us", "Golf!", "北京")]
    [False, False, True, True]
    """
    text = _MENTION.sub(" ", _URL.sub(" ", text or ""))
    if _CJK.search(text):
        return bool(analyzer(text))
    drop = stopwords()
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word not in drop and not word.isdigit() and not word.startswith("_"):
            return True
    return False


class Representation(Component):
    """Base stage: topics get no keywords."""

    def fit(self, texts: Sequence[str], labels: Sequence[int] | np.ndarray) -> Self:
        self.keywords_: dict[int, list[str]] = {int(t): [] for t in sorted(set(labels)) if t >= 0}
        return self


def class_tfidf(counts: np.ndarray) -> np.ndarray:
    """c-TF-IDF of a (topics, vocabulary) count matrix; rows are topics.

    >>> np.round(class_tfidf(np.array([[2, 0], [1, 1]])), 3).tolist()
    [[0.511, 0.0], [0.255, 0.549]]
    """
    counts = np.asarray(counts, dtype=np.float64)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    average = counts.sum() / max(counts.shape[0], 1)
    idf = np.log(1 + average / np.maximum(counts.sum(axis=0), 1e-12))
    return tf * idf


@register("topics.ctfidf.v1")
class CTfidf(Representation):
    """Class-based TF-IDF keywords; ``min_df``: a keyword appears in at least that many posts."""

    def __init__(self, top_n: int = 10, min_df: int = 5, max_features: int = 20_000) -> None:
        self.top_n = top_n
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, texts: Sequence[str], labels: Sequence[int] | np.ndarray) -> Self:
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer

        ids = np.asarray(labels, dtype=np.int64)
        topics = sorted(int(t) for t in set(ids.tolist()) if t >= 0)
        self.keywords_ = {t: [] for t in topics}
        self.vocabulary_: list[str] = []
        if not topics:
            return self
        vectorizer = CountVectorizer(
            analyzer=analyzer, min_df=min(self.min_df, len(texts)), max_features=self.max_features
        )
        try:
            matrix = vectorizer.fit_transform(texts)  # (posts, words), sparse
        except ValueError:  # nothing but stopwords in the corpus
            return self
        self.vocabulary_ = vectorizer.get_feature_names_out().tolist()
        # One row per topic; outlier posts (-1) are left out so they don't dilute any topic.
        index = {t: i for i, t in enumerate(topics)}
        kept = np.flatnonzero(ids >= 0)
        indicator = sparse.csr_matrix(
            (np.ones(len(kept)), ([index[int(t)] for t in ids[kept]], kept)), shape=(len(topics), len(ids))
        )
        weights = self._adjust(class_tfidf((indicator @ matrix).toarray()))  # (topics, words)
        for t, row in zip(topics, weights, strict=True):
            self.keywords_[t] = [self.vocabulary_[i] for i in self._choose(row, matrix)]
        return self

    def _adjust(self, weights: np.ndarray) -> np.ndarray:
        return weights

    def _choose(self, weights: np.ndarray, matrix: Any) -> list[int]:
        best = np.argsort(-weights, kind="stable")[: self.top_n]
        return [int(i) for i in best if weights[i] > 0]


@register("topics.coherent_ctfidf.v1")
class CoherentCTfidf(CTfidf):
    """c-TF-IDF keywords chosen to go together: from a topic's ``candidates`` best c-TF-IDF words,
    start with the best and repeatedly add the word with the highest mean NPMI (posts where both
    occur, over the fitted corpus) with the words chosen so far, plus ``weight`` times its
    c-TF-IDF relative to the best. "thanks" and "thank" both rank high in a thank-you topic
    but are rarely in one post; a reader, like a coherence measure, wants words that are.
    """

    def __init__(
        self, top_n: int = 10, min_df: int = 5, max_features: int = 20_000, candidates: int = 30, weight: float = 0.5
    ) -> None:
        super().__init__(top_n=top_n, min_df=min_df, max_features=max_features)
        self.candidates = candidates
        self.weight = weight

    def _choose(self, weights: np.ndarray, matrix: Any) -> list[int]:
        pool = [int(i) for i in np.argsort(-weights, kind="stable")[: self.candidates] if weights[i] > 0]
        if len(pool) <= 1:
            return pool
        present = (matrix[:, pool] > 0).astype(np.float64)  # (posts, candidates)
        npmi = _npmi_matrix(np.asarray((present.T @ present).todense()), matrix.shape[0])
        score = self.weight * weights[pool] / weights[pool[0]]
        chosen = [0]
        while len(chosen) < min(self.top_n, len(pool)):
            gain = npmi[:, chosen].mean(axis=1) + score
            gain[chosen] = -np.inf
            chosen.append(int(np.argmax(gain)))
        return [pool[i] for i in chosen]


@register("topics.distinct_ctfidf.v1")
class DistinctCTfidf(CoherentCTfidf):
    """:class:`CoherentCTfidf` where a word can describe at most ``max_topics_per_word`` topics:
    those where its c-TF-IDF weight is highest. Three "flight" topics then read "cancelled,
    rebook", "hold, customer service" and "bags, lost" instead of "flight, ..." three times,
    and topic diversity (unique words over all topics' top words) rises.
    """

    def __init__(
        self,
        top_n: int = 10,
        min_df: int = 5,
        max_features: int = 20_000,
        candidates: int = 30,
        weight: float = 0.5,
        max_topics_per_word: int = 1,
    ) -> None:
        super().__init__(top_n=top_n, min_df=min_df, max_features=max_features, candidates=candidates, weight=weight)
        self.max_topics_per_word = max_topics_per_word

    def _adjust(self, weights: np.ndarray) -> np.ndarray:
        if len(weights) <= self.max_topics_per_word:
            return weights
        # Rank of each topic for each word (0 = the topic where the word weighs most).
        rank = np.argsort(np.argsort(-weights, axis=0, kind="stable"), axis=0, kind="stable")
        return np.where(rank < self.max_topics_per_word, weights, 0.0)


def _npmi_matrix(co: np.ndarray, n: int) -> np.ndarray:
    """NPMI of every pair from a co-occurrence count matrix whose diagonal holds single counts."""
    p = np.diag(co) / n
    joint = co / n
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log((joint + 1e-12) / np.outer(p, p)) / -np.log(joint + 1e-12)
    return np.nan_to_num(npmi, nan=-1.0, posinf=-1.0, neginf=-1.0)
