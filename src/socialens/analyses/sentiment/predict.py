"""Score any texts with the registered default sentiment models, language by language.

Each text's language is identified first; English and Chinese texts go to that language's
default model (``socialens train sentiment`` registers one). Texts in languages without a
model get ``label: None`` and say why, rather than a confident guess from the wrong model.
Texts whose language cannot be told (emoji only, links only) go to the English model.
"""

from __future__ import annotations

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
) -> list[dict[str, Any]]:
    """One result per text: ``text``, ``lang``, ``label``, ``probabilities``, ``model``.

    ``langs`` gives each text's language when it is already known (posts in the store carry
    theirs); otherwise it is identified here.
    """
    from socialens.analyses.sentiment.workflow import load_sentiment_model
    from socialens.errors import ModelNotFoundError

    cleaned = [normalize_text(t) for t in texts]
    known = langs if langs is not None else [None] * len(cleaned)
    routed = [lang or _route(code or detect_language(t)[0]) for t, code in zip(cleaned, known, strict=True)]
    results: list[dict[str, Any]] = [
        {"text": t, "lang": code, "label": None, "probabilities": {}, "model": None}
        for t, code in zip(texts, routed, strict=True)
    ]
    for code in sorted(set(routed)):
        indices = [i for i, c in enumerate(routed) if c == code]
        if code not in SUPPORTED:
            for i in indices:
                results[i]["reason"] = f"no sentiment model for language {code!r} (available: {', '.join(SUPPORTED)})"
            continue
        try:
            model, card = load_sentiment_model(None, code, registry_root=registry_root)
        except ModelNotFoundError:
            for i in indices:
                results[i]["reason"] = (
                    f"no {code} sentiment model registered; train one: socialens train sentiment --lang {code}"
                )
            continue
        proba = model.predict_proba([cleaned[i] for i in indices])
        for row, i in zip(proba, indices, strict=True):
            best = int(row.argmax())
            results[i]["label"] = card.labels[best]
            results[i]["probabilities"] = {name: round(float(p), 4) for name, p in zip(card.labels, row, strict=True)}
            results[i]["model"] = f"{card.name} v{card.version}"
    return results


def explain_sentiment(text: str, lang: str | None = None, registry_root: Path | None = None) -> dict[str, Any]:
    """Which tokens drove the default model's prediction (attention weights of the BiGRU)."""
    from socialens.analyses.sentiment.workflow import load_sentiment_model
    from socialens.errors import ConfigError

    cleaned = normalize_text(text)
    code = lang or _route(detect_language(cleaned)[0])
    if code not in SUPPORTED:
        raise ConfigError(f"no sentiment model for language {code!r} (available: {', '.join(SUPPORTED)})")
    model, card = load_sentiment_model(None, code, registry_root=registry_root)
    if not hasattr(model, "explain"):
        raise ConfigError(
            f"the default {code} model ({card.name} v{card.version}, {card.architecture}) cannot explain "
            "itself; train one that can: socialens train sentiment --model bigru"
        )
    row = model.predict_proba([cleaned])[0]
    return {
        "text": text,
        "lang": code,
        "label": card.labels[int(row.argmax())],
        "probabilities": {name: round(float(p), 4) for name, p in zip(card.labels, row, strict=True)},
        "tokens": [{"token": tok, "weight": round(float(w), 4)} for tok, w in model.explain(cleaned)],
        "model": f"{card.name} v{card.version}",
    }


def _route(code: str) -> str:
    return "en" if code == "und" else code
