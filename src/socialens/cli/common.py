"""What every command shares: options, configuration, JSON output and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console

from socialens.config import Config, load_config
from socialens.errors import SocialensError

T = TypeVar("T")

console = Console(stderr=True)

StoreOption = Annotated[
    Path | None, typer.Option("--store", "-s", help="Store file (default: socialens.duckdb or the config's).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML configuration file.")]


def resolve_config(config_path: Path | None) -> Config:
    return load_config(config_path)


def store_path(store: Path | None, config: Config) -> Path:
    return store or config.store


def emit_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn socialens errors into one red line and exit code 2, never a traceback."""
    try:
        yield
    except SocialensError as exc:
        # soft_wrap: one line however long (paths are), so it can be grepped and parsed.
        console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(2) from None


def guarded(fn: Callable[..., T]) -> Callable[..., T]:
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with user_errors():
            return fn(*args, **kwargs)

    return wrapper
