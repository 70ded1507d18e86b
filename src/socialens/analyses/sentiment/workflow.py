"""Train, register and evaluate sentiment models on the reference splits: what the CLI calls.

A trained model goes into the model registry with a card: the data hash and split
procedure, the test-split metrics, the settings. The best model per language (by test
macro-F1) becomes the default unless another is chosen.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from socialens.errors import ConfigError
from socialens.registry import get, resolve

_LOADED: dict[Path, Any] = {}


def train_sentiment(
    lang: str,
    model: str = "bigru",
    limit: int | None = None,
    settings: dict[str, Any] | None = None,
    registry_root: Path | None = None,
    make_default: bool | None = None,
) -> dict[str, Any]:
    """Fit ``model`` on the training split (its first ``limit`` texts), score the test split,
    register it; returns the card as a dict with ``seconds``."""
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.training.model_registry import ModelRegistry

    component = _build(model, lang, settings or {})
    split = load_sentiment_split(_lang(lang))
    started = time.perf_counter()
    texts, labels = split.train_texts[:limit], split.train_labels[:limit]
    component.fit(texts, labels, split.valid_texts, split.valid_labels)
    seconds = time.perf_counter() - started
    metrics = _score(component, split)
    registry = ModelRegistry(registry_root)
    card = registry.save(
        f"sentiment-{lang}-{model}",
        component.save,
        {
            "task": "sentiment",
            "language": lang,
            "architecture": component.registry_name,
            "data_hash": split.data_hash,
            "split": split.procedure + (f" Trained on the first {limit} training texts." if limit else ""),
            "labels": list(split.labels),
            "metrics": metrics,
            "settings": {k: v for k, v in component.get_params().items() if _is_json(v)},
        },
    )
    if make_default or (make_default is None and _better_than_default(registry, lang, metrics)):
        registry.set_default("sentiment", lang, card.name, card.version)
    return {**card.to_dict(), "seconds": round(seconds, 1)}


def load_sentiment_model(
    name: str | None = None, lang: str = "en", version: int | None = None, registry_root: Path | None = None
) -> tuple[Any, Any]:
    """A registered model and its card (the language's default when no name is given)."""
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root)
    card = registry.load_card(name, version) if name else registry.default("sentiment", lang)
    assert card.path is not None
    if card.path not in _LOADED:  # a registered version never changes, so it can be kept
        _LOADED[card.path] = get(card.architecture).load(card.path)  # type: ignore[attr-defined]
    return _LOADED[card.path], card


def evaluate_sentiment(
    name: str | None = None, lang: str = "en", version: int | None = None, registry_root: Path | None = None
) -> dict[str, Any]:
    """Score a registered model on the test split of its language again."""
    from socialens.datasets.sentiment import load_sentiment_split

    component, card = load_sentiment_model(name, card_lang := lang, version, registry_root)
    split = load_sentiment_split(_lang(card.language or card_lang))
    if card.data_hash and card.data_hash != split.data_hash:
        raise ConfigError(
            f"{card.name} v{card.version} was trained on other data ({card.data_hash[:12]}) "
            f"than this split ({split.data_hash[:12]})"
        )
    return {"name": card.name, "version": card.version, **_score(component, split)}


def _lang(lang: str) -> Literal["en", "zh"]:
    if lang not in ("en", "zh"):
        raise ConfigError(f"no sentiment data for language {lang!r}; available: en, zh")
    return "en" if lang == "en" else "zh"


def _build(model: str, lang: str, settings: dict[str, Any]) -> Any:
    cls = get(resolve(model, "sentiment"))
    params = cls._param_names()
    if "lang" in params:
        settings = {"lang": lang, **settings}
    if "labels" in params and "labels" not in settings:
        settings["labels"] = ["negative", "neutral", "positive"] if lang == "en" else ["negative", "positive"]
    unknown = sorted(set(settings) - set(params))
    if unknown:
        raise ConfigError(f"{model} has no setting {', '.join(unknown)}; its settings: {', '.join(params)}")
    return cls(**settings)


def _score(component: Any, split: Any) -> dict[str, Any]:
    from socialens.evaluate.metrics import classification_report

    started = time.perf_counter()
    proba = component.predict_proba(split.test_texts)
    rate = len(split.test_texts) / max(time.perf_counter() - started, 1e-9)
    predicted = component.predict(split.test_texts)
    report = classification_report(split.test_labels, predicted, proba, labels=split.labels)
    report.pop("ece_bins", None)
    return {**report, "test_posts_per_second": round(rate, 1)}


def _better_than_default(registry: Any, lang: str, metrics: dict[str, Any]) -> bool:
    from socialens.errors import ModelNotFoundError

    try:
        current = registry.default("sentiment", lang)
    except ModelNotFoundError:
        return True
    return float(metrics["macro_f1"]) > float(current.metrics.get("macro_f1", -1.0))


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))
