"""Hate speech / offensive language / neither, from the packaged HateSonar ONNX model.

HateSonar (Davidson et al.'s tweet classifier, exported to ONNX) ships inside the pinned
``hatesonar`` package. Its text normaliser needs the ``en_US.UTF-8`` locale, which
``scripts/setup`` and ``.ci/run`` install; without it a clear error says what to do.
English only: the model was trained on English tweets.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Self

import numpy as np

from socialens.component import Component
from socialens.errors import ConfigError, MissingExtraError
from socialens.registry import register

LABELS = ("hate_speech", "offensive_language", "neither")


@lru_cache(maxsize=1)
def _session() -> Any:
    try:
        import onnxruntime as ort
        from hatesonar.api import DEFAULT_MODEL_FILE
    except ImportError:
        raise MissingExtraError("hatesonar", "ml") from None
    try:
        return ort.InferenceSession(str(DEFAULT_MODEL_FILE), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail type
        if "locale" in str(exc):
            raise ConfigError(
                "the offensive-language model needs the en_US.UTF-8 locale: run 'bash scripts/setup' "
                "(or: apt-get install locales && locale-gen en_US.UTF-8)"
            ) from None
        raise


@register("offensive.hatesonar.v1")
class HateSonarOffensive(Component):
    """Per-text probabilities of hate speech, offensive language, neither. ``fit`` does nothing."""

    def __init__(self, batch_size: int = 1024) -> None:
        self.batch_size = batch_size

    @property
    def labels_(self) -> tuple[str, ...]:
        return LABELS

    def fit(self, texts: Sequence[str] = (), labels: Sequence[int] = ()) -> Self:
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
        for start in range(0, len(texts), self.batch_size):
            chunk = np.array([t or "" for t in texts[start : start + self.batch_size]], dtype=object)
            _, probabilities = _session().run(None, {"text": chunk})
            for row, scores in enumerate(probabilities):
                out[start + row] = [scores[i] for i in range(len(LABELS))]
        return out

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []
