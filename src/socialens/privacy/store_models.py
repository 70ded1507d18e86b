"""Erasure reaches the models learned from a store's posts, which may hold words of a forgotten
account's posts: the models adapted to it (``socialens adapt``: TF-IDF vocabulary and weights) and
the topic models fitted on it (``socialens analyze topics``: topic terms, representative posts, a
vocabulary).

:func:`remove_store_models` finds every registry version learned from the store (the card's
``extra.adaptation.store`` or ``extra.fitted_on.store`` names the store's id or its path hash; a
version the store pins under an ``-adapted`` name, or records in its meta as its topic model
(``model/topics/<lang>``), counts too), unpins it or drops its meta record, then deletes its folder
from the registry (a pinned version another registry holds is unpinned, and the output asks to
delete its folder there). A dropped topic model leaves a marker (``erased/model/topics/<lang>``)
so that loading it says it was removed by an erasure. Adapting or fitting again learns from what
is left.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

ADAPTED_SUFFIX = "-adapted"
TOPICS_META = "model/topics/"  # + lang: the topic model fitted for the store (analyses.topics.analyze.STORE_KEY)
ERASED_PREFIX = "erased/"  # + the meta key: the topic model an erasure removed


def adapted_from(store: Store, registry_root: Path | None = None) -> list[tuple[str, int]]:
    """``(name, version)`` of every model learned from ``store``'s posts, sorted: those of the
    registry whose card records the store (adapted to it or fitted on it), every ``-adapted``
    version the store pins and every topic model its meta records (even one not in this registry)."""
    from socialens.store.model_pins import IDENTITY_KEY, path_hash, store_pins
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root, shipped=False)
    ident, hashed = store.get_meta(IDENTITY_KEY), path_hash(store)
    found: set[tuple[str, int]] = set()
    for card in registry.list():
        for origin in ("adaptation", "fitted_on"):
            recorded = (card.extra.get(origin) or {}).get("store") or {}
            if (ident and recorded.get("id") == ident) or recorded.get("path_hash") == hashed:
                found.add((card.name, card.version))
    for pin in store_pins(store).values():
        name, _, version = pin.partition("@")
        if name.endswith(ADAPTED_SUFFIX) and version.isdigit():
            found.add((name, int(version)))
    found.update(topic_records(store).values())
    return sorted(found)


def topic_records(store: Store) -> dict[str, tuple[str, int]]:
    """The store's meta records of the topic models fitted on it: ``{meta key: (name, version)}``."""
    rows = store.con.execute("SELECT key, value FROM meta WHERE key LIKE ?", [TOPICS_META + "%"]).fetchall()
    records: dict[str, tuple[str, int]] = {}
    for key, value in rows:
        name, _, version = str(value).partition("@")
        if "/" not in key.removeprefix(TOPICS_META) and version.isdigit():
            records[key] = (name, int(version))
    return records


def remove_store_models(store: Store, registry_root: Path | None = None) -> list[dict[str, Any]]:
    """Unpin and delete every model learned from ``store`` (see the module docstring); returns one
    entry per version: ``model``, ``version``, ``unpinned`` (the task/lang key or topic meta key, or
    None), ``files_removed`` (False for a recorded version this registry does not hold: unpinned
    only) and ``readapt`` (an adapted model) or ``refit`` (a topic model): the command that learns a
    new one from what the store holds now."""
    from socialens.store.model_pins import store_pins, unpin_model
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(registry_root, shipped=False)
    removed = []
    topics = topic_records(store)
    for name, version in adapted_from(store, registry_root):
        pinned = [key for key, pin in store_pins(store).items() if pin == f"{name}@{version}"]
        for key in pinned:  # unpinned first: a failure below never leaves a pin to a missing folder
            unpin_model(store, key)
        recorded = [key for key, record in topics.items() if record == (name, version)]
        for key in recorded:
            store.con.execute("DELETE FROM meta WHERE key = ?", [key])
            store.set_meta(ERASED_PREFIX + key, f"{name}@{version}")
        held = version in registry.versions(name)
        if held:
            shutil.rmtree(registry.root / name / str(version))
        entry: dict[str, Any] = {
            "model": name,
            "version": version,
            "unpinned": next(iter(pinned + recorded), None),
            "files_removed": held,
        }
        if name.endswith(ADAPTED_SUFFIX):
            task, lang = _task_and_language(name)
            entry["readapt"] = f"socialens adapt {task} --lang {lang}"
        else:
            entry["refit"] = f"socialens analyze {name}"
        removed.append(entry)
    return removed


def describe_removed(entry: dict[str, Any], store_hint: str = "S") -> str:
    """One line for the terminal: what was removed and how to adapt (or fit) again."""
    if "refit" in entry:
        what = f"{entry['model']}@{entry['version']} was fitted on this store's posts"
        again = f"run `{entry['refit']} --store {store_hint}` again"
        if not entry["files_removed"]:
            return (
                f"{what}; its record is dropped, but the registry searched does not hold it: delete its folder "
                f"{entry['model']}/{entry['version']} from the registry it was saved into; {again}"
            )
        return f"{what} and was removed; {again}"
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
