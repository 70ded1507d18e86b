"""What every command shares: options, configuration, JSON output and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console

from socialens.config import Config, load_config
from socialens.errors import SocialensError

if TYPE_CHECKING:
    from socialens.store import Store

T = TypeVar("T")

console = Console(stderr=True)

StoreOption = Annotated[
    Path | None, typer.Option("--store", "-s", help="Store file (default: socialens.duckdb or the config's).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML configuration file.")]
ModelsDirOption = Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder.")]


def resolve_config(config_path: Path | None) -> Config:
    return load_config(config_path)


def store_path(store: Path | None, config: Config) -> Path:
    return store or config.store


@contextmanager
def open_store(store: Path | None, config: Path | None, *, read_only: bool = False) -> Iterator[tuple[Store, Config]]:
    """The store a command names (``--store``, else the configuration's), open, with the configuration
    (``--config``) it was found by."""
    from socialens.store import Store

    cfg = resolve_config(config)
    with Store(store_path(store, cfg), read_only=read_only) as db:
        yield db, cfg


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


class _RichProgress:
    """:class:`socialens.progress.Progress` shown as rich bars on stderr (one per stage)."""

    def __init__(self, bars: Any) -> None:
        self._bars = bars
        self._task: Any = None

    def start(self, description: str, total: int | None = None) -> None:
        if self._task is not None:
            self._bars.update(self._task, visible=False)
        self._task = self._bars.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is None:
            self.start("working")
        self._bars.advance(self._task, n)


@contextmanager
def progress_bars(quiet: bool = False) -> Iterator[Any]:
    """A :class:`socialens.progress.Progress` for library calls: rich bars in a terminal, a log
    line every few seconds elsewhere (cron, CI, a pipe), nothing with ``quiet`` (``--json``)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from socialens.progress import NoProgress

    if quiet:
        yield NoProgress()
        return
    if not console.is_terminal:
        from socialens.progress import LogProgress

        log = LogProgress(write=lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True))
        try:
            yield log
        finally:
            log.close()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bars:
        yield _RichProgress(bars)


def parse_options(options: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` from repeated ``--option`` flags into a dict; a malformed one is a ConfigError."""
    from socialens.errors import ConfigError

    parsed: dict[str, str] = {}
    for item in options or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--option {item!r}: expected KEY=VALUE")
        parsed[key.strip()] = value
    return parsed


OptionsOption = Annotated[
    list[str] | None, typer.Option("--option", "-o", help="Analysis setting KEY=VALUE (repeatable).")
]


# -- selection: the same filters on every analysis, report, trends, alerts and graph command ---
SinceOption = Annotated[str | None, typer.Option("--since", help="Only posts at or after this ISO date/time (UTC).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only posts before this ISO date/time (UTC).")]
PlatformOption = Annotated[list[str] | None, typer.Option("--platform", help="Only these platforms (repeatable).")]
LangOption = Annotated[list[str] | None, typer.Option("--lang", help="Only posts in these languages (repeatable).")]
AuthorOption = Annotated[
    list[str] | None,
    typer.Option("--author", help="Only these accounts: raw handle or id (pseudonymised with your key) or pseudonym."),
]
QueryOption = Annotated[
    str | None,
    typer.Option("--query", "-q", help='Keywords over text and hashtags: AND, OR, NOT, (), "phrases".'),
]
EngineOption = Annotated[str, typer.Option("--engine", help="Where batches run: local, process or dask[://HOST:PORT].")]


@dataclass(frozen=True)
class Filters:
    """The selection options of one command line, as :func:`with_filters` collects them."""

    since: str | None = None
    until: str | None = None
    platform: list[str] | None = None
    lang: list[str] | None = None
    author: list[str] | None = None
    query: str | None = None

    def selection(self, db: Any, config: Config) -> Any:
        """The :class:`~socialens.pipeline.selection.Selection` these options describe."""
        from socialens.pipeline.selection import selection_from_options

        return selection_from_options(db, **vars(self), privacy=config.privacy)


_FILTER_OPTIONS: dict[str, Any] = {
    "since": SinceOption,
    "until": UntilOption,
    "platform": PlatformOption,
    "lang": LangOption,
    "author": AuthorOption,
    "query": QueryOption,
}


def with_filters(fn: Callable[..., T]) -> Callable[..., T]:
    """Offer the selection options where ``fn`` has its ``filters: Filters`` parameter.

    Typer reads the options from the signature, so each command's ``--help`` lists --since ...
    --query in that place, declared once here; the command receives them as one :class:`Filters`.
    """
    import functools
    import inspect

    signature = inspect.signature(fn, eval_str=True)  # Typer reads the Annotated options from the signature
    place = signature.parameters["filters"]
    options = [
        inspect.Parameter(name, place.kind, default=None, annotation=annotation)
        for name, annotation in _FILTER_OPTIONS.items()
    ]
    parameters = [q for p in signature.parameters.values() for q in (options if p is place else [p])]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        filters = Filters(**{name: kwargs.pop(name, None) for name in _FILTER_OPTIONS})
        return fn(*args, filters=filters, **kwargs)

    wrapper.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": signature.return_annotation}
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return wrapper


def print_caveats(caveats: list[str]) -> None:
    """What makes a result weak (``socialens.analyses.adequacy``), one 'note:' line each."""
    for caveat in caveats:
        console.print(f"[yellow]note:[/] {caveat}", highlight=False, soft_wrap=True)


def section_view(db: Any, section: str, selection: Any = None) -> Any:
    """A report section's view over the selection as JSON values (``None``: nothing to show): the
    data the report renders and ``GET /api/v1/results/...`` serves, caveats included."""
    from socialens.report.sections import build_views

    return build_views(db, selection, only=[section]).get(section)


def print_result(result: Any, json: bool) -> None:
    """A task result: JSON on stdout, or its one-line summary."""
    if json:
        emit_json(result.as_dict())
    else:
        console.print(result.summary, highlight=False, soft_wrap=True)
