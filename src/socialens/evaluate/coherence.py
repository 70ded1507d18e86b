"""Topic quality: NPMI coherence and topic diversity.

:func:`npmi_coherence` reproduces gensim 4.4 ``CoherenceModel(coherence="c_npmi")``: word
(co-)occurrence is counted in boolean sliding windows of ``window_size`` tokens (a text
shorter than the window is one window), and each topic's score is the mean NPMI over its
word pairs. ``window_size=None`` counts whole documents instead (document co-occurrence).

gensim moves its window one token at a time and, when a token leaves the window, marks it
absent even if another copy of it is still inside; that is reproduced so the numbers agree.
Topic words that never occur in the corpus are dropped (gensim refuses them outright).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

EPSILON = 1e-12


def topic_diversity(topics: Sequence[Sequence[str]], top_n: int = 10) -> float:
    """Unique words among all topics' top ``top_n`` words, over their total.

    >>> topic_diversity([["a", "b"], ["b", "c"]])
    0.75
    """
    words = [w for topic in topics for w in list(topic)[:top_n]]
    return len(set(words)) / len(words) if words else 0.0


def _windows(ids: np.ndarray, size: int | None, vocab: int) -> Iterable[np.ndarray]:
    """Indices of the topic words present in each window of one text (gensim's rules)."""
    if size is None or len(ids) <= size:
        yield np.unique(ids[ids < vocab])
        return
    present = np.zeros(vocab + 1, dtype=bool)  # the last slot stands for every other word
    present[np.unique(ids[:size])] = True
    yield np.flatnonzero(present[:-1])
    for end in range(size, len(ids)):
        present[ids[end - size]] = False
        present[ids[end]] = True
        yield np.flatnonzero(present[:-1])


def count_occurrences(
    texts: Iterable[Sequence[str]], words: Sequence[str], window_size: int | None = 10
) -> tuple[np.ndarray, np.ndarray, int]:
    """Window counts of each word, of each pair, and the number of windows."""
    index = {w: i for i, w in enumerate(words)}
    vocab = len(words)
    single = np.zeros(vocab, dtype=np.int64)
    pairs = np.zeros((vocab, vocab), dtype=np.int64)
    windows = 0
    for text in texts:
        if not text:  # gensim counts an empty text as one (empty) window
            windows += 1
            continue
        ids = np.fromiter((index.get(w, vocab) for w in text), dtype=np.int64, count=len(text))
        for present in _windows(ids, window_size, vocab):
            windows += 1
            single[present] += 1
            if len(present) > 1:
                pairs[np.ix_(present, present)] += 1
    np.fill_diagonal(pairs, 0)
    return single, pairs, windows


def npmi_coherence(
    topics: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], window_size: int | None = 10, top_n: int = 10
) -> tuple[float, list[float]]:
    """Mean NPMI coherence of ``topics`` (each a list of words, best first) over tokenised ``texts``.

    Returns the mean over topics and each topic's score (``nan`` for a topic with fewer than
    two words found in the corpus; such topics are left out of the mean).
    """
    words = sorted({w for topic in topics for w in list(topic)[:top_n]})
    single, pairs, windows = count_occurrences(texts, words, window_size)
    index = {w: i for i, w in enumerate(words)}
    scores: list[float] = []
    for topic in topics:
        found = [index[w] for w in list(topic)[:top_n] if single[index[w]] > 0]
        values = [_npmi(single[a], single[b], pairs[a, b], windows) for a, b in combinations(found, 2)]
        scores.append(float(np.mean(values)) if values else math.nan)
    kept = [s for s in scores if not math.isnan(s)]
    return (float(np.mean(kept)) if kept else math.nan), scores


def _npmi(count_a: int, count_b: int, count_ab: int, windows: int) -> float:
    joint = count_ab / windows
    pmi = math.log((joint + EPSILON) / ((count_a / windows) * (count_b / windows)))
    return pmi / -math.log(joint + EPSILON)
