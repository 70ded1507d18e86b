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

    component = _build(model, lang, settings or {})
    split = load_sentiment_split(_lang(lang))
    started = time.perf_counter()
    texts, labels = split.train_texts[:limit], split.train_labels[:limit]
    component.fit(texts, labels, split.valid_texts, split.valid_labels)
    seconds = time.perf_counter() - started
    note = f" Trained on the first {limit} training texts." if limit else ""
    card = register_sentiment(component, lang, f"sentiment-{lang}-{model}", split, registry_root, make_default, note)
    return {**card, "seconds": round(seconds, 1)}


def register_sentiment(
    component: Any,
    lang: str,
    name: str,
    split: Any,
    registry_root: Path | None = None,
    make_default: bool | None = None,
    extra_split: str = "",
    extra: dict[str, Any] | None = None,
    human_card: str | None = None,
) -> dict[str, Any]:
    """Score ``component`` on the test split, save it as a new version of ``name``, and make it the
    language's default when asked, or when its test macro-F1 is at least the current default's
    (a shipped default included); returns the card as a dict with ``default`` (True when it became one).
    ``human_card`` is written beside the model as ``MODEL_CARD.md``."""
    from socialens.training.model_registry import ModelRegistry

    metrics = _score(component, split)
    registry = ModelRegistry(registry_root)
    current = _current_default(registry, lang)  # before saving: the newest model would be the default

    def save(folder: Path) -> None:
        component.save(folder)
        if human_card is not None:
            (Path(folder) / "MODEL_CARD.md").write_text(human_card, encoding="utf-8")

    card = registry.save(
        name,
        save,
        {
            "task": "sentiment",
            "language": lang,
            "architecture": component.registry_name,
            "data_hash": split.data_hash,
            "split": split.procedure + extra_split,
            "labels": list(split.labels),
            "metrics": metrics,
            "settings": {k: v for k, v in component.get_params().items() if _is_json(v)},
            "extra": {**(extra or {}), "reference": reference(lang, metrics)},
        },
    )
    better = current is None or float(metrics["macro_f1"]) >= float(current.metrics.get("macro_f1", -1.0))
    default = bool(make_default or (make_default is None and better))
    if default:
        registry.set_default("sentiment", lang, card.name, card.version)
    elif current is not None:  # written down, or the newest model would silently become the default
        shipped = bool(current.extra.get("shipped"))
        registry.set_default("sentiment", lang, current.name, None if shipped else current.version)
    return {**card.to_dict(), "default": default}


def load_sentiment_model(
    name: str | None = None,
    lang: str = "en",
    version: int | None = None,
    registry_root: Path | None = None,
    pins: dict[str, str] | None = None,
) -> tuple[Any, Any]:
    """A registered (or shipped) model and its card (the language's default, or its pinned
    version, when no name is given)."""
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root, pins=pins)
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


def reference(lang: str, metrics: dict[str, Any]) -> dict[str, Any]:
    """The card's ``extra.reference``: how ``socialens models verify`` re-scores the model (the
    floor's metric: macro-F1 for the English tweets, accuracy for the Chinese reviews)."""
    metric = "macro_f1" if lang == "en" else "accuracy"
    return {"evaluator": f"{__name__}:score_reference", "metric": metric, "value": float(metrics[metric])}


def score_reference(component: Any, card: Any) -> dict[str, Any]:
    """Test-split metrics of ``component`` on the reference split of ``card``'s language."""
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split(_lang(card.language))
    if card.data_hash and card.data_hash != split.data_hash:
        raise ConfigError(
            f"{card.name} v{card.version} was trained on other data ({card.data_hash[:12]}) "
            f"than this split ({split.data_hash[:12]})"
        )
    return _score(component, split)


def _lang(lang: str) -> Literal["en", "zh"]:
    if lang not in ("en", "zh"):
        raise ConfigError(f"no sentiment data for language {lang!r}; available: en, zh")
    return "en" if lang == "en" else "zh"


def _build(model: str, lang: str, settings: dict[str, Any]) -> Any:
    cls = get(resolve(model, "sentiment"))
    params = cls._param_names()
    if "train" in params:  # --epochs / -o lr=...: settings of the training run
        from socialens.training.config import fold_train_settings

        settings = fold_train_settings(settings)
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


def _current_default(registry: Any, lang: str) -> Any:
    from socialens.errors import ModelNotFoundError

    try:
        return registry.default("sentiment", lang)
    except ModelNotFoundError:
        return None


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))
