"""``socialens recommend``: top-k posts for one user, or for every user into a Parquet file."""

from __future__ import annotations

from pathlib import Path
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
    progress_bars,
)


@guarded
def recommend_command(
    user: Annotated[str | None, typer.Option("--user", "-u", help="User id (a pseudonym, u_...).")] = None,
    k: Annotated[int, typer.Option("-k", help="How many recommendations.")] = 10,
    all_users: Annotated[bool, typer.Option("--all", help="Every user, written to --output.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Parquet file for --all.")] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Sequence model name (default: the trained default).")
    ] = None,
    content: Annotated[str, typer.Option(help="Content vectors: tfidf, minilm or none.")] = "tfidf",
    models_dir: ModelsDirOption = None,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Recommend posts a user has not interacted with: behaviour model + content + popularity."""
    from socialens.analyses.recommend import recommend, recommend_all
    from socialens.errors import ConfigError

    if all_users == (user is not None):
        raise ConfigError("give either --user USER or --all --output FILE")
    with open_store(store, config, read_only=True) as (db, _):
        if user is None:
            if output is None:
                raise ConfigError("--all needs --output FILE (a Parquet file)")
            with progress_bars(quiet=json) as progress:
                result = recommend_all(
                    db, output, k, models_dir=models_dir, model=model, content=content, progress=progress
                )
            if json:
                emit_json(result)
            else:
                console.print(result["summary"])
            return
        recs = recommend(db, user, k, models_dir=models_dir, model=model, content=content)
    if json:
        emit_json({"user": user, "k": k, "recommendations": recs})
        return
    for rank, rec in enumerate(recs, 1):
        console.print(
            f"{rank:>3}. {rec['item']}  {rec['score']:.3f}  {rec['text']}  [dim]({rec['reason']})[/]", highlight=False
        )
    if not recs:
        console.print("no recommendations: the store has no posts this user has not seen")


COMMANDS = {"recommend": recommend_command}
