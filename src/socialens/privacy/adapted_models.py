"""Erasure reaches the models adapted to a store (``socialens adapt``): their TF-IDF vocabulary and
weights were learned from the store's posts, so they may hold words of a forgotten account's posts.

:func:`remove_adapted_models` finds every registry version learned from the store (the card's
``extra.adaptation.store`` names the store's id or its path hash; a version the store pins under an
``-adapted`` name counts too, for cards written before the store was recorded), unpins it from the
store, then deletes its folder from the registry (a pinned version another registry holds is
unpinned, and the output asks to delete its folder there). Adapting again learns from what is left.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

ADAPTED_SUFFIX = "-adapted"


def adapted_from(store: Store, registry_root: Path | None = None) -> list[tuple[str, int]]:
    """``(name, version)`` of every model learned from ``store``'s posts, sorted: those of the
    registry whose card records the store, and every ``-adapted`` version the store pins (even one
    not in this registry)."""
    from socialens.store.model_pins import IDENTITY_KEY, path_hash, store_pins
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root, shipped=False)
    ident, hashed = store.get_meta(IDENTITY_KEY), path_hash(store)
    found: set[tuple[str, int]] = set()
    for card in registry.list():
        recorded = (card.extra.get("adaptation") or {}).get("store") or {}
        if (ident and recorded.get("id") == ident) or recorded.get("path_hash") == hashed:
            found.add((card.name, card.version))
    for pin in store_pins(store).values():
        name, _, version = pin.partition("@")
        if name.endswith(ADAPTED_SUFFIX) and version.isdigit():
            found.add((name, int(version)))
    return sorted(found)


def remove_adapted_models(store: Store, registry_root: Path | None = None) -> list[dict[str, Any]]:
    """Unpin and delete every model learned from ``store`` (see the module docstring); returns one
    entry per version: ``model``, ``version``, ``unpinned`` (the task/lang key, or None),
    ``files_removed`` (False for a pinned version this registry does not hold: unpinned only) and
    ``readapt`` (the command that learns a new one from what the store holds now)."""
    from socialens.store.model_pins import store_pins, unpin_model
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root, shipped=False)
    removed = []
    for name, version in adapted_from(store, registry_root):
        pinned = [key for key, pin in store_pins(store).items() if pin == f"{name}@{version}"]
        for key in pinned:  # unpinned first: a failure below never leaves a pin to a missing folder
            unpin_model(store, key)
        held = version in registry.versions(name)
        if held:
            shutil.rmtree(registry.root / name / str(version))
        task, lang = _task_and_language(name)
        removed.append(
            {
                "model": name,
                "version": version,
                "unpinned": pinned[0] if pinned else None,
                "files_removed": held,
                "readapt": f"socialens adapt {task} --lang {lang}",
            }
        )
    return removed


def describe_removed(entry: dict[str, Any], store_hint: str = "S") -> str:
    """One line for the terminal: what was removed and how to adapt again."""
    what = f"{entry['model']} v{entry['version']} was learned from this store's posts"
    readapt = f"run `{entry['readapt']} --store {store_hint}` again"
    if not entry["files_removed"]:
        return (
            f"{what} and is unpinned ({entry['unpinned']}), but the registry searched does not hold it: delete "
            f"its folder {entry['model']}/{entry['version']} from the registry it was adapted into; {readapt}"
        )
    unpinned = f", unpinned ({entry['unpinned']})" if entry["unpinned"] else ""
    return f"{what} and was removed{unpinned}; {readapt}"


def _task_and_language(name: str) -> tuple[str, str]:
    """``sentiment-en-adapted`` -> ``("sentiment", "en")``."""
    task, _, lang = name.removesuffix(ADAPTED_SUFFIX).rpartition("-")
    return task or name, lang or "en"
