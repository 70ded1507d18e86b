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


IDENTITY_KEY = "store_id"


def store_identity(store: Store) -> dict[str, str]:
    """What an adapted model's card records of the store it learned from: the store's own random id
    (kept in its ``meta`` table, made on first use; a copy of the file keeps it) and a hash of its
    resolved path (found again if the id was lost, e.g. by export and import). Never the raw path,
    which may hold a user name."""
    import uuid

    ident = store.get_meta(IDENTITY_KEY)
    if not ident:
        ident = uuid.uuid4().hex
        store.set_meta(IDENTITY_KEY, ident)
    return {"id": ident, "path_hash": path_hash(store)}


def path_hash(store: Store) -> str:
    """``sha256:`` and 16 hex digits of the store file's resolved path."""
    import hashlib

    resolved = str(store.path.resolve()) if str(store.path) != ":memory:" else ":memory:"
    return "sha256:" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]
