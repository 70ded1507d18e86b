"""Model versions pinned by a store itself (``socialens adapt`` writes them), kept in its ``meta``
table so that they travel with the store file and no other store sees them.

A store's own pins rank below the ``[models]`` of ``socialens.toml`` (what the user wrote by hand
wins) and above the registry's defaults: :func:`merged_pins` is what the pipeline uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from socialens.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

KEY = "model_pins"


def store_pins(store: Store) -> dict[str, str]:
    """``{"sentiment/en": "NAME@VERSION"}`` pinned by this store (empty when none)."""
    raw = store.get_meta(KEY)
    if not raw:
        return {}
    try:
        pins = json.loads(raw)
    except json.JSONDecodeError:
        pins = None
    if not isinstance(pins, dict) or not all(isinstance(v, str) for v in pins.values()):
        raise StoreError(f"the store's {KEY} entry is not a table of task/lang -> NAME@VERSION: {raw[:80]!r}")
    return pins


def pin_model(store: Store, key: str, value: str) -> None:
    """Pin ``value`` (``NAME@VERSION``) for ``key`` (``task/lang``) in this store."""
    _check_key(key)
    store.set_meta(KEY, json.dumps({**store_pins(store), key: value}, sort_keys=True))


def unpin_model(store: Store, key: str) -> str | None:
    """Remove this store's pin of ``key``; returns what was pinned (None when nothing was)."""
    _check_key(key)
    pins = store_pins(store)
    removed = pins.pop(key, None)
    store.set_meta(KEY, json.dumps(pins, sort_keys=True))
    return removed


def merged_pins(store: Store, configured: Mapping[str, str] | None) -> dict[str, str]:
    """The store's pins overridden by the configuration's ``[models]``."""
    return {**store_pins(store), **dict(configured or {})}


def _check_key(key: str) -> None:
    task, _, lang = key.partition("/")
    if not task or not lang or "/" in lang:
        raise ConfigError(f"{key!r}: a model pin is named task/lang, e.g. sentiment/en")
