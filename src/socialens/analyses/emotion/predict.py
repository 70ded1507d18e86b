"""``socialens predict emotion`` and the Python API: per-emotion scores from the default models.

Each text goes to its language's default emotion model (``socialens train emotion --lang``
registers one); texts in languages without one get ``label: None`` and a ``reason``. Text whose
language cannot be told (emoji, links only) goes to the English model, as for sentiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text

TASK = "emotion"
SUPPORTED = ("en", "zh")
NONE = "none"
_LOADED: dict[Path, Any] = {}


def load_emotion_model(lang: str, models_dir: Path | None = None, name: str | None = None) -> tuple[Any, Any]:
    """The default emotion model of ``lang`` (or the model ``name``) and its card."""
    from socialens.registry import get
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    card = registry.load_card(name) if name else registry.default(TASK, lang)
    assert card.path is not None
    if card.path not in _LOADED:  # a registered version never changes, so it can be kept
        _LOADED[card.path] = get(card.architecture).load(card.path)  # type: ignore[attr-defined]
    return _LOADED[card.path], card


def predict(
    texts: Sequence[str],
    *,
    lang: str | None = None,
    models_dir: Path | None = None,
    langs: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """One result per text: ``text``, ``lang``, ``label`` (dominant emotion above the model's
    threshold, else ``"none"``), ``labels`` (all emotions above it), ``probabilities`` (independent
    sigmoid score per emotion) and ``model``. ``langs`` gives known languages (store posts)."""
    from socialens.errors import ModelNotFoundError

    cleaned = [normalize_text(t) for t in texts]
    known = langs if langs is not None else [None] * len(cleaned)
    routed = [lang or _route(code or detect_language(t)[0]) for t, code in zip(cleaned, known, strict=True)]
    results: list[dict[str, Any]] = [
        {"text": t, "lang": code, "label": None, "labels": [], "probabilities": {}, "model": None}
        for t, code in zip(texts, routed, strict=True)
    ]
    for code in sorted(set(routed)):
        indices = [i for i, c in enumerate(routed) if c == code]
        if code not in SUPPORTED:
            _explain(results, indices, f"no emotion model for language {code!r} (available: {', '.join(SUPPORTED)})")
            continue
        try:
            model, card = load_emotion_model(code, models_dir)
        except ModelNotFoundError:
            _explain(
                results,
                indices,
                f"no {code} emotion model registered or shipped; train one: socialens train emotion --lang {code}",
            )
            continue
        from socialens.training.shipped import describe as name_model

        answered_by = name_model(card)  # "emotion-en v1 (shipped)" when the shipped model answered
        proba = model.predict_proba([cleaned[i] for i in indices])
        for row, i in zip(proba, indices, strict=True):
            results[i].update(describe(row, card.labels, model.thresholds_), model=answered_by)
    return results


def describe(row: Sequence[float], names: Sequence[str], threshold: float | Sequence[float]) -> dict[str, Any]:
    """``label``/``labels``/``probabilities`` of one row of per-emotion probabilities.

    ``threshold`` is one for all emotions or one per emotion; ``label`` is the most probable
    emotion at or above its threshold.

    >>> describe([0.2, 0.7, 0.9], ["anger", "joy", "trust"], 0.5)["label"]
    'trust'
    >>> describe([0.2, 0.1, 0.3], ["anger", "joy", "trust"], 0.5)["labels"]
    []
    >>> describe([0.2, 0.1, 0.3], ["anger", "joy", "trust"], [0.15, 0.5, 0.5])["label"]
    'anger'
    """
    probabilities = {name: round(float(p), 4) for name, p in zip(names, row, strict=True)}
    cuts = [float(threshold)] * len(names) if isinstance(threshold, int | float) else [float(t) for t in threshold]
    above = sorted((n for n, p, cut in zip(names, row, cuts, strict=True) if p >= cut), key=lambda n: -probabilities[n])
    return {"label": above[0] if above else NONE, "labels": above, "probabilities": probabilities}


def _explain(results: list[dict[str, Any]], indices: list[int], reason: str) -> None:
    for i in indices:
        results[i]["reason"] = reason


def _route(code: str) -> str:
    return "en" if code == "und" else code
