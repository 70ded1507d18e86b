"""Score any texts with the registered default sentiment models, language by language.

Each text's language is identified first; English and Chinese texts go to that language's
default model (the user's registered one, else the shipped one). A text in a language without a
model goes to the multilingual model (``sentiment/multi``) when there is one, else to the best
available fallback: the Chinese model for text in Han characters (language id often calls short
Chinese text Japanese or Cantonese), the English model otherwise (short English tweets are often
identified as another language: 57 of the 3,720 English test tweets). Such results keep the
identified ``lang`` and say ``fallback``: which model answered and why. Texts whose language
cannot be told (emoji only, links only) go to the English model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text

SUPPORTED = ("en", "zh")


def predict_sentiment(
    texts: Sequence[str],
    lang: str | None = None,
    registry_root: Path | None = None,
    langs: Sequence[str | None] | None = None,
    pins: dict[str, str] | None = None,
    model: str | None = None,
) -> list[dict[str, Any]]:
    """One result per text: ``text``, ``lang``, ``label``, ``probabilities``, ``model``, and
    ``fallback`` when another language's model answered.

    ``langs`` gives each text's language when it is already known (posts in the store carry
    theirs); otherwise it is identified here. ``pins`` (``{"sentiment/en": "NAME@VERSION"}``)
    choose model versions over the defaults; ``model`` (a model's name, or a variant such as
    ``accurate``: see :func:`model_pins`) answers for its language instead of the default.
    """
    from socialens.analyses.sentiment.workflow import load_sentiment_model
    from socialens.errors import ModelNotFoundError

    pins = {**(pins or {}), **model_pins(model, registry_root)}

    cleaned = [normalize_text(t) for t in texts]
    known = langs if langs is not None else [None] * len(cleaned)
    routed = [lang or _route(code or detect_language(t)[0]) for t, code in zip(cleaned, known, strict=True)]
    results: list[dict[str, Any]] = [
        {"text": t, "lang": code, "label": None, "probabilities": {}, "model": None}
        for t, code in zip(texts, routed, strict=True)
    ]
    multi = any(code not in SUPPORTED for code in routed) and _has_multilingual(registry_root, pins)
    targets = [
        code if code in SUPPORTED else "multi" if multi else _script(t) for t, code in zip(cleaned, routed, strict=True)
    ]
    for target in sorted(set(targets)):
        indices = [i for i, t in enumerate(targets) if t == target]
        try:
            scorer, card = load_sentiment_model(None, target, registry_root=registry_root, pins=pins)
        except ModelNotFoundError:
            for i in indices:
                results[i]["reason"] = (
                    f"no {target} sentiment model registered or shipped; "
                    f"train one: socialens train sentiment --lang {target}"
                )
            continue
        _fill(results, indices, scorer.predict_proba([cleaned[i] for i in indices]), card)
        for i in indices:
            if routed[i] != target:
                results[i]["fallback"] = (
                    f"no sentiment model for language {routed[i]!r}; answered by the {target} model"
                )
    return results


def model_pins(model: str | None, registry_root: Path | None = None) -> dict[str, str]:
    """The pin (``{"sentiment/en": "sentiment-en-accurate"}``) that makes the model ``model`` answer
    for its language: a registered or shipped model's name, or a variant word that names the
    folder ``sentiment-<lang>-<variant>`` (``accurate`` -> ``sentiment-en-accurate``)."""
    from socialens.errors import ConfigError, ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry
    from socialens.training.shipped import shipped_cards

    if not model:
        return {}
    registry = ModelRegistry(registry_root)
    name, _, version = model.partition("@")
    for candidate in (name, *(f"sentiment-{lang}-{name}" for lang in (*SUPPORTED, "multi"))):
        try:
            card = registry.load_card(candidate, int(version) if version.isdigit() else None)
        except (ModelNotFoundError, ConfigError):
            continue
        if card.task != "sentiment":
            raise ConfigError(f"model {model!r} is a {card.task} model, not a sentiment model")
        return {f"sentiment/{card.language}": candidate + (f"@{version}" if version else "")}
    cards = [*registry.list(), *shipped_cards()]
    known = sorted({c.name for c in cards if c.task == "sentiment"})
    raise ModelNotFoundError(
        f"no sentiment model named {model!r} (nor sentiment-<lang>-{name}); known: {', '.join(known) or 'none'}"
    )


def _fill(results: list[dict[str, Any]], indices: list[int], proba: Any, card: Any) -> None:
    from socialens.training.shipped import describe

    for row, i in zip(proba, indices, strict=True):
        results[i]["label"] = card.labels[int(row.argmax())]
        results[i]["probabilities"] = {name: round(float(p), 4) for name, p in zip(card.labels, row, strict=True)}
        results[i]["model"] = describe(card)


def _has_multilingual(registry_root: Path | None, pins: dict[str, str] | None) -> bool:
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry

    try:
        ModelRegistry(registry_root, pins=pins).default("sentiment", "multi")
    except ModelNotFoundError:
        return False
    return True


_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


def _script(text: str) -> str:
    """ "zh" for text written in Han characters (not Japanese kana or Korean hangul), else "en"."""
    return "zh" if _HAN.search(text) and not _KANA_HANGUL.search(text) else "en"


def explain_sentiment(text: str, lang: str | None = None, registry_root: Path | None = None) -> dict[str, Any]:
    """Which tokens drove the default model's prediction (attention weights of the BiGRU).

    A language without a model is routed as :func:`predict_sentiment` routes it (the multilingual
    model, else by script), and the result says so in ``fallback``."""
    from socialens.analyses.sentiment.workflow import load_sentiment_model
    from socialens.errors import ConfigError
    from socialens.training.shipped import describe

    cleaned = normalize_text(text)
    code = lang or _route(detect_language(cleaned)[0])
    target = code
    if code not in SUPPORTED:
        target = "multi" if _has_multilingual(registry_root, None) else _script(cleaned)
    model, card = load_sentiment_model(None, target, registry_root=registry_root)
    if not hasattr(model, "explain"):
        raise ConfigError(
            f"the default {target} model ({card.name} v{card.version}, {card.architecture}) cannot explain "
            "itself; train one that can: socialens train sentiment --model bigru"
        )
    row = model.predict_proba([cleaned])[0]
    result = {
        "text": text,
        "lang": code,
        "label": card.labels[int(row.argmax())],
        "probabilities": {name: round(float(p), 4) for name, p in zip(card.labels, row, strict=True)},
        "tokens": [{"token": tok, "weight": round(float(w), 4)} for tok, w in model.explain(cleaned)],
        "model": describe(card),
    }
    if target != code:
        result["fallback"] = f"no sentiment model for language {code!r}; answered by the {target} model"
    return result


def _route(code: str) -> str:
    return "en" if code == "und" else code
