"""Register an emotion model with its reference-set scores, and decide honestly whether it becomes
the language's default: only when it beats the lexicon in macro-F1 on the annotated test part and
scores at least the current default there (or when the user says ``--make-default``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.analyses.emotion.scoring import score_on_reference

TASK = "emotion"


def register_emotion(
    component: Any,
    lang: str,
    name: str,
    registry_root: Path | None = None,
    make_default: bool | None = None,
    split: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score, save as a new version of ``name``, maybe make it the default; the card as a dict with
    ``default`` (True when it became one) and ``default_reason``."""
    from socialens.analyses.emotion.reference import SEED, reference_path
    from socialens.training.model_registry import ModelRegistry, fingerprint

    scores = score_on_reference(component, lang)
    model, lexicon = scores["model"], scores["lexicon"]
    registry = ModelRegistry(registry_root)
    current = current_default(registry, lang)
    card = registry.save(
        name,
        component.save,
        {
            "task": TASK,
            "language": lang,
            "architecture": component.registry_name,
            "data_hash": fingerprint([reference_path(lang).read_bytes().decode("utf-8"), split]),
            "split": split,
            "labels": list(component.label_names_),
            "metrics": {"reference": model, "lexicon": lexicon, "reference_seed": SEED},
            "settings": {k: v for k, v in component.get_params().items() if _is_json(v)},
            "thresholds": {
                n: round(float(t), 2) for n, t in zip(component.label_names_, component.thresholds_, strict=True)
            },
            "extra": {
                **(extra or {}),
                "reference": {
                    "evaluator": "socialens.analyses.emotion.scoring:score_reference",
                    "metric": "macro_f1",
                    "value": float(model["macro_f1"]),
                },
            },
        },
    )
    default, reason = settle_default(registry, lang, card, scores, current, make_default)
    return {**card.to_dict(), "default": default, "default_reason": reason}


def settle_default(
    registry: Any, lang: str, card: Any, scores: dict[str, Any], current: Any, make_default: bool | None
) -> tuple[bool, str]:
    """Make ``card`` the default when asked, or (``make_default=None``) when it beats the lexicon
    and the current default on the reference test part; otherwise write the current default down
    (or the newest model would silently become it). Returns (became the default, why)."""
    model, lexicon = scores["model"], scores["lexicon"]
    beats_lexicon = model["macro_f1"] > lexicon["macro_f1"]
    current_score = _reference_macro_f1(current)
    beats_current = current is None or model["macro_f1"] >= current_score
    if make_default or (make_default is None and beats_lexicon and beats_current):
        registry.set_default(TASK, lang, card.name, card.version)
        return True, "asked (--make-default)" if make_default else "beats the lexicon and the current default"
    if current is not None:
        shipped = bool(current.extra.get("shipped"))
        registry.set_default(TASK, lang, current.name, None if shipped else current.version)
    if make_default is False:
        return False, "not asked to become the default"
    if not beats_lexicon:
        return False, f"macro-F1 {model['macro_f1']:.3f} does not beat the lexicon's {lexicon['macro_f1']:.3f}"
    return False, f"macro-F1 {model['macro_f1']:.3f} is below the current default's {current_score:.3f}"


def current_default(registry: Any, lang: str) -> Any:
    from socialens.errors import ModelNotFoundError

    try:
        return registry.default(TASK, lang)
    except ModelNotFoundError:
        return None


def _reference_macro_f1(card: Any) -> float:
    """A default's macro-F1 on the reference test part; one trained before the reference sets
    existed (weak labels only) has none and counts as -1."""
    if card is None:
        return -1.0
    value = card.metrics.get("reference", {}).get("macro_f1") if isinstance(card.metrics, dict) else None
    return float(value) if isinstance(value, int | float) else -1.0


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))
