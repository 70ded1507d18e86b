"""``socialens models verify``: score every shipped and registered model again on its reference
test split and compare with its card.

A card says how to re-score its model in ``extra.reference``: ``{"evaluator": "module:function",
"metric": "macro_f1", "value": 0.77}``; the evaluator is called as ``function(component, card)``
and rebuilds the split from the installed data. A score further than ``tolerance`` from the card
fails: the weights, the data or the code changed under the model.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError, SocialensError
from socialens.registry import get
from socialens.training.model_registry import ModelCard, ModelRegistry
from socialens.training.shipped import describe, shipped_cards, verify_checksums

TOLERANCE = 0.005


def load_component(card: ModelCard) -> Any:
    """The model behind ``card``, loaded from its folder (a shipped one's hashes checked first)."""
    assert card.path is not None
    if card.extra.get("shipped"):
        verify_checksums(card.path)
    return get(card.architecture).load(card.path)  # type: ignore[attr-defined]


def verify_models(
    models_dir: Path | None = None, shipped_only: bool = False, tolerance: float = TOLERANCE
) -> list[dict[str, Any]]:
    """One row per model: ``model``, ``status`` (``ok``, ``failed``, ``skipped``), the card's and the
    new score, and why. Shipped models first."""
    cards = shipped_cards()
    if not shipped_only:
        cards += ModelRegistry(models_dir, shipped=False).list()
    return [verify_one(card, tolerance) for card in cards]


def verify_one(card: ModelCard, tolerance: float = TOLERANCE) -> dict[str, Any]:
    row: dict[str, Any] = {"model": describe(card), "task": card.task, "language": card.language}
    reference = card.extra.get("reference")
    if not isinstance(reference, dict) or not {"evaluator", "metric", "value"} <= set(reference):
        return {**row, "status": "skipped", "reason": "its card has no extra.reference (evaluator, metric, value)"}
    metric, expected = str(reference["metric"]), float(reference["value"])
    try:
        evaluator = _evaluator(str(reference["evaluator"]))
        scores = evaluator(load_component(card), card)
        measured = float(scores[metric])
    except SocialensError as exc:  # a damaged folder, an unknown architecture, a missing extra: that model fails
        return {**row, "status": "failed", "metric": metric, "card": expected, "reason": str(exc)}
    difference = abs(measured - expected)
    status = "ok" if difference <= tolerance else "failed"
    row.update(status=status, metric=metric, card=round(expected, 4), measured=round(measured, 4))
    if status == "failed":
        row["reason"] = f"{metric} {measured:.4f} differs from the card's {expected:.4f} by more than {tolerance}"
    return row


def _evaluator(path: str) -> Any:
    module, _, function = path.partition(":")
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"the card's evaluator {path!r} cannot be imported ({exc})") from exc
