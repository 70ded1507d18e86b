"""NPMI coherence equals gensim 4.4 ``c_npmi``; diversity counts unique top words."""

from __future__ import annotations

import math
import random

import pytest

from socialens.evaluate.coherence import npmi_coherence, topic_diversity

VOCAB = list("abcdefghij")
TOPICS = [["a", "b", "c", "d"], ["e", "f", "g"], ["h", "a", "j", "b"]]


def _texts() -> list[list[str]]:
    rng = random.Random(0)
    # Lengths below and above the window, repeated words, and one empty text (gensim counts it).
    return [[rng.choice(VOCAB) for _ in range(rng.randint(1, 25))] for _ in range(60)] + [[]]


@pytest.mark.parametrize("window", [10, 3, None])
def test_npmi_equals_gensim_c_npmi(window):
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    texts = _texts()
    # gensim has no "whole document" mode: a window longer than every text is the same thing.
    model = CoherenceModel(
        topics=TOPICS, texts=texts, dictionary=Dictionary(texts), coherence="c_npmi", window_size=window or 100
    )
    mean, per_topic = npmi_coherence(TOPICS, texts, window_size=window)
    assert mean == pytest.approx(model.get_coherence(), abs=1e-9)
    assert per_topic == pytest.approx(model.get_coherence_per_topic(), abs=1e-9)


def test_words_that_always_co_occur_score_one_and_unknown_words_are_dropped():
    texts = [["tax", "cut"], ["tax", "cut"], ["golf"], ["golf", "course"]]
    mean, scores = npmi_coherence([["tax", "cut", "nowhere"], ["golf"]], texts, window_size=None)
    assert scores[0] == pytest.approx(1.0) and math.isnan(scores[1]) and mean == pytest.approx(1.0)


def test_diversity():
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]]) == pytest.approx(5 / 6)
    assert topic_diversity([]) == 0.0
