"""``socialens models list|verify|ship``: the registered and shipped models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import JsonOption, ModelsDirOption, StoreOption, console, emit_json, guarded

_ACTIONS = ("list", "verify", "ship", "unpin")


@guarded
def models_command(
    action: Annotated[
        str, typer.Argument(help="list, verify, ship NAME --to FOLDER, or unpin TASK/LANG --store S")
    ] = "list",
    name: Annotated[str | None, typer.Argument(help="ship: the registered model; unpin: e.g. sentiment/en.")] = None,
    version: Annotated[int | None, typer.Option(help="ship: the version (default: latest).")] = None,
    to: Annotated[Path | None, typer.Option("--to", help="ship: the shipped folder to write.")] = None,
    fp16: Annotated[bool, typer.Option("--fp16", help="ship: store model.pt weights as float16.")] = False,
    shipped_only: Annotated[bool, typer.Option("--shipped-only", help="verify: the shipped models only.")] = False,
    models_dir: ModelsDirOption = None,
    store: StoreOption = None,
    json: JsonOption = False,
) -> None:
    """List the models (registered and shipped) with their test metrics, verify them, or ship one.
    With --store, list also shows the versions that store pins (`socialens adapt` pins one), and
    unpin removes such a pin, so the store uses the default again."""
    from socialens.errors import ConfigError

    if action == "list":
        _list(models_dir, json, store)
    elif action == "unpin":
        if name is None or store is None:
            raise ConfigError("unpin needs the pin's TASK/LANG (e.g. sentiment/en) and --store")
        _unpin(store, name, json)
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


def _list(models_dir: Path | None, json: bool, store: Path | None) -> None:
    from socialens.training.catalogue import headline_metric, model_cards
    from socialens.training.shipped import describe

    cards = model_cards(models_dir)
    pins = _store_pins(store) if store is not None else {}
    pinned = {value: key for key, value in pins.items()}
    if json:
        rows = [{**c.to_dict(), "shipped": bool(c.extra.get("shipped"))} for c in cards]
        for row in rows:
            key = pinned.get(f"{row['name']}@{row['version']}") or pinned.get(row["name"])
            if key:
                row["pinned_by_store"] = key
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(title="models")
    for column in ("name", "task", "lang", "architecture", "test metric", "created"):
        table.add_column(column)
    for c in cards:
        key = pinned.get(f"{c.name}@{c.version}") or pinned.get(c.name)
        shown = describe(c) + (f" [pinned by the store for {key}]" if key else "")
        table.add_row(shown, c.task, c.language, c.architecture, headline_metric(c.metrics), c.created_at)
    console.print(table)


def _store_pins(path: Path) -> dict[str, str]:
    from socialens.store import Store
    from socialens.store.model_pins import store_pins

    with Store(path, read_only=True) as db:
        return store_pins(db)


def _unpin(path: Path, key: str, json: bool) -> None:
    from socialens.store import Store
    from socialens.store.model_pins import unpin_model

    with Store(path) as db:
        removed = unpin_model(db, key)
    if json:
        emit_json({"unpinned": key, "was": removed})
    elif removed is None:
        console.print(f"the store pins no model for {key}; nothing to undo")
    else:
        console.print(f"unpinned {removed} for {key}: the store uses the default model again")


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
