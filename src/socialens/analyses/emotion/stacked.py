"""Emotions from a small linear stack: lexicon hits + distant heads + a sentence embedding.

Why this shape: the only human emotion labels are a few hundred annotated posts (the reference
dev part), far too few to train a text model, and the lexicons alone score a macro-F1 of 0.20
(NRC, English) and 0.46 (DUTIR, Chinese) on the reference test part. So the many unlabelled
posts teach the features and the few labelled ones teach how to weigh them:

1. **Distant heads** (``fit(..., distant_texts=, distant_sentiment=)``), on tens of thousands of
   posts: one logistic head per emotion trained on the lexicon's weak labels, and one on the
   posts' sentiment labels (anger and disgust are negative, joy and trust positive), both over
   ``head_features`` (WordLlama vectors for English; hashed character 1-3-grams for Chinese,
   which WordLlama's tokenizer splits into bytes).
2. **Stacker**, on the annotated posts: per emotion, a logistic regression over
   ``[lexicon hits (K), weak heads (K), sentiment (C), embedding (D)]``; its strength ``C`` and
   class weighting are chosen by ``folds``-fold cross-validated macro-F1 on those posts, and each
   emotion's threshold is the one that maximises its out-of-fold F1, so a rare emotion is not
   given to every text.

Weights are saved as ``settings.json`` + ``weights.npz`` (read with ``allow_pickle=False``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang, load_lexicon
from socialens.analyses.emotion.weak_labels import weak_labels
from socialens.component import Component
from socialens.errors import MissingExtraError, TrainingError
from socialens.models.saved import read_saved_meta
from socialens.registry import register

_FORMAT = "socialens.emotion.stacked.v1"
HASHED = "hash-char-1-3"
THRESHOLD_GRID = np.round(np.linspace(0.05, 0.95, 19), 2)


@register("emotion.stacked.v1")
class StackedEmotion(Component):
    """``fit(texts, labels, distant_texts=None, distant_sentiment=None)``; ``labels`` multi-hot ``(N, K)``.

    ``head_features``: a registered embedder name (``topics.WordLlama.v1``) or ``"hash-char-1-3"``;
    ``embedder``: a registered embedder whose vectors go to the stacker, or None.
    """

    requires = ("text",)
    assigns = ("emotion",)

    def __init__(
        self,
        lang: str = "en",
        head_features: str = "topics.WordLlama.v1",
        embedder: str | None = "topics.MiniLM.v1",
        hash_features: int = 2**17,
        c_grid: Sequence[float] = (0.3, 1.0, 3.0),
        folds: int = 5,
        seed: int = 42,
    ) -> None:
        self.lang = lang
        self.head_features = head_features
        self.embedder = embedder
        self.hash_features = hash_features
        self.c_grid = c_grid
        self.folds = folds
        self.seed = seed

    # ---- training -----------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: np.ndarray | None = None,
        distant_texts: Sequence[str] | None = None,
        distant_sentiment: Sequence[int] | None = None,
    ) -> StackedEmotion:
        """``labels=None`` takes the lexicon's weak labels; heads not trained yet (no
        ``distant_texts``, no earlier :meth:`fit_heads`) are trained on ``texts`` themselves."""
        self.label_names_ = load_lexicon(check_lang(self.lang)).emotions
        labels = weak_labels(texts, self.lang) if labels is None else labels
        labels = np.asarray(labels, dtype=np.int8)
        if labels.shape != (len(texts), len(self.label_names_)) or ((labels != 0) & (labels != 1)).any():
            raise TrainingError(
                f"emotion labels must be {len(texts)} multi-hot rows of {len(self.label_names_)} zeros and ones; "
                f"got shape {labels.shape}"
            )
        if distant_texts is not None or not hasattr(self, "head_coef_"):
            self.fit_heads(texts if distant_texts is None else distant_texts, distant_sentiment)
        features = self.stack_features(texts)
        self.selection_ = self._select(features, labels)
        self.stack_coef_, self.stack_bias_ = self._fit_stacker(features, labels, **self.selection_["config"])
        self.thresholds_ = np.asarray(self.selection_["thresholds"], dtype=np.float32)
        return self

    def fit_heads(self, texts: Sequence[str], sentiment: Sequence[int] | None) -> None:
        lr = _logistic()
        base = self._head_inputs(texts)
        weak = weak_labels(texts, self.lang)
        coefs, biases = [], []
        for k in range(weak.shape[1]):
            model = lr(C=1.0, max_iter=500).fit(base, weak[:, k]) if 0 < weak[:, k].sum() < len(texts) else None
            coefs.append(model.coef_[0] if model else np.zeros(base.shape[1]))
            biases.append(model.intercept_[0] if model else -10.0)
        self.n_sentiment_ = 0
        if sentiment is not None:
            model = lr(C=1.0, max_iter=500).fit(base, np.asarray(sentiment))
            coef, bias = model.coef_, model.intercept_
            if coef.shape[0] == 1:  # binary: both columns, so the features are probabilities of each class
                coef, bias = np.vstack([-coef, coef]), np.concatenate([-bias, bias])
            coefs.extend(coef)
            biases.extend(bias)
            self.n_sentiment_ = len(bias)
        self.head_coef_ = np.asarray(coefs, dtype=np.float32)  # (K + C, F)
        self.head_bias_ = np.asarray(biases, dtype=np.float32)

    def _select(self, features: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
        """The (C, class weight) with the best out-of-fold macro-F1, and its per-emotion thresholds."""
        from sklearn.model_selection import KFold

        folds = list(KFold(min(self.folds, len(features)), shuffle=True, random_state=self.seed).split(features))
        best: dict[str, Any] = {"macro_f1": -1.0}
        for weight in (None, "balanced"):
            for c in self.c_grid:
                config: dict[str, Any] = {"c": float(c), "class_weight": weight}
                oof = np.zeros(labels.shape, dtype=np.float32)
                for train, held in folds:
                    coef, bias = self._fit_stacker(features[train], labels[train], **config)
                    oof[held] = _sigmoid(features[held] @ coef.T + bias)
                cuts = [_best_threshold(labels[:, k], oof[:, k]) for k in range(labels.shape[1])]
                macro = float(np.mean([f1 for _, f1 in cuts]))
                if macro > best["macro_f1"]:
                    best = {"macro_f1": round(macro, 4), "config": config, "thresholds": [t for t, _ in cuts]}
        return best

    @staticmethod
    def _fit_stacker(
        features: np.ndarray, labels: np.ndarray, c: float, class_weight: str | None
    ) -> tuple[np.ndarray, np.ndarray]:
        lr = _logistic()
        coefs = np.zeros((labels.shape[1], features.shape[1]), dtype=np.float32)
        biases = np.full(labels.shape[1], -10.0, dtype=np.float32)  # an emotion never seen: never predicted
        for k in range(labels.shape[1]):
            if 0 < labels[:, k].sum() < len(labels):
                model = lr(C=c, max_iter=2000, class_weight=class_weight).fit(features, labels[:, k])
                coefs[k], biases[k] = model.coef_[0], model.intercept_[0]
        return coefs, biases

    # ---- features and prediction --------------------------------------------------------------
    def _head_inputs(self, texts: Sequence[str]) -> Any:
        if self.head_features == HASHED:
            try:
                from sklearn.feature_extraction.text import HashingVectorizer
            except ImportError:
                raise MissingExtraError("scikit-learn", "ml") from None
            vectorizer = HashingVectorizer(
                n_features=self.hash_features, analyzer="char", ngram_range=(1, 3), alternate_sign=False
            )
            return vectorizer.transform([t or "" for t in texts])  # (N, F) sparse, rows l2-normalised
        return _embed(self.head_features, texts)

    def stack_features(self, texts: Sequence[str]) -> np.ndarray:
        """``(N, K + K + C + D)``: lexicon hits, weak heads, sentiment probabilities, embedding."""
        texts = [t or "" for t in texts]
        hits = weak_labels(texts, self.lang)  # (N, K)
        logits = self._head_inputs(texts) @ self.head_coef_.astype(np.float32).T + self.head_bias_  # (N, K + C)
        k = len(self.head_bias_) - self.n_sentiment_
        heads = _sigmoid(np.asarray(logits[:, :k]))
        sentiment = _softmax(np.asarray(logits[:, k:])) if self.n_sentiment_ else np.zeros((len(texts), 0))
        embedded = _embed(self.embedder, texts) if self.embedder else np.zeros((len(texts), 0))
        return np.hstack([hits, heads, sentiment, embedded]).astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Independent per-emotion probabilities ``(N, K)``, columns in ``label_names_`` order."""
        if not texts:
            return np.zeros((0, len(self.label_names_)), dtype=np.float32)
        return _sigmoid(self.stack_features(texts) @ self.stack_coef_.T + self.stack_bias_)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Multi-hot ``(N, K)``: each emotion at or above its threshold."""
        return (self.predict_proba(texts) >= self.thresholds_).astype(np.int8)

    # ---- persistence ----------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": _FORMAT,
            "settings": {**self.get_params(), "c_grid": list(self.c_grid)},
            "labels": list(self.label_names_),
            "thresholds": [round(float(t), 4) for t in self.thresholds_],
            "n_sentiment": self.n_sentiment_,
            "selection": self.selection_,
        }
        (folder / "settings.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        # Hashed heads are wide (K + C rows of 2^17): float16 halves them; the stack stays float32.
        np.savez_compressed(
            folder / "weights.npz",
            head_coef=self.head_coef_.astype(np.float16),
            head_bias=self.head_bias_,
            stack_coef=self.stack_coef_,
            stack_bias=self.stack_bias_,
        )
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> StackedEmotion:
        folder = Path(directory)
        meta = read_saved_meta(folder / "settings.json", _FORMAT, f"{cls.registry_name} model")
        model = cls(**meta["settings"])
        with np.load(folder / "weights.npz", allow_pickle=False) as weights:
            model.head_coef_ = weights["head_coef"].astype(np.float32)
            model.head_bias_ = weights["head_bias"]
            model.stack_coef_ = weights["stack_coef"]
            model.stack_bias_ = weights["stack_bias"]
        model.label_names_ = tuple(meta["labels"])
        model.thresholds_ = np.asarray(meta["thresholds"], dtype=np.float32)
        model.n_sentiment_ = int(meta["n_sentiment"])
        model.selection_ = meta["selection"]
        return model


def _embed(name: str, texts: Sequence[str]) -> np.ndarray:
    from socialens.registry import get

    return np.asarray(get(name)().embed(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]


def _best_threshold(truth: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """The grid threshold with the highest F1 for one emotion (ties: the higher threshold)."""
    best = (0.5, 0.0)
    positives = truth.sum()
    for cut in THRESHOLD_GRID:
        guess = scores >= cut
        tp = float((guess & (truth == 1)).sum())
        f1 = 2 * tp / max(guess.sum() + positives, 1)
        if f1 >= best[1]:
            best = (float(cut), f1)
    return best


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return (z / z.sum(axis=1, keepdims=True)).astype(np.float32)


def _logistic() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise MissingExtraError("scikit-learn", "ml") from None
    return LogisticRegression
