"""``socialens adapt sentiment --store S``: the default model adapted to one store's posts, pinned there."""

from __future__ import annotations

from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    ModelsDirOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
)


@guarded
def adapt_command(
    task: Annotated[str, typer.Argument(help="The task whose default model to adapt: sentiment.")],
    lang: Annotated[str, typer.Option(help="The language of the posts to adapt to (en, zh).")] = "en",
    rounds: Annotated[int, typer.Option(min=1, max=5, help="Self-training rounds at most.")] = 2,
    store: StoreOption = None,
    config: ConfigOption = None,
    models_dir: ModelsDirOption = None,
    json: JsonOption = False,
) -> None:
    """Continue training the default model on this store's own (unlabelled) posts and pin the result
    for this store only; `socialens models unpin TASK/LANG --store S` undoes it."""
    from socialens.recipes.adapt import adapt_model

    with open_store(store, config) as (db, cfg):
        card = adapt_model(
            db, task, lang, registry_root=models_dir, configured_pins=cfg.models, rounds=rounds, say=console.print
        )
    if json:
        emit_json(card)
        return
    metric = card["metrics"].get("macro_f1")
    console.print(f"{card['name']} v{card['version']}: reference test macro-F1 {metric:.4f}; pinned as {card['pin']}")


COMMANDS = {"adapt": adapt_command}
