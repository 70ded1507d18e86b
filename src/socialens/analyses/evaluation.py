"""``socialens evaluate TASK``: score a registered model of that task on its held-out test split again
(each task declares its own evaluation in :data:`EVALUATORS`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.errors import ConfigError

#: task -> ``"module:function"`` that scores a registered model of that task on its test split again:
#: ``function(name, lang, version, models_dir) -> dict``. ``evaluate TASK`` reaches only TASK's own.
EVALUATORS: dict[str, str] = {
    "sentiment": "socialens.analyses.evaluation:evaluate_sentiment",
    "emotion": "socialens.analyses.evaluation:evaluate_emotion",
}


def evaluate_model(
    task: str, name: str | None = None, lang: str = "en", version: int | None = None, models_dir: Path | None = None
) -> dict[str, Any]:
    """The test-split metrics of the named model (default: the language's default) of ``task``."""
    from importlib import import_module

    if task not in EVALUATORS:
        raise ConfigError(
            f"cannot evaluate {task!r} models again yet; available: {', '.join(EVALUATORS)} "
            "(every model's card keeps its test metrics: socialens models list)"
        )
    if name is not None:
        from socialens.training.model_registry import ModelRegistry

        card = ModelRegistry(models_dir).load_card(name, version)
        if card.task and card.task != task:
            raise ConfigError(
                f"{card.name} is a {card.task} model, not one of {task}: "
                f"evaluate it with `socialens evaluate {card.task} --name {card.name}`"
            )
    module, _, function = EVALUATORS[task].partition(":")
    report: dict[str, Any] = getattr(import_module(module), function)(name, lang, version, models_dir)
    return {"task": task, **report}


def describe_evaluation(report: dict[str, Any]) -> list[str]:
    """The lines ``socialens evaluate`` shows: the headline metrics, the lexicon beside an emotion
    model, and precision/recall/F1 per class."""
    # emotion models: the annotated reference test part when scored there, else weak labels
    metrics = report.get("reference", report.get("weak", report))
    headline = {k: metrics[k] for k in ("accuracy", "macro_f1", "macro_recall", "micro_f1") if k in metrics}
    shown = ", ".join(f"{k.replace('_', '-')} {v:.3f}" for k, v in headline.items() if isinstance(v, float))
    lines = [f"{report['name']} v{report['version']} ({report['task']}): {shown}"]
    if "lexicon" in report:
        lexicon = report["lexicon"]
        lines.append(
            f"  lexicon on the same {lexicon['n']} annotated posts: macro-F1 {lexicon['macro_f1']:.3f}, "
            f"micro-F1 {lexicon['micro_f1']:.3f}"
        )
    for label, scores in report.get("per_class", metrics.get("per_emotion", {})).items():
        lines.append(f"  {label:10s} P {scores['precision']:.3f}  R {scores['recall']:.3f}  F1 {scores['f1']:.3f}")
    return lines


def evaluate_sentiment(
    name: str | None = None, lang: str = "en", version: int | None = None, models_dir: Path | None = None
) -> dict[str, Any]:
    """A sentiment model scored on its language's held-out test split."""
    from socialens.analyses.sentiment.workflow import evaluate_sentiment as evaluate

    return evaluate(name, lang, version, registry_root=models_dir)


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
