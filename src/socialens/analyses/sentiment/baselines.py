"""Non-neural sentiment baselines every socialens model is measured against.

- ``TfidfLogisticRegression``: word 1-2 + char_wb 2-5 TF-IDF (English) or character 1-3-gram
  TF-IDF (Chinese) with logistic regression: the strong classical baseline.
- ``VaderSentiment``: the VADER lexicon (English tweets, emoji aware), untrained.
- ``ChineseLexiconSentiment``: HowNet (optionally DUTIR) word polarities over jieba tokens with
  negators and degree adverbs, untrained, binary.

All share one contract: ``fit(texts, labels) -> self``, ``predict_proba(texts)`` with one column
per name in ``labels_``, ``predict(texts)`` -> class ids. scikit-learn and VADER are imported
inside the methods, because the registry imports this module on every look-up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from socialens.analyses.sentiment.lexicons import PolarityLexicon, load_polarity_lexicon
from socialens.component import Component, Persistent, check_is_fitted
from socialens.errors import MissingExtraError
from socialens.registry import register
from socialens.text.tokenize import tokenize

if TYPE_CHECKING:
    import numpy as np

LABELS = {"en": ("negative", "neutral", "positive"), "zh": ("negative", "positive")}
# C picked on the validation split of the reference protocol: en macro-F1 0.749 / 0.749 / 0.742
# at C = 1 / 3 / 10 (1 is the better calibrated and faster); zh accuracy 0.856 / 0.857 / 0.853
# at C = 4 / 10 / 30.
_DEFAULT_C = {"en": 1.0, "zh": 10.0}


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise MissingExtraError("numpy", "ml") from None
    return numpy


def _label_ids(labels: Sequence[int | str], names: tuple[str, ...]) -> list[int]:
    """Class ids from ids or names, checked against ``names``."""
    ids = [names.index(y) if isinstance(y, str) and y in names else y for y in labels]
    bad = [y for y in ids if not isinstance(y, int) or not 0 <= y < len(names)]
    if bad:
        raise ValueError(f"labels must be ids 0..{len(names) - 1} or names {names}; got {bad[0]!r}")
    return [int(y) for y in ids]


def _check_lang(lang: str) -> tuple[str, ...]:
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}; got {lang!r}")
    return LABELS[lang]


class _SentimentBaseline(Component, Persistent):
    """Shared ``fit``, ``predict`` (argmax of ``predict_proba``) and logistic-regression head;
    saved by pickling (``Persistent``) unless a subclass writes its own files.

    ``fit`` takes the validation texts a neural model stops early on, and ignores them: every
    sentiment model trains through the same call. A subclass that learns implements ``_fit``.
    """

    labels_: tuple[str, ...]
    model_: Any  # the fitted head, for the baselines that learn one

    def fit(
        self,
        texts: Sequence[str] = (),
        labels: Sequence[int | str] = (),
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[int | str] | None = None,
    ) -> Self:
        """Learn from ``texts`` and ``labels`` (:meth:`_fit`); a lexicon baseline learns nothing."""
        return self._fit(texts, labels)

    def _fit(self, texts: Sequence[str], labels: Sequence[int | str]) -> Self:
        return self  # a fixed lexicon: nothing to train

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[int]:
        proba = self.predict_proba(texts)
        return [int(i) for i in proba.argmax(axis=1)] if len(proba) else []

    def _fit_head(self, n_texts: int, labels: Sequence[int | str], names: tuple[str, ...], **settings: Any) -> Any:
        """A logistic-regression head (``settings`` are its own) and the class ids of ``labels``,
        checked: as many as the texts, two classes at least. The caller fits it on its features."""
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError:
            raise MissingExtraError("scikit-learn", "ml") from None
        y = _label_ids(labels, names)
        if n_texts != len(y) or len(set(y)) < 2:
            raise ValueError(f"fit needs as many labels as texts and two classes; got {n_texts} texts, {len(y)} labels")
        return LogisticRegression(**settings), y

    def _head_proba(self, texts: Sequence[str], features: Callable[[Sequence[str]], Any]) -> np.ndarray:
        """The fitted head's probabilities on ``features(texts)``, one column per name in ``labels_``
        (classes missing from the training data keep probability 0)."""
        np = _numpy()
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.labels_)), dtype=np.float64)
        if len(texts):
            out[:, self.model_.classes_] = self.model_.predict_proba(features(texts))
        return out


@register("sentiment.tfidf_lr.v1")
class TfidfLogisticRegression(_SentimentBaseline):
    """TF-IDF n-grams + multinomial logistic regression.

    ``lang="en"``: word 1-2-grams and char_wb 2-5-grams in one feature union (the char grams
    carry misspellings, elongations and emoji). ``lang="zh"``: character 1-3-grams (no
    segmentation errors to inherit). ``C=None`` takes the per-language value tuned on the
    validation split. The saga solver is seeded, so a fit is repeatable.
    """

    def __init__(
        self,
        lang: str = "en",
        C: float | None = None,
        max_iter: int = 1000,
        min_df: int = 2,
        sublinear_tf: bool = True,
        seed: int = 42,
    ) -> None:
        self.lang = lang
        self.C = C
        self.max_iter = max_iter
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.seed = seed

    def _vectorizer(self, n_texts: int) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        # min_df above the corpus size would leave no features at all on a tiny fit.
        min_df = min(self.min_df, max(1, n_texts // 2))
        common = {"sublinear_tf": self.sublinear_tf, "min_df": min_df, "dtype": _numpy().float32}
        if self.lang == "zh":
            return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), **common)
        return FeatureUnion(
            [
                ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), **common)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)),
            ]
        )

    def _fit(self, texts: Sequence[str], labels: Sequence[int | str]) -> Self:
        names = _check_lang(self.lang)
        C = self.C if self.C is not None else _DEFAULT_C[self.lang]
        head = {"C": C, "max_iter": self.max_iter, "solver": "saga", "random_state": self.seed}
        model, y = self._fit_head(len(texts), labels, names, **head)
        vectorizer = self._vectorizer(len(texts))
        model.fit(vectorizer.fit_transform(list(texts)), y)
        self.vectorizer_, self.model_, self.labels_ = vectorizer, model, names
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self._head_proba(texts, lambda chunk: self.vectorizer_.transform(list(chunk)))

    def save(self, directory: str | Path, float16: bool = False) -> Path:
        """Write the fitted model as plain files (vocabularies, weights), not a pickle."""
        from socialens.analyses.sentiment.tfidf_files import save_tfidf

        check_is_fitted(self, "model_")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        save_tfidf(self, directory, float16=float16)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """The model ``save`` wrote, ready to predict (a folder written before, as a pickle, too)."""
        from socialens.analyses.sentiment.tfidf_files import SETTINGS, load_tfidf

        if not (Path(directory) / SETTINGS).is_file():
            return super().load(directory)
        return load_tfidf(cls, Path(directory))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _vader() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise MissingExtraError("vaderSentiment", "ml") from None
    return SentimentIntensityAnalyzer()


@register("sentiment.vader.v1")
class VaderSentiment(_SentimentBaseline):
    """VADER (vaderSentiment 3.3.2), English, three classes; nothing to train.

    ``predict`` uses VADER's documented rule: compound >= ``threshold`` positive, <=
    -``threshold`` negative, else neutral. ``predict_proba`` is VADER's (neg, neu, pos)
    proportions of the text, which are not calibrated and whose argmax is usually "neutral":
    ``predict`` is therefore not the argmax of ``predict_proba`` here.
    """

    labels_: ClassVar[tuple[str, ...]] = LABELS["en"]  # type: ignore[misc]

    def __init__(self, threshold: float = 0.05) -> None:
        self.threshold = threshold

    def _scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        analyzer = _vader()
        return [analyzer.polarity_scores(text or "") for text in texts]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        np = _numpy()
        rows = [(s["neg"], s["neu"], s["pos"]) for s in self._scores(texts)]
        out = np.asarray(rows, dtype=np.float64).reshape(len(rows), 3)
        totals = out.sum(axis=1, keepdims=True)
        out[totals[:, 0] == 0] = (0.0, 1.0, 0.0)  # no words at all: neutral
        return np.asarray(out / out.sum(axis=1, keepdims=True))

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [self._classify(s["compound"]) for s in self._scores(texts)]

    def _classify(self, compound: float) -> int:
        if compound >= self.threshold:
            return 2
        return 0 if compound <= -self.threshold else 1


def _split_modifier_prefixes(tokens: list[str], lexicon: PolarityLexicon) -> list[str]:
    """Split jieba compounds such as 很脏 "very dirty" or 不满 into modifier + polar word."""
    out: list[str] = []
    for token in tokens:
        head, rest = token[:1], token[1:]
        known = token in lexicon.polarity or token in lexicon.negators or token in lexicon.degree
        if not known and rest in lexicon.polarity and (head in lexicon.negators or head in lexicon.degree):
            out.extend((head, rest))
        else:
            out.append(token)
    return out


# Clause boundaries stop negation and degree scope (Chinese and ASCII punctuation, spaces).
_CLAUSE = re.compile(r"[，。！？；、,.!?;:：\s~～…]+")


@register("sentiment.hownet_lexicon.v1")
class ChineseLexiconSentiment(_SentimentBaseline):
    """HowNet word polarities over jieba tokens, binary (negative, positive); nothing to train.

    Each polar word scores +1/-1, times the weight of a degree adverb and flipped by each
    negator among the ``window`` tokens before it in the same clause. The text's score is the
    sum; P(positive) = sigmoid(``scale`` * score). A text with score 0 (no lexicon hit, or
    hits that cancel) gets ``tie_label``: "negative" by default, because on the validation split
    about 3 in 4 such reviews are complaints stated as plain facts ("waited 20 minutes").
    """

    labels_: ClassVar[tuple[str, ...]] = LABELS["zh"]  # type: ignore[misc]

    def __init__(
        self,
        lexicons: tuple[str, ...] = ("hownet",),
        window: int = 3,
        scale: float = 1.0,
        tie_label: str = "negative",
    ) -> None:
        self.lexicons = lexicons
        self.window = window
        self.scale = scale
        self.tie_label = tie_label

    def score(self, text: str) -> float:
        """The summed, negation- and degree-adjusted polarity of one text."""
        lexicon = load_polarity_lexicon(tuple(self.lexicons))
        total = 0.0
        for clause in _CLAUSE.split(text or ""):
            tokens = _split_modifier_prefixes(tokenize(clause, lang="zh"), lexicon) if clause else []
            for i, token in enumerate(tokens):
                sign = lexicon.polarity.get(token)
                if sign is None:
                    continue
                weight = float(sign)
                for before in tokens[max(0, i - self.window) : i]:
                    if before in lexicon.negators:
                        weight = -weight
                    elif before in lexicon.degree:
                        weight *= lexicon.degree[before]
                total += weight
        return total

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        np = _numpy()
        positive = [1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.scale * self.score(t))))) for t in texts]
        p = np.asarray(positive, dtype=np.float64)
        return np.stack([1.0 - p, p], axis=1) if len(p) else np.zeros((0, 2))

    def predict(self, texts: Sequence[str]) -> list[int]:
        tie = self.labels_.index(self.tie_label)
        return [1 if s > 0 else 0 if s < 0 else tie for s in map(self.score, texts)]
