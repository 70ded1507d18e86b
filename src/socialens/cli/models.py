"""``socialens models list|verify|ship``: the registered and shipped models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import JsonOption, console, emit_json, guarded

ModelsDirOption = Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder.")]
_ACTIONS = ("list", "verify", "ship")


@guarded
def models_command(
    action: Annotated[str, typer.Argument(help="list, verify, or ship NAME --to FOLDER")] = "list",
    name: Annotated[str | None, typer.Argument(help="ship: the registered model to ship.")] = None,
    version: Annotated[int | None, typer.Option(help="ship: the version (default: latest).")] = None,
    to: Annotated[Path | None, typer.Option("--to", help="ship: the shipped folder to write.")] = None,
    fp16: Annotated[bool, typer.Option("--fp16", help="ship: store model.pt weights as float16.")] = False,
    shipped_only: Annotated[bool, typer.Option("--shipped-only", help="verify: the shipped models only.")] = False,
    models_dir: ModelsDirOption = None,
    json: JsonOption = False,
) -> None:
    """List the models (registered and shipped) with their test metrics, verify them, or ship one."""
    from socialens.errors import ConfigError

    if action == "list":
        _list(models_dir, json)
    elif action == "verify":
        _verify(models_dir, shipped_only, json)
    elif action == "ship":
        if name is None or to is None:
            raise ConfigError("ship needs a registered model name and --to models/src/socialens_models/<task>-<lang>")
        from socialens.training.model_registry import ModelRegistry
        from socialens.training.shipped import ship

        card = ship(ModelRegistry(models_dir, shipped=False), name, version, to, fp16=fp16)
        console.print(f"shipped {name} as {card.name} v{card.version} in {card.path}")
    else:
        raise ConfigError(f"unknown action {action!r}; available: {', '.join(_ACTIONS)}")


def _list(models_dir: Path | None, json: bool) -> None:
    from socialens.training.catalogue import headline_metric, model_cards
    from socialens.training.shipped import describe

    cards = model_cards(models_dir)
    if json:
        emit_json([{**c.to_dict(), "shipped": bool(c.extra.get("shipped"))} for c in cards])
        return
    from rich.table import Table

    table = Table(title="models")
    for column in ("name", "task", "lang", "architecture", "test metric", "created"):
        table.add_column(column)
    for c in cards:
        table.add_row(describe(c), c.task, c.language, c.architecture, headline_metric(c.metrics), c.created_at)
    console.print(table)


def _verify(models_dir: Path | None, shipped_only: bool, json: bool) -> None:
    from socialens.training.verify import verify_models

    rows = verify_models(models_dir, shipped_only=shipped_only)
    if json:
        emit_json(rows)
    else:
        for row in rows:
            scores = f"{row['metric']} card {row['card']:.4f} now {row['measured']:.4f}" if "measured" in row else ""
            line = f"{row['status']:8s} {row['model']:40s} {scores} {row.get('reason', '')}"
            console.print(line.rstrip(), soft_wrap=True)
    if any(row["status"] == "failed" for row in rows):
        raise typer.Exit(1)
