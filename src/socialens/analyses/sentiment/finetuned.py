"""The packaged all-MiniLM-L6-v2 encoder fine-tuned end to end for sentiment (the teacher).

Slow to train on a CPU (minutes per thousand texts) and ~300 texts/s to score on two
cores, so it is the accuracy ceiling, not the production model: a student is distilled
from it for batch scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socialens.analyses.sentiment.finetuning import hold_out, load_settings, save_settings
from socialens.component import Component, Persistent
from socialens.registry import register

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig


@register("sentiment.minilm_finetuned.v1")
class FineTunedMiniLMSentiment(Component, Persistent):
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

    def train_config(self) -> TrainConfig:
        """The settings of the training run: ``train`` over ``TRAIN_DEFAULTS``, seeded by ``seed``."""
        from socialens.training.config import component_train_config

        return component_train_config(self)

    # -- training ---------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[int] | None = None,
        progress: bool = False,
        resume: bool = False,
    ) -> FineTunedMiniLMSentiment:
        """Train; ``resume=True`` continues from ``checkpoint_dir/last.pt`` of an interrupted run."""
        import torch

        from socialens.models.encoders.minilm import load_encoder
        from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig
        from socialens.training.trainer import Trainer

        if valid_texts is None or valid_labels is None:
            texts, labels, valid_texts, valid_labels = hold_out(texts, labels, self.seed)
        torch.manual_seed(self.seed)  # the head's initial weights
        model = TransformerClassifier(load_encoder(), TransformerClassifierConfig(num_labels=len(self.labels)))
        config = self.train_config()
        result = Trainer(config).fit(
            model,
            list(zip(texts, labels, strict=True)),
            list(zip(valid_texts, valid_labels, strict=True)),
            collate_fn=self._collate,
            progress=progress,
            resume=resume,
        )
        self.model_ = model.eval()
        self.training_ = result
        return self

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

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []

    # -- persistence --------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        import torch

        directory.mkdir(parents=True, exist_ok=True)
        torch.save(self.model_.state_dict(), directory / "model.pt")
        save_settings(self, directory)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> FineTunedMiniLMSentiment:
        directory = Path(directory)
        import torch

        from socialens.models.encoders.minilm import load_encoder
        from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig

        component = cls(**load_settings(directory))
        model = TransformerClassifier(load_encoder(), TransformerClassifierConfig(num_labels=len(component.labels)))
        model.load_state_dict(torch.load(directory / "model.pt", map_location="cpu", weights_only=True))
        component.model_ = model.eval()
        return component
