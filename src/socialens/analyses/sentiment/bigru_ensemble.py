"""Several BiGRU sentiment models, trained alike but from different seeds, scored as one.

Why it exists: a distilled BiGRU student alone lands just short of its teacher; the average
of two students' class probabilities is steadier than either (their errors differ, as their
initial weights and shuffling do) and still scores thousands of posts a second, so the
production default can be this one object. Its explanation averages the members' attention
weights, which line up token for token because every member reads the same tokens.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.sentiment.bigru import BiGRUSentiment
from socialens.component import Component, Persistent, check_is_fitted
from socialens.models.saved import read_saved_meta
from socialens.registry import register

_FORMAT = "socialens.sentiment.bigru_ensemble.v1"


@register("sentiment.bigru_ensemble.v1")
class BiGRUEnsembleSentiment(Component, Persistent):
    """``members`` BiGRU models with seeds ``seed, seed + 1, ...``; ``bigru`` holds the settings
    every member shares (any ``BiGRUSentiment`` setting but ``seed``).

    ``fit(texts, labels, valid_texts, valid_labels)`` trains each member the way
    ``BiGRUSentiment.fit`` does (labels may be teacher probabilities); ``from_members`` joins
    models trained elsewhere (the earlier distilled students; their lab script is in git history).
    """

    requires = ("text",)
    assigns = ("sentiment",)

    def __init__(self, members: int = 2, seed: int = 42, bigru: dict[str, Any] | None = None) -> None:
        self.members = members
        self.seed = seed
        self.bigru = bigru

    @classmethod
    def from_members(cls, models: Sequence[BiGRUSentiment]) -> BiGRUEnsembleSentiment:
        """An ensemble of already trained models that share label names and language."""
        if not models:
            raise ValueError("from_members needs at least one trained BiGRUSentiment")
        names = {tuple(m.label_names_) for m in models}
        if len(names) != 1 or len({(m.lang, m.max_len) for m in models}) != 1:
            raise ValueError(f"members disagree on labels, language or max_len: {sorted(names)}")
        shared = {k: v for k, v in models[0].get_params().items() if k != "seed"}
        ensemble = cls(members=len(models), seed=models[0].seed, bigru=shared)
        ensemble.models_ = list(models)
        ensemble.label_names_ = models[0].label_names_
        return ensemble

    def _member(self, index: int) -> BiGRUSentiment:
        from socialens.training.config import fold_train_settings

        settings = {k: v for k, v in fold_train_settings(self.bigru or {}).items() if k != "seed"}
        return BiGRUSentiment(**settings, seed=self.seed + index)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int] | np.ndarray,
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[int] | None = None,
        progress: bool = False,
    ) -> BiGRUEnsembleSentiment:
        if self.members < 1:
            raise ValueError(f"members must be at least 1; got {self.members}")
        self.models_ = [
            self._member(i).fit(texts, labels, valid_texts, valid_labels, progress=progress)
            for i in range(self.members)
        ]
        self.label_names_ = self.models_[0].label_names_
        return self

    def predict_proba(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """The members' mean class probabilities (N, C), columns in ``label_names_`` order."""
        check_is_fitted(self, "models_")
        tokens = self.models_[0].tokenize(texts)  # members cut texts alike (``from_members`` checks)
        total = self.models_[0].proba_of_tokens(tokens, batch_size)
        for model in self.models_[1:]:
            total = total + model.proba_of_tokens(tokens, batch_size)
        return total / len(self.models_)

    def predict(self, texts: Sequence[str]) -> list[int]:
        return [int(i) for i in self.predict_proba(texts).argmax(axis=1)] if len(texts) else []

    def explain(self, text: str) -> list[tuple[str, float]]:
        """The tokens read, each with the members' mean attention weight (they sum to 1)."""
        check_is_fitted(self, "models_")
        explained = [model.explain(text) for model in self.models_]
        if not explained[0]:
            return []
        weights = np.mean([[w for _, w in tokens] for tokens in explained], axis=0)
        return [(token, float(w)) for (token, _), w in zip(explained[0], weights, strict=True)]

    def save(self, directory: str | Path) -> Path:
        """``settings.json`` plus one ``member-<i>`` folder per model (``BiGRUSentiment.save``)."""
        check_is_fitted(self, "models_")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"format": _FORMAT, "settings": self.get_params(), "label_names": list(self.label_names_)}
        (directory / "settings.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        for i, model in enumerate(self.models_):
            model.save(directory / f"member-{i}")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> BiGRUEnsembleSentiment:
        directory = Path(directory)
        meta = read_saved_meta(directory / "settings.json", _FORMAT, f"{cls.registry_name} model")
        component = cls(**meta["settings"])
        component.models_ = [BiGRUSentiment.load(directory / f"member-{i}") for i in range(component.members)]
        component.label_names_ = tuple(meta["label_names"])
        return component
