"""The fine-tuned MiniLM sentiment classifier exported to ONNX (int8 or float32): scoring needs
onnxruntime and the ``tokenizers`` library only, no torch.

Produced by the ``accurate`` recipe (:mod:`socialens.recipes.accurate`), which fine-tunes the
packaged all-MiniLM-L6-v2, exports the network with ``torch.onnx.export`` and quantizes its
weights with ``onnxruntime.quantization.quantize_dynamic``. The folder holds ``model.onnx``, the
packaged model's ``tokenizer.json`` and ``settings.json`` (no pickles).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.component import Component
from socialens.errors import ConfigError, MissingExtraError
from socialens.registry import register

MODEL, TOKENIZER, SETTINGS = "model.onnx", "tokenizer.json", "settings.json"
_FORMAT = "socialens.onnx_classifier/1"


@register("sentiment.minilm_onnx.v1")
class OnnxMiniLMSentiment(Component):
    """``OnnxMiniLMSentiment.load(folder)``; ``num_threads`` is onnxruntime's intra-op thread count."""

    labels_: tuple[str, ...]

    def __init__(
        self,
        labels: Sequence[str] = ("negative", "neutral", "positive"),
        max_length: int = 64,
        batch_size: int = 64,
        num_threads: int = 1,
        quantized: bool = True,
    ) -> None:
        self.labels = list(labels)
        self.max_length = max_length
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.quantized = quantized

    @classmethod
    def from_files(cls, model_file: Path, tokenizer_file: Path, **settings: Any) -> OnnxMiniLMSentiment:
        component = cls(**settings)
        component._attach(Path(model_file), Path(tokenizer_file))
        return component

    def fit(self, *args: Any, **kwargs: Any) -> OnnxMiniLMSentiment:
        raise ConfigError(
            "an ONNX sentiment model is exported, not fitted: train it with "
            "`socialens train sentiment --lang en --recipe accurate`"
        )

    def _attach(self, model_file: Path, tokenizer_file: Path) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise MissingExtraError("onnxruntime", "ml") from None
        from socialens.models.onnx_session import cpu_session

        self.session_ = cpu_session(model_file, self.num_threads, "ml")
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        self.tokenizer_ = tokenizer
        self.model_file_, self.tokenizer_file_ = model_file, tokenizer_file
        self.labels_ = tuple(self.labels)

    # -- scoring ----------------------------------------------------------------
    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw scores ``(N, classes)``; texts are scored in length order (less padding)."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not len(texts):
            return out
        ids = [e.ids for e in self.tokenizer_.encode_batch([t or " " for t in texts])]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(ids[i]) for i in rows)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                input_ids[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1
            (scores,) = self.session_.run(None, {"input_ids": input_ids, "attention_mask": mask})
            out[rows] = scores
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.logits(list(texts))
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []

    # -- persistence --------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for source, name in ((self.model_file_, MODEL), (self.tokenizer_file_, TOKENIZER)):
            if Path(source).resolve() != (directory / name).resolve():
                shutil.copyfile(source, directory / name)
        meta = {"format": _FORMAT, **self.get_params()}
        (directory / SETTINGS).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> OnnxMiniLMSentiment:
        directory = Path(directory)
        meta = json.loads((directory / SETTINGS).read_text(encoding="utf-8"))
        if meta.pop("format", None) != _FORMAT:
            raise ConfigError(f"{directory}: not a saved ONNX classifier ({SETTINGS} has another format)")
        return cls.from_files(directory / MODEL, directory / TOKENIZER, **meta)
