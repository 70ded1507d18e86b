"""``socialens evaluate TASK``: score a registered model of that task on its held-out test split again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.errors import ConfigError


def evaluate_model(
    task: str, name: str | None = None, lang: str = "en", version: int | None = None, models_dir: Path | None = None
) -> dict[str, Any]:
    """The test-split metrics of the named model (default: the language's default) of ``task``."""
    if task == "sentiment":
        from socialens.analyses.sentiment.workflow import evaluate_sentiment

        return {"task": task, **evaluate_sentiment(name, lang, version, registry_root=models_dir)}
    if task == "emotion":
        return {"task": task, **evaluate_emotion(name, lang, version, models_dir)}
    raise ConfigError(
        f"cannot evaluate {task!r} models again yet; available: sentiment, emotion "
        "(every model's card keeps its test metrics: socialens models list)"
    )


def evaluate_emotion(
    name: str | None = None, lang: str = "en", version: int | None = None, models_dir: Path | None = None
) -> dict[str, Any]:
    """An emotion model scored on the annotated reference test part of its language (``reference``),
    the lexicon beside it (``lexicon``), and, for models that read tokens (the BiGRU), its
    agreement with the lexicon's weak labels on the weak corpus's held-out texts (``weak``)."""
    from socialens.analyses.emotion.evaluation import evaluate_weak
    from socialens.analyses.emotion.predict import load_emotion_model
    from socialens.analyses.emotion.scoring import score_on_reference
    from socialens.analyses.emotion.train import load_weak_corpus
    from socialens.training.model_registry import ModelRegistry

    if name is not None and version is not None:
        card = ModelRegistry(models_dir).load_card(name, version)
        model, card = load_emotion_model(card.language or lang, models_dir, name=name)
    else:
        model, card = load_emotion_model(lang, models_dir, name=name)
    language = card.language or lang
    scores = score_on_reference(model, language)
    report: dict[str, Any] = {"name": card.name, "version": card.version, "reference": scores["model"]}
    report["lexicon"] = scores["lexicon"]
    if hasattr(model, "predict_proba_tokens"):
        corpus = load_weak_corpus(language)
        if card.data_hash and card.data_hash != corpus.data_hash:
            raise ConfigError(
                f"{card.name} v{card.version} was trained on other data ({card.data_hash[:12]}) than this "
                f"split ({corpus.data_hash[:12]}); its card keeps the metrics measured then"
            )
        report.update(evaluate_weak(model, corpus.test_texts, language))
    return report
