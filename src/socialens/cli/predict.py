"""``socialens predict`` and ``socialens explain``: score texts with the registered models."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from socialens.analyses import available_tasks, task_module
from socialens.cli.common import JsonOption, ModelsDirOption, console, emit_json, guarded


@guarded
def predict_command(
    task: Annotated[str, typer.Argument(help="sentiment, offensive, emotion, ...")],
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to score (default: one per line on stdin).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="A file with one text per line.")] = None,
    lang: Annotated[str | None, typer.Option(help="Force a language instead of detecting it per text.")] = None,
    models_dir: ModelsDirOption = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="sentiment: a model name, or a variant (accurate = sentiment-en-accurate) for its language.",
        ),
    ] = None,
) -> None:
    """Write one JSON line per text: label, probabilities, language, model."""
    import orjson

    from socialens.analyses.sentiment.predict import predict_sentiment

    if model is not None and task != "sentiment":
        from socialens.errors import ConfigError

        raise ConfigError(f"--model chooses a sentiment model; {task} has no choice of models here")
    items = list(texts or [])
    if file is not None:
        items += _lines(file.read_bytes())
    if not texts and file is None:
        items += _lines(sys.stdin.buffer.read())
    if task == "offensive":
        from socialens.analyses.offensive.score import predict_offensive

        results = predict_offensive(items, langs=[lang] * len(items) if lang else None)
    elif task == "sentiment":
        results = predict_sentiment(items, lang=lang, registry_root=models_dir, model=model)
    else:
        module = task_module(task, "predict", ("offensive", "sentiment", *available_tasks("predict")))
        results = module.predict(items, lang=lang, models_dir=models_dir)
    for result in results:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")


@guarded
def explain_command(
    text: Annotated[str, typer.Argument(help="The text to explain.")],
    lang: Annotated[str | None, typer.Option(help="Force a language.")] = None,
    models_dir: ModelsDirOption = None,
    json: JsonOption = False,
) -> None:
    """Show which tokens drove the sentiment prediction (darker = more weight)."""
    from socialens.analyses.sentiment.predict import explain_sentiment

    result = explain_sentiment(text, lang=lang, registry_root=models_dir)
    if json:
        emit_json(result)
        return
    from rich.text import Text

    top = max((t["weight"] for t in result["tokens"]), default=0.0) or 1.0
    line = Text()
    for item in result["tokens"]:
        shade = int(255 - 200 * item["weight"] / top)
        line.append(item["token"], style=f"black on rgb(255,{shade},{shade})")
        line.append(" ")
    console.print(f"{result['label']} {result['probabilities']} ({result['model']})")
    if "fallback" in result:
        console.print(result["fallback"])
    console.print(line)


def _lines(data: bytes) -> list[str]:
    # Invalid UTF-8 is replaced, not fatal: one bad byte must not lose a whole file of texts.
    return [line for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
