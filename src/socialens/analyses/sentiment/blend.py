"""A weighted average of several fitted sentiment models' class probabilities, as one model.

Models that see the text differently (character n-grams against a recurrent net over words)
make different errors, so their averaged probabilities beat each of them; the weights are
picked on the validation split, never on test. Each member is saved by its own ``save`` into
``member-<i>/`` and loaded by its registry name, so a blend of any savable models is itself
savable (and can ship: no pickles).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from socialens.component import Component
from socialens.models.saved import read_saved_meta
from socialens.registry import get, register

if TYPE_CHECKING:
    import numpy as np

_FORMAT = "socialens.blend/1"


@register("sentiment.blend.v1")
class BlendSentiment(Component):
    """``BlendSentiment(weights=None, members=None)``: ``members`` are specs
    ``{"architecture": registry name, "settings": {...}}`` that ``fit`` builds and trains (default:
    one English TF-IDF + LR); or build from fitted models with :meth:`from_members`. ``weights``
    default to equal."""

    members_: list[Any]
    labels_: tuple[str, ...]

    def __init__(self, weights: list[float] | None = None, members: list[dict[str, Any]] | None = None) -> None:
        self.weights = weights
        self.members = members

    @classmethod
    def from_members(cls, members: Sequence[Any], weights: Sequence[float] | None = None) -> BlendSentiment:
        """A blend of fitted models that share their class names, in the same order."""
        names = [tuple(_names(m)) for m in members]
        if not members or any(n != names[0] for n in names):
            raise ValueError(f"a blend needs fitted members with the same classes in the same order; got {names}")
        blend = cls(weights=list(weights) if weights is not None else None)
        blend.members_, blend.labels_ = list(members), names[0]
        return blend

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        valid_texts: Sequence[str] | None = None,
        valid_labels: Sequence[int] | None = None,
    ) -> Self:
        """Build the members from their specs (or keep those given to :meth:`from_members`) and
        fit each on ``texts`` (early-stopping ones on the validation texts); the weights stay."""
        if self.members is not None or not hasattr(self, "members_"):
            specs = self.members or [{"architecture": "sentiment.tfidf_lr.v1", "settings": {}}]
            self.members_ = [get(spec["architecture"])(**spec.get("settings", {})) for spec in specs]
        for member in self.members_:
            member.fit(texts, labels, valid_texts, valid_labels)
        self.labels_ = tuple(_names(self.members_[0]))
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        weights = self.weights or [1.0] * len(self.members_)
        total = sum(weights)
        out = np.zeros((len(texts), len(self.labels_)), dtype=np.float64)
        for weight, member in zip(weights, self.members_, strict=True):
            if weight:
                out += (weight / total) * np.asarray(member.predict_proba(list(texts)), dtype=np.float64)
        return out

    def predict(self, texts: Sequence[str]) -> list[int]:
        proba = self.predict_proba(texts)
        return [int(i) for i in proba.argmax(axis=1)] if len(proba) else []

    def explain(self, text: str) -> list[tuple[str, float]]:
        """The token weights of the first member that can explain itself."""
        for member in self.members_:
            if hasattr(member, "explain"):
                return list(member.explain(text))
        raise ValueError("no member of this blend can explain its predictions")

    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        members = []
        for i, member in enumerate(self.members_):
            member.save(directory / f"member-{i}")
            members.append({"architecture": member.registry_name, "folder": f"member-{i}"})
        meta = {"format": _FORMAT, "weights": self.weights, "labels": list(self.labels_), "members": members}
        (directory / "blend.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> BlendSentiment:
        directory = Path(directory)
        meta = read_saved_meta(directory / "blend.json", _FORMAT, "blend")
        members = [get(m["architecture"]).load(directory / m["folder"]) for m in meta["members"]]  # type: ignore[attr-defined]
        return cls.from_members(members, meta["weights"])


def pick_weights(probas: Sequence[np.ndarray], labels: Sequence[int], metric: Any, step: float = 0.1) -> list[float]:
    """The weights (a grid of ``step``, summing to 1) whose blend scores best by ``metric(y, pred)``
    on these (validation) probabilities; ties go to the more even blend."""
    import itertools

    import numpy as np

    grid = [round(i * step, 6) for i in range(round(1 / step) + 1)]
    best: tuple[float, float, list[float]] = (-1.0, 0.0, [])
    for head in itertools.product(grid, repeat=len(probas) - 1):
        last = round(1.0 - sum(head), 6)
        if last < -1e-9:
            continue
        weights = [*head, max(last, 0.0)]
        blended = sum(w * p for w, p in zip(weights, probas, strict=True))
        score = float(metric(np.asarray(labels), np.asarray(blended).argmax(axis=1)))
        evenness = -float(np.std(weights))
        if (score, evenness) > best[:2]:
            best = (score, evenness, weights)
    return best[2]


def _names(model: Any) -> Sequence[str]:
    return getattr(model, "label_names_", None) or model.labels_
