"""A store's own model pins: kept in its meta table, merged under socialens.toml's, undoable."""

from __future__ import annotations

import pytest

from socialens.errors import ConfigError, StoreError
from socialens.store import Store
from socialens.store.model_pins import merged_pins, pin_model, store_pins, unpin_model
from socialens.store.stats import store_stats


def test_pins_persist_in_the_store_file_and_only_there(tmp_path):
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        assert store_pins(a) == {}
        pin_model(a, "sentiment/en", "sentiment-en-adapted@3")
        pin_model(a, "sentiment/zh", "sentiment-zh-adapted@1")
        assert store_pins(b) == {}
    with Store(tmp_path / "a.duckdb", read_only=True) as a, Store(tmp_path / "b.duckdb", read_only=True) as b:
        assert store_pins(a) == {"sentiment/en": "sentiment-en-adapted@3", "sentiment/zh": "sentiment-zh-adapted@1"}
        assert store_stats(a)["model_pins"] == store_pins(a) and store_stats(b)["model_pins"] == {}


def test_the_configuration_wins_and_unpin_undoes(store):
    pin_model(store, "sentiment/en", "sentiment-en-adapted@2")
    assert merged_pins(store, None) == {"sentiment/en": "sentiment-en-adapted@2"}
    assert merged_pins(store, {"sentiment/en": "mine@1", "emotion/en": "e@1"}) == {
        "sentiment/en": "mine@1",
        "emotion/en": "e@1",
    }
    assert unpin_model(store, "sentiment/en") == "sentiment-en-adapted@2"
    assert unpin_model(store, "sentiment/en") is None and store_pins(store) == {}


def test_bad_keys_and_damaged_entries_are_coded_errors(store):
    with pytest.raises(ConfigError, match=r"\[E401\].*task/lang"):
        pin_model(store, "sentiment", "x@1")
    store.set_meta("model_pins", "[1, 2]")
    with pytest.raises(StoreError, match=r"\[E203\].*model_pins"):
        store_pins(store)
