"""What every task's trainer shares: the request, reading ``-o`` settings, registering a default."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialens.errors import ConfigError
from socialens.training.model_registry import ModelRegistry
from socialens.training.request import int_list, numbers, read_options, register_default


def test_options_are_converted_by_their_kind():
    kinds = {**numbers(("seed",), ("lr",)), "hidden": int_list, "name": str}
    given = {"seed": "3", "lr": "0.5", "hidden": "64, 32", "name": "x"}
    assert read_options("ctr", given, kinds) == {"seed": 3, "lr": 0.5, "hidden": (64, 32), "name": "x"}


def test_an_unknown_setting_names_the_known_ones_unless_others_are_the_tasks_own():
    kinds = numbers(("seed",), ("lr",))
    with pytest.raises(ConfigError, match=r"--option sed: unknown ctr setting; known: seed, lr") as caught:
        read_options("ctr", {"sed": "1"}, kinds)
    assert caught.value.code == "E401"
    assert read_options("sequence", {"platform": "movielens", "lr": "0.1"}, kinds, strict=False) == {"lr": 0.1}


def test_a_malformed_number_is_a_config_error():
    with pytest.raises(ConfigError, match=r"--option seed='x': not a number"):
        read_options("ctr", {"seed": "x"}, numbers(("seed",)))


def _files(folder: Path) -> None:
    (folder / "weights.txt").write_text("1", encoding="utf-8")


def test_register_default_follows_the_latest_version_or_pins_this_one(tmp_path: Path):
    card = {"task": "demo", "language": "any", "architecture": "demo.v1", "metrics": {}}
    first = register_default(tmp_path, "demo-a", _files, card)
    register_default(tmp_path, "demo-a", _files, card)
    assert first.version == 1 and ModelRegistry(tmp_path).default("demo", "any").version == 2  # follows the latest
    pinned = register_default(tmp_path, "demo-b", _files, card, pin=True)
    ModelRegistry(tmp_path).save("demo-b", _files, card)  # a later version, not the default
    default = ModelRegistry(tmp_path).default("demo", "any")
    assert (default.name, default.version) == ("demo-b", pinned.version)
