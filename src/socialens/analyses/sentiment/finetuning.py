"""What the fine-tuned transformer classifiers (MiniLM, e5) share: validation hold-out, the
training run's settings (``train``), the fitting through the shared trainer, ``predict``, and
the files they save (:class:`FineTunedClassifier`)."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import numpy as np

from socialens.component import Component, Persistent

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig

T = TypeVar("T")
L = TypeVar("L")


def hold_out(texts: Sequence[T], labels: Sequence[L], seed: int) -> tuple[list[T], list[L], list[T], list[L]]:
    """Training texts and labels, then a seeded random tenth of them held out for validation."""
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = max(1, len(texts) // 10)
    valid, train = order[:cut], order[cut:]
    return [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in valid], [labels[i] for i in valid]


def save_settings(component: Any, directory: Path) -> None:
    """``settings.pkl``: the component's settings as given."""
    (directory / "settings.pkl").write_bytes(pickle.dumps(component.get_params()))


def load_settings(directory: Path) -> dict[str, Any]:
    """The settings ``save_settings`` wrote; a folder saved before ``train`` was one setting
    (``epochs``, ``lr``, ``checkpoint_dir``... flat) loads the same."""
    from socialens.training.config import fold_train_settings

    return fold_train_settings(pickle.loads((directory / "settings.pkl").read_bytes()))


class FineTunedClassifier(Component, Persistent):
    """A transformer classifier fine-tuned end to end by the shared trainer. A subclass gives its
    ``TRAIN_DEFAULTS`` and settings (``labels``, ``train``, ``seed`` at least), ``_build()`` (the
    untrained network), ``_collate`` and ``predict_proba``; it may change what the trainer sees
    (``_run_config``, ``_items``), how training starts (``_start``) and the weights it saves."""

    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {}
    labels: Sequence[str]
    seed: int

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
    ) -> Self:
        """Train; ``resume=True`` continues from ``checkpoint_dir/last.pt`` of an interrupted run."""
        from socialens.training.trainer import Trainer

        if valid_texts is None or valid_labels is None:
            texts, labels, valid_texts, valid_labels = hold_out(texts, labels, self.seed)
        config = self._run_config()
        model = self._start()
        result = Trainer(config).fit(
            model,
            self._items(texts, labels, training=True),
            self._items(valid_texts, valid_labels, training=False),
            collate_fn=self._collate,
            progress=progress,
            resume=resume,
        )
        self.model_ = model.eval()
        self.training_ = result
        return self

    def _run_config(self) -> TrainConfig:
        """The trainer's settings (:meth:`train_config` unless the items are batches already)."""
        return self.train_config()

    def _start(self) -> Any:
        """The network training starts from: :meth:`_build` with the head seeded by ``seed``."""
        import torch

        torch.manual_seed(self.seed)  # the head's initial weights
        return self._build()

    def _items(self, texts: Sequence[str], labels: Sequence[int], training: bool) -> list[Any]:
        """What the trainer iterates over: ``(text, label)`` pairs."""
        return list(zip(texts, labels, strict=True))

    def _build(self) -> Any:
        raise NotImplementedError

    def _collate(self, items: Sequence[Any]) -> dict[str, Any]:
        raise NotImplementedError

    # -- scoring ----------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []

    # -- persistence --------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """``model.pt`` (:meth:`_saved_weights`) and ``settings.pkl``."""
        import torch

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        torch.save(self._saved_weights(), directory / "model.pt")
        save_settings(self, directory)
        return directory

    def _saved_weights(self) -> Any:
        return self.model_.state_dict()

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        import torch

        directory = Path(directory)
        component = cls(**load_settings(directory))
        model = component._build()
        state = torch.load(directory / "model.pt", map_location="cpu", weights_only=True)
        model.load_state_dict(state, strict=component._complete_weights())
        component.model_ = model.eval()
        return component

    def _complete_weights(self) -> bool:
        """Whether ``model.pt`` holds every weight of the network (so loading is strict)."""
        return True
