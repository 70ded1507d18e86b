"""Lexicon-derived weak emotion labels, and the lexicon itself as a (baseline) emotion scorer.

A text gets every emotion one of its tokens carries in the lexicon, unless a negator stands
within the lexicon's window before that token ("not happy" is not joy; it is not sadness either:
the lexicons list no opposites, so a negated word simply does not count). Texts without a
counted hit are "none": all-zero rows. Hashtags count as their word (#happy is happy).

Tokens are those the models read (``socialens.models.vocab.text_tokens``: lower-cased, jieba for
Chinese), so a lexicon word can be found, masked and compared at the same positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from socialens.analyses.emotion.lexicons import Lexicon, check_lang, load_lexicon
from socialens.component import Component
from socialens.models.vocab import text_tokens
from socialens.registry import register

# Long posts are cut before tokenising, as the models do (jieba's time grows with the text).
MAX_CHARS = 1024


@dataclass(frozen=True)
class Match:
    """Which tokens are lexicon words (``positions``) and which emotions count (``emotions``)."""

    positions: tuple[int, ...]
    emotions: frozenset[int]


def tokens_of(text: str, lang: str) -> list[str]:
    return text_tokens((text or "")[:MAX_CHARS], lang)


def match_tokens(tokens: Sequence[str], lexicon: Lexicon) -> Match:
    """The lexicon words among ``tokens`` and the emotions of those that are not negated.

    >>> match = match_tokens(["not", "happy", "but", "angry"], load_lexicon("en"))
    >>> [load_lexicon("en").emotions[i] for i in sorted(match.emotions)]
    ['anger', 'disgust']
    >>> match.positions
    (1, 3)
    """
    positions: list[int] = []
    emotions: set[int] = set()
    last_negator = -(10**9)
    for i, token in enumerate(tokens):
        word = token.lstrip("#")
        if word in lexicon.negators:
            last_negator = i
            continue
        if word in lexicon.breakers:
            last_negator = -(10**9)
            continue
        hits = lexicon.words.get(word)
        if hits:
            positions.append(i)
            if i - last_negator > lexicon.window:
                emotions.update(hits)
    return Match(tuple(positions), frozenset(emotions))


def label_vector(match: Match, n_emotions: int) -> list[float]:
    row = [0.0] * n_emotions
    for i in match.emotions:
        row[i] = 1.0
    return row


def weak_labels(texts: Sequence[str], lang: str) -> np.ndarray:
    """Multi-hot weak labels ``(N, K)``, columns in ``EMOTIONS[lang]`` order; all zero = none."""
    lexicon = load_lexicon(check_lang(lang))
    rows = [label_vector(match_tokens(tokens_of(t, lang), lexicon), len(lexicon.emotions)) for t in texts]
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(lexicon.emotions))


def mask_tokens(tokens: Sequence[str], match: Match) -> list[str]:
    """``tokens`` with every lexicon word removed (negated ones too): what is left is context."""
    drop = set(match.positions)
    return [t for i, t in enumerate(tokens) if i not in drop]


@register("emotion.lexicon.v1")
class LexiconEmotion(Component):
    """The lexicon as a scorer: probability 1 for each emotion with a counted hit, else 0.

    It has nothing to learn; ``fit`` only loads the lexicon, so it can stand where a trained
    model does (benchmarks, the conformance checks).
    """

    requires = ("text",)
    assigns = ("emotion",)

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def fit(self, texts: Sequence[str] | None = None, labels: object = None) -> LexiconEmotion:
        self.label_names_ = load_lexicon(check_lang(self.lang)).emotions
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not hasattr(self, "label_names_"):
            self.fit()
        return weak_labels(texts, self.lang)

    def predict_proba_tokens(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        lexicon = load_lexicon(check_lang(self.lang))
        rows = [label_vector(match_tokens(tokens, lexicon), len(lexicon.emotions)) for tokens in token_lists]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(lexicon.emotions))
