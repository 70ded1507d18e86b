"""Emotions from the sentiment BiGRU + attention with a multi-label sigmoid head, trained on weak labels.

Why a model at all when the lexicon gives the labels: the lexicon sees only its own words, so
"my flight got cancelled again" has no emotion for it. To make the network learn from context
rather than memorise the lexicon, a seeded share (``mask_prob``) of the training texts with a hit
have every lexicon word removed while keeping their labels: the model must find the emotion in
the words around it. The network, word2vec start and trainer are the sentiment model's; only the
loss (binary cross-entropy per emotion), the validation metric (micro-F1 at ``threshold``) and
the output (independent sigmoids) differ.

Rare emotions (DUTIR's 怒 anger is on 1.6% of reviews) seldom reach a probability of 0.5, so
with ``tune_thresholds`` each emotion gets the threshold that maximises its F1 on the
validation texts (``thresholds_``); an emotion without validation positives keeps ``threshold``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang, load_lexicon
from socialens.analyses.emotion.weak_labels import label_vector, mask_tokens, match_tokens
from socialens.analyses.sentiment.bigru import BiGRUSentiment, _torch
from socialens.component import check_is_fitted
from socialens.models.vocab import Vocab
from socialens.registry import register

_FORMAT = "socialens.emotion.bigru_attention.v1"


@register("emotion.bigru.v1")
class BiGRUEmotion(BiGRUSentiment):
    """``fit(texts, labels=None)``: ``labels`` are multi-hot rows ``(N, K)``; None = the lexicon's weak labels.

    ``labels`` (the settings) name the emotions; None takes the language's lexicon classes.
    ``predict_proba`` gives independent per-emotion probabilities (rows need not sum to 1).
    """

    requires = ("text",)
    assigns = ("emotion",)

    def __init__(
        self,
        lang: str = "en",
        labels: Sequence[str] | None = None,
        embed_dim: int = 100,
        hidden: int = 64,
        attention_dim: int = 64,
        dropout: float = 0.3,
        epochs: int = 6,
        batch_size: int = 64,
        lr: float = 2e-3,
        weight_decay: float = 0.0,
        patience: int = 2,
        seed: int = 42,
        max_len: int = 64,
        min_count: int = 2,
        max_vocab: int = 30_000,
        w2v_epochs: int = 5,
        w2v_window: int = 5,
        num_threads: int = 1,
        log_dir: str | None = None,
        checkpoint_dir: str | None = None,
        mask_prob: float = 0.5,
        threshold: float = 0.5,
        tune_thresholds: bool = True,
    ) -> None:
        super().__init__(
            lang=lang,
            labels=labels,
            embed_dim=embed_dim,
            hidden=hidden,
            attention_dim=attention_dim,
            dropout=dropout,
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            weight_decay=weight_decay,
            patience=patience,
            seed=seed,
            max_len=max_len,
            min_count=min_count,
            max_vocab=max_vocab,
            w2v_epochs=w2v_epochs,
            w2v_window=w2v_window,
            num_threads=num_threads,
            log_dir=log_dir,
            checkpoint_dir=checkpoint_dir,
        )
        self.mask_prob = mask_prob
        self.threshold = threshold
        self.tune_thresholds = tune_thresholds

    # -- training -------------------------------------------------------------------
    def fit(  # type: ignore[override]
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[float]] | np.ndarray | None = None,
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[Sequence[float]] | np.ndarray | None = None,
        progress: bool = False,
    ) -> BiGRUEmotion:
        """Learn word vectors and the network; ``labels=None`` labels ``texts`` with the lexicon."""
        torch = _torch()
        from socialens.models.bigru_attention import collate_ids
        from socialens.training.trainer import Trainer

        names = tuple(self.labels) if self.labels is not None else load_lexicon(check_lang(self.lang)).emotions
        tokens, rows = self._masked_examples(texts, labels, len(names), self.seed)
        if valid_texts is None:  # a seeded tenth held out for early stopping
            order = np.random.default_rng(self.seed).permutation(len(tokens))
            cut = max(1, len(tokens) // 10)
            valid_tokens, valid_rows = [tokens[i] for i in order[:cut]], [rows[i] for i in order[:cut]]
            tokens, rows = [tokens[i] for i in order[cut:]], [rows[i] for i in order[cut:]]
        else:
            valid_tokens, valid_rows = self._masked_examples(valid_texts, valid_labels, len(names), self.seed + 1)
        torch.set_num_threads(self.num_threads)
        self.vocab_ = Vocab.build(tokens, self.min_count, self.max_vocab, self.lang)
        train_ids = [self.vocab_.encode_tokens(t) for t in tokens]
        model = self._new_model(len(names), train_ids)
        self.training_ = Trainer(self._train_config()).fit(
            model,
            list(zip(train_ids, rows, strict=True)),
            [(self.vocab_.encode_tokens(t), y) for t, y in zip(valid_tokens, valid_rows, strict=True)],
            collate_fn=collate_ids,
            loss_fn=_bce,
            metric_fn=_micro_f1_at(self.threshold),
            progress=progress,
        )
        self.model_, self.label_names_ = model.eval(), names
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
        tokens = [self._tokens(t) for t in texts]
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
        return self.predict_proba_tokens([self._tokens(t) for t in texts], batch_size)

    def predict_proba_tokens(self, token_lists: Sequence[Sequence[str]], batch_size: int = 256) -> np.ndarray:
        """As ``predict_proba`` for texts already tokenised (e.g. with lexicon words masked)."""
        torch = _torch()
        from socialens.models.bigru_attention import collate_ids

        check_is_fitted(self, "model_")
        if not len(token_lists):
            return np.zeros((0, len(self.label_names_)), dtype=np.float32)
        ids = [self.vocab_.encode_tokens(list(t)[: self.max_len]) for t in token_lists]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), len(self.label_names_)), dtype=np.float32)
        self.model_.eval()
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                out[rows] = torch.sigmoid(self.model_(collate_ids([(ids[i], 0) for i in rows]))).numpy()
        return out

    def predict(self, texts: Sequence[str]) -> list[list[int]]:  # type: ignore[override]
        """Multi-hot predictions (probability >= the emotion's threshold, ``thresholds_``) per text."""
        return (self.predict_proba(texts) >= self.thresholds_).astype(int).tolist() if len(texts) else []

    # -- persistence ----------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``settings.json``, ``vocab.json`` and ``model.pt`` (weights only) into ``directory``."""
        torch = _torch()
        check_is_fitted(self, "model_")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": _FORMAT,
            "settings": self.get_params(),
            "label_names": list(self.label_names_),
            "model_config": vars(self.model_.config),
            "thresholds": [float(t) for t in self.thresholds_],
        }
        (directory / "settings.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        self.vocab_.save(directory / "vocab.json")
        torch.save(self.model_.state_dict(), directory / "model.pt")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> BiGRUEmotion:
        """The component ``save`` wrote, ready to predict."""
        torch = _torch()
        from socialens.models.bigru_attention import BiGRUAttention, BiGRUAttentionConfig

        directory = Path(directory)
        meta = json.loads((directory / "settings.json").read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{directory}: not a saved {cls.registry_name} model (format {meta.get('format')!r})")
        settings = dict(meta["settings"])
        if settings.get("labels") is not None:
            settings["labels"] = tuple(settings["labels"])
        component = cls(**settings)
        model = BiGRUAttention(BiGRUAttentionConfig(**meta["model_config"]))
        model.load_state_dict(torch.load(directory / "model.pt", map_location="cpu", weights_only=True))
        component.vocab_ = Vocab.load(directory / "vocab.json")
        component.model_ = model.eval()
        component.label_names_ = tuple(meta["label_names"])
        component.word2vec_loss_ = []
        default = [component.threshold] * len(component.label_names_)
        component.thresholds_ = np.asarray(meta.get("thresholds", default), dtype=np.float32)
        return component


def _check_rows(labels: Any, n: int, count: int) -> list[list[float]]:
    array = np.asarray(labels, dtype=np.float32)
    if array.ndim != 2 or array.shape != (count, n) or ((array != 0) & (array != 1)).any():
        raise ValueError(f"emotion labels must be {count} multi-hot rows of {n} zeros and ones; got {array.shape}")
    return array.tolist()


def _bce(logits: Any, labels: Any) -> Any:
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(logits, labels.float())


def _micro_f1_at(threshold: float) -> Any:
    def metric(model: Any, loader: Any) -> float:
        from socialens.training.evaluation import predict

        logits, labels = predict(model, loader)
        guess = logits.sigmoid() >= threshold
        truth = labels >= 0.5
        tp = float((guess & truth).sum())
        return 2 * tp / max(float(guess.sum() + truth.sum()), 1.0)

    return metric
