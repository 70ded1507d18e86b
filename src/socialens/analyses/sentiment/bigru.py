"""Sentiment from a BiGRU with attention that socialens trains from scratch on the corpus.

Why it exists beside the fine-tuned transformer: it trains in minutes on a CPU, scores
thousands of posts a second on two cores, and its attention weights are a built-in
explanation. Its word vectors are learned here too (word2vec skip-gram on the training
texts), because no pretrained vectors for tweets or Chinese reviews install offline.
Chinese is segmented with jieba, mixed Chinese/English posts in either language setting.

torch is imported inside the methods: importing this module (the registry does) stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from socialens.component import check_is_fitted
from socialens.models.bigru_text import BiGRUTextComponent, SingleLabelHead, cut_tokens
from socialens.registry import register

# Label names by language, in the order of the integer labels of socialens.datasets.sentiment.
DEFAULT_LABELS = {"en": ("negative", "neutral", "positive"), "zh": ("negative", "positive")}
HEAD = SingleLabelHead()


@register("sentiment.bigru_attention.v1")
class BiGRUSentiment(BiGRUTextComponent):
    """``fit(texts, labels)`` with integer labels indexing ``labels``; ``predict_proba``; ``explain``.

    The shared BiGRU text body (``socialens.models.bigru_text``) with a single-label head.
    ``labels=None`` takes the language's default names (``DEFAULT_LABELS``). Training labels
    may also be class probabilities ``(N, C)``, e.g. a teacher's, to distil it. Without
    validation texts, a seeded random tenth of the training texts is held out for early
    stopping. ``train`` holds the run's settings (a ``TrainConfig``, or a dict of its fields
    over ``TRAIN_DEFAULTS``); ``seed`` seeds everything, the run included.
    ``w2v_epochs=0`` skips word2vec (random word vectors), for ablations.
    """

    requires = ("text",)
    assigns = ("sentiment",)
    FORMAT = "socialens.sentiment.bigru_attention.v1"
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {"epochs": 8, "batch_size": 64, "lr": 2e-3, "patience": 2}

    # -- training -------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int] | np.ndarray,
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[int] | None = None,
        progress: bool = False,
    ) -> BiGRUSentiment:
        """Build the vocabulary, learn word2vec vectors on ``texts``, then train the classifier."""
        names = tuple(self.labels) if self.labels is not None else DEFAULT_LABELS.get(self.lang, DEFAULT_LABELS["en"])
        train_labels = self._check_labels(labels, len(names))
        if valid_texts is None or valid_labels is None:
            texts, train_labels, valid_texts, valid = self._hold_out(texts, train_labels)
        else:
            valid = self._check_labels(valid_labels, len(names))
        if len(texts) != len(train_labels):
            raise ValueError(f"{len(texts)} texts but {len(train_labels)} labels")
        self._fit_body((self.tokenize(texts), train_labels), (self.tokenize(valid_texts), valid), names, HEAD, progress)
        return self

    def _tokens(self, text: str) -> list[str]:
        return cut_tokens(text, self.lang, self.max_len)

    @staticmethod
    def _check_labels(labels: Sequence[int] | np.ndarray, n: int) -> list[Any]:
        """Class indices as ints, or rows of ``n`` class probabilities as float lists (soft labels)."""
        array = np.asarray(labels)
        if array.ndim == 2:
            if array.shape[1] != n or (array < 0).any() or not np.allclose(array.sum(1), 1.0, atol=1e-3):
                raise ValueError(f"soft labels must be rows of {n} class probabilities; got shape {array.shape}")
            return array.astype(np.float32).tolist()
        out = [int(y) for y in array.reshape(-1)]
        bad = sorted({y for y in out if not 0 <= y < n})
        if bad:
            raise ValueError(f"labels must be class indices 0..{n - 1}; got {bad[:5]}")
        return out

    def _hold_out(self, texts: Sequence[str], labels: list[Any]) -> tuple[list[str], list[Any], list[str], list[Any]]:
        order = np.random.default_rng(self.seed).permutation(len(texts))
        cut = max(1, len(texts) // 10)
        held, kept = order[:cut], order[cut:]
        return [texts[i] for i in kept], [labels[i] for i in kept], [texts[i] for i in held], [labels[i] for i in held]

    # -- scoring --------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Class probabilities (N, C), columns in ``label_names_`` order.

        Texts are scored in batches of similar length (then put back in input order) so
        little time goes to padding; only the first ``max_len`` tokens of a text count.
        """
        check_is_fitted(self, "body_")
        return self.proba_of_tokens(self.tokenize(texts), batch_size)

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """The tokens the model reads of each text (jieba for Chinese: the costly part of scoring)."""
        return [self._tokens(t) for t in texts]

    def proba_of_tokens(self, tokens: Sequence[list[str]], batch_size: int = 256) -> np.ndarray:
        """``predict_proba`` of texts already cut by ``tokenize`` (a model of the same language and
        ``max_len`` cuts them the same way, so an ensemble cuts once for all its members)."""
        check_is_fitted(self, "body_")
        return self.body_.scores(tokens, HEAD, batch_size)

    def predict(self, texts: Sequence[str]) -> list[int]:
        """The most likely class index of each text (a name is ``label_names_[index]``)."""
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []

    def explain(self, text: str) -> list[tuple[str, float]]:
        """The tokens of ``text`` the model read, each with its attention weight (they sum to 1).

        Tokens are shown as written (lower-cased), also those the vocabulary reads as ``<unk>``;
        beyond ``max_len`` tokens nothing was read, so nothing is listed. Empty text: ``[]``.
        """
        check_is_fitted(self, "body_")
        tokens = self._tokens(text)
        if not tokens:
            return []
        return list(zip(tokens, self.body_.attention(tokens), strict=False))
