"""One configuration format (TOML), validated into a typed object.

Looked up in order: ``--config``, ``$SOCIALENS_CONFIG``, ``./socialens.toml``. Every key is
optional::

    store = "socialens.duckdb"
    [privacy]
    keep_identifiers = false        # true keeps raw user ids and handles (explicit opt-in)
    key_file = "~/.config/socialens/pseudonym.key"
    public_accounts = ["united", "twitter:nytimes"]   # handles kept readable on purpose
    public_accounts_file = "public.txt"               # or one handle a line
    [ingest]
    batch_size = 150000
    [tasks.topics]                  # settings of one task (see `socialens analyze TASK --help`)
    n_topics = 30
    [models]                        # pin the model versions this store's analyses use
    "sentiment/en" = "sentiment-en-production@2"   # NAME@VERSION, or NAME (its latest), or a shipped NAME
    [compare]
    brands = ["@united", "@Delta", "American"]   # share of voice: `socialens compare`, the report
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError

DEFAULT_STORE = "socialens.duckdb"


@dataclass(slots=True)
class PrivacyConfig:
    keep_identifiers: bool = False
    key: str | None = None
    key_file: Path | None = None
    public_accounts: list[str] = field(default_factory=list)
    public_accounts_file: Path | None = None

    def public(self) -> list[str]:
        """The public accounts: the list, then the file's lines (blank lines and ``#`` comments skipped)."""
        found = list(self.public_accounts)
        if self.public_accounts_file is not None:
            try:
                lines = self.public_accounts_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(
                    f"{self.public_accounts_file}: cannot read privacy.public_accounts_file: {exc}"
                ) from None
            found += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        return found


@dataclass(slots=True)
class IngestConfig:
    batch_size: int = 150_000


@dataclass(slots=True)
class Config:
    store: Path = Path(DEFAULT_STORE)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    # Task name -> settings as TOML gave them; checked against the task's Settings when it runs.
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "task/lang" -> "NAME@VERSION": the model versions this store's analyses use.
    models: dict[str, str] = field(default_factory=dict)
    # [compare] brands: accounts (@handle) and names compared by `socialens compare` and the report.
    compare_brands: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> Config:
    candidate = path or (Path(os.environ["SOCIALENS_CONFIG"]) if "SOCIALENS_CONFIG" in os.environ else None)
    if candidate is None:
        local = Path("socialens.toml")
        candidate = local if local.exists() else None
    if candidate is None:
        return Config()
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{candidate}: cannot read configuration: {exc}") from exc
    return parse_config(data, str(candidate))


def parse_config(data: dict[str, Any], source: str = "config") -> Config:
    known = {"store", "privacy", "ingest", "tasks", "models", "compare"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
    config = Config()
    if "store" in data:
        config.store = Path(_typed(data, "store", str, source)).expanduser()
    keys = {"keep_identifiers", "key", "key_file", "public_accounts", "public_accounts_file"}
    privacy = _section(data, "privacy", keys, source)
    if "keep_identifiers" in privacy:
        config.privacy.keep_identifiers = _typed(privacy, "keep_identifiers", bool, source)
    if "key" in privacy:
        config.privacy.key = _typed(privacy, "key", str, source)
    if "key_file" in privacy:
        config.privacy.key_file = Path(_typed(privacy, "key_file", str, source)).expanduser()
    if "public_accounts" in privacy:
        accounts = _typed(privacy, "public_accounts", list, source)
        if not all(isinstance(a, str) and a.strip() for a in accounts):
            raise ConfigError(f"{source}: privacy.public_accounts must be a list of handles, got {accounts!r}")
        config.privacy.public_accounts = accounts
    if "public_accounts_file" in privacy:
        path = Path(_typed(privacy, "public_accounts_file", str, source)).expanduser()
        # relative to the configuration file, like any path a file names
        config.privacy.public_accounts_file = path if path.is_absolute() else Path(source).parent / path
    ingest = _section(data, "ingest", {"batch_size"}, source)
    if "batch_size" in ingest:
        size = _typed(ingest, "batch_size", int, source)
        if size < 1:
            raise ConfigError(f"{source}: ingest.batch_size must be >= 1, got {size}")
        config.ingest.batch_size = size
    config.tasks = _tasks(data.get("tasks", {}), source)
    config.models = _model_pins(data.get("models", {}), source)
    compare = _section(data, "compare", {"brands"}, source)
    if "brands" in compare:
        brands = _typed(compare, "brands", list, source)
        if not all(isinstance(b, str) for b in brands):
            raise ConfigError(f"{source}: compare.brands must be a list of @handles or names, got {brands!r}")
        config.compare_brands = brands
    return config


def _model_pins(section: Any, source: str) -> dict[str, str]:
    if not isinstance(section, dict):
        raise ConfigError(f'{source}: [models] must be a table of "task/lang" = "NAME@VERSION"')
    for key, value in section.items():
        name, _, version = str(value).partition("@")
        if key.count("/") != 1 or not isinstance(value, str) or not name or (version and not version.isdigit()):
            raise ConfigError(
                f'{source}: [models] {key} = {value!r}: write "task/lang" = "NAME@VERSION" '
                '(e.g. "sentiment/en" = "sentiment-en-production@2"; NAME alone takes its latest version)'
            )
    return dict(section)


def _tasks(section: Any, source: str) -> dict[str, dict[str, Any]]:
    from socialens.pipeline.catalogue import task_names

    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [tasks] must hold one table per task, e.g. [tasks.topics]")
    unknown = sorted(set(section) - set(task_names()))
    if unknown:
        raise ConfigError(f"{source}: unknown task(s) in [tasks]: {unknown}; known: {', '.join(task_names())}")
    for name, values in section.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [tasks.{name}] must be a table of settings")
    return {name: dict(values) for name, values in section.items()}


def _section(data: dict[str, Any], name: str, keys: set[str], source: str) -> dict[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [{name}] must be a table")
    unknown = set(section) - keys
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in [{name}]: {sorted(unknown)}")
    return section


def _typed(section: dict[str, Any], key: str, kind: type, source: str) -> Any:
    value = section[key]
    # bool is a subclass of int, but ``batch_size = true`` is a mistake, not 1.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{source}: {key} must be {kind.__name__}, got {value!r}")
    return value
