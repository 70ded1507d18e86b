"""Emotions from the shared BiGRU + attention body with a multi-label sigmoid head, trained on weak labels.

Why a model at all when the lexicon gives the labels: the lexicon sees only its own words, so
"my flight got cancelled again" has no emotion for it. To make the network learn from context
rather than memorise the lexicon, a seeded share (``mask_prob``) of the training texts with a hit
have every lexicon word removed while keeping their labels: the model must find the emotion in
the words around it. The body (vocabulary, word2vec start, network, trainer) is the one the
sentiment model composes too (``socialens.models.bigru_text``); the head here is multi-label:
binary cross-entropy per emotion, micro-F1 at ``threshold`` on validation, independent sigmoids.

Rare emotions (DUTIR's 怒 anger is on 1.6% of reviews) seldom reach a probability of 0.5, so
with ``tune_thresholds`` each emotion gets the threshold that maximises its F1 on the
validation texts (``thresholds_``); an emotion without validation positives keeps ``threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang, load_lexicon
from socialens.analyses.emotion.weak_labels import label_vector, mask_tokens, match_tokens
from socialens.component import check_is_fitted
from socialens.models.bigru_text import BiGRUTextComponent, MultiLabelHead, cut_tokens
from socialens.registry import register


@register("emotion.bigru.v1")
class BiGRUEmotion(BiGRUTextComponent):
    """``fit(texts, labels=None)``: ``labels`` are multi-hot rows ``(N, K)``; None = the lexicon's weak labels.

    The shared BiGRU text body (``socialens.models.bigru_text``) with a multi-label head.
    ``labels`` (the settings) name the emotions; None takes the language's lexicon classes.
    ``predict_proba`` gives independent per-emotion probabilities (rows need not sum to 1).
    ``train`` holds the run's settings (a ``TrainConfig``, or a dict of its fields over
    ``TRAIN_DEFAULTS``); ``seed`` seeds everything, the run included.
    """

    requires = ("text",)
    assigns = ("emotion",)
    FORMAT = "socialens.emotion.bigru_attention.v1"
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {"epochs": 6, "batch_size": 64, "lr": 2e-3, "patience": 2}

    # The head's settings: the share of texts with their lexicon words masked, the decision threshold,
    # and whether each emotion's threshold is tuned on validation.
    HEAD_SETTINGS: ClassVar[dict[str, Any]] = {"mask_prob": 0.5, "threshold": 0.5, "tune_thresholds": True}
    mask_prob: float
    threshold: float
    tune_thresholds: bool

    # -- training -------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[float]] | np.ndarray | None = None,
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[Sequence[float]] | np.ndarray | None = None,
        progress: bool = False,
    ) -> BiGRUEmotion:
        """Learn word vectors and the network; ``labels=None`` labels ``texts`` with the lexicon."""
        names = tuple(self.labels) if self.labels is not None else load_lexicon(check_lang(self.lang)).emotions
        tokens, rows = self._masked_examples(texts, labels, len(names), self.seed)
        if valid_texts is None:  # a seeded tenth held out for early stopping
            order = np.random.default_rng(self.seed).permutation(len(tokens))
            cut = max(1, len(tokens) // 10)
            valid_tokens, valid_rows = [tokens[i] for i in order[:cut]], [rows[i] for i in order[:cut]]
            tokens, rows = [tokens[i] for i in order[cut:]], [rows[i] for i in order[cut:]]
        else:
            valid_tokens, valid_rows = self._masked_examples(valid_texts, valid_labels, len(names), self.seed + 1)
        self._fit_body((tokens, rows), (valid_tokens, valid_rows), names, MultiLabelHead(self.threshold), progress)
        self.thresholds_ = np.full(len(names), self.threshold, dtype=np.float32)
        if self.tune_thresholds:
            self.thresholds_ = self._tuned_thresholds(valid_tokens, valid_rows)
        return self

    def _tuned_thresholds(self, tokens: list[list[str]], rows: list[list[float]]) -> np.ndarray:
        """Per emotion, the grid threshold with the best F1 on the validation texts (ties: the lower)."""
        proba = self.predict_proba_tokens(tokens)
        truth = np.asarray(rows, dtype=np.float32).reshape(proba.shape) >= 0.5
        grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
        out = np.full(proba.shape[1], self.threshold, dtype=np.float32)
        for k in range(proba.shape[1]):
            if not truth[:, k].any():
                continue
            guess = proba[:, k][None, :] >= grid[:, None]  # (G, N)
            tp = (guess & truth[:, k]).sum(1)
            f1 = 2 * tp / (guess.sum(1) + truth[:, k].sum())
            out[k] = grid[int(np.argmax(f1))]
        return out

    def _masked_examples(
        self, texts: Sequence[str], labels: Any, n: int, seed: int
    ) -> tuple[list[list[str]], list[list[float]]]:
        """Tokens (a ``mask_prob`` share of texts with lexicon hits stripped of them) and label rows."""
        lexicon = load_lexicon(check_lang(self.lang))
        tokens = [cut_tokens(t, self.lang, self.max_len) for t in texts]
        matches = [match_tokens(t, lexicon) for t in tokens]
        rows = _check_rows(labels, n, len(texts)) if labels is not None else None
        if rows is None:
            if n != len(lexicon.emotions):
                raise ValueError(f"weak labels have {len(lexicon.emotions)} emotions; the settings name {n}")
            rows = [label_vector(m, n) for m in matches]
        draws = np.random.default_rng(seed).random(len(tokens))
        masked = [
            mask_tokens(t, m) if m.positions and draw < self.mask_prob else t
            for t, m, draw in zip(tokens, matches, draws, strict=True)
        ]
        return masked, rows

    # -- scoring --------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Per-emotion probabilities ``(N, K)``, columns in ``label_names_`` order."""
        return self.predict_proba_tokens([cut_tokens(t, self.lang, self.max_len) for t in texts], batch_size)

    def predict_proba_tokens(self, token_lists: Sequence[Sequence[str]], batch_size: int = 256) -> np.ndarray:
        """As ``predict_proba`` for texts already tokenised (e.g. with lexicon words masked)."""
        check_is_fitted(self, "body_")
        return self.body_.scores(token_lists, MultiLabelHead(self.threshold), batch_size)

    def predict(self, texts: Sequence[str]) -> list[list[int]]:
        """Multi-hot predictions (probability >= the emotion's threshold, ``thresholds_``) per text."""
        return (self.predict_proba(texts) >= self.thresholds_).astype(int).tolist() if len(texts) else []

    # -- persistence ----------------------------------------------------------------
    def _saved_state(self) -> dict[str, Any]:
        return {"thresholds": [float(t) for t in self.thresholds_]}

    def _load_state(self, meta: dict[str, Any]) -> None:
        default = [self.threshold] * len(self.label_names_)
        self.thresholds_ = np.asarray(meta.get("thresholds", default), dtype=np.float32)


def _check_rows(labels: Any, n: int, count: int) -> list[list[float]]:
    array = np.asarray(labels, dtype=np.float32)
    if array.ndim != 2 or array.shape != (count, n) or ((array != 0) & (array != 1)).any():
        raise ValueError(f"emotion labels must be {count} multi-hot rows of {n} zeros and ones; got {array.shape}")
    return array.tolist()
