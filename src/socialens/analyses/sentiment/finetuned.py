"""The packaged all-MiniLM-L6-v2 encoder fine-tuned end to end for sentiment (the teacher).

Slow to train on a CPU (minutes per thousand texts) and ~300 texts/s to score on two
cores, so it is the accuracy ceiling, not the production model: a student is distilled
from it for batch scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socialens.analyses.sentiment.finetuning import FineTunedClassifier
from socialens.registry import register

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig


@register("sentiment.minilm_finetuned.v1")
class FineTunedMiniLMSentiment(FineTunedClassifier):
    """Fine-tuned MiniLM classifier. ``fit(texts, labels, valid_texts, valid_labels)``."""

    # The training run's settings under ``train`` (a TrainConfig, or a dict of its fields over these).
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {
        "epochs": 3,
        "batch_size": 32,
        "lr": 3e-5,
        "weight_decay": 0.01,
        "warmup_ratio": 0.06,
        "patience": 1,
    }

    def __init__(
        self,
        labels: Sequence[str] = ("negative", "neutral", "positive"),
        train: TrainConfig | dict[str, Any] | None = None,
        max_length: int = 64,
        seed: int = 42,
    ) -> None:
        self.labels = labels
        self.train = train
        self.max_length = max_length
        self.seed = seed

    def _build(self) -> Any:
        from socialens.models.encoders.minilm import load_encoder
        from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig

        return TransformerClassifier(load_encoder(), TransformerClassifierConfig(num_labels=len(self.labels)))

    def _collate(self, items: Sequence[tuple[str, int]]) -> dict[str, Any]:
        import torch

        from socialens.models.encoders.minilm import load_tokenizer

        texts = [text or " " for text, _ in items]
        batch = dict(
            load_tokenizer()(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        )
        batch["labels"] = torch.tensor([label for _, label in items], dtype=torch.long)
        return batch

    # -- scoring ----------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        import torch

        if not len(texts):
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                chunk = [(t, 0) for t in texts[start : start + batch_size]]
                logits = self.model_(self._collate(chunk))
                out.append(torch.softmax(logits, dim=-1).numpy())
        return np.concatenate(out)
