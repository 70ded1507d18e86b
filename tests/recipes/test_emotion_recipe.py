"""The emotion recipe on a slice: stages, reference-set scores beside the lexicon, an honest default,
verification, resumption, and the CLI."""

from __future__ import annotations

import json

import pytest

from socialens.errors import ConfigError
from socialens.recipes.emotion import train_emotion_recipe
from socialens.training.model_registry import ModelRegistry
from socialens.training.verify import verify_models
from tests.cli.test_cli import run_cli

SMALL = {"hash_features": 2**12, "c_grid": (1.0,)}


def test_recipe_registers_a_model_scored_beside_the_lexicon_and_it_verifies(tmp_path):
    work, reg = tmp_path / "work", tmp_path / "reg"
    lines: list[str] = []
    card = train_emotion_recipe("zh", "production", work, reg, limit=300, settings=SMALL, say=lines.append)
    assert [line.split(":")[0] for line in lines if "started" in line] == [
        "[1/3] heads",
        "[2/3] stack",
        "[3/3] register",
    ]
    model, lexicon = card["metrics"]["reference"], card["metrics"]["lexicon"]
    assert model["n"] == lexicon["n"] == 400 and lexicon["macro_f1"] == pytest.approx(0.4612, abs=1e-4)
    assert card["architecture"] == "emotion.stacked.v1" and card["extra"]["stages"]["stack"]["dev_texts"] == 400
    # the default only when it beats the lexicon (nothing else is registered here)
    assert card["default"] == (model["macro_f1"] > lexicon["macro_f1"])
    (row,) = verify_models(reg)
    assert row["status"] == "ok" and row["metric"] == "macro_f1" and row["measured"] == row["card"]
    again = train_emotion_recipe("zh", "production", work, reg, limit=300, settings=SMALL, say=lines.append)
    assert sum("resumed" in line for line in lines) == 3 and again["version"] == card["version"]


def test_a_model_below_the_lexicon_is_not_made_the_default_unless_asked(tmp_path):
    weak = {"hash_features": 2**8, "c_grid": (0.001,)}  # nearly no capacity: cannot beat DUTIR
    card = train_emotion_recipe("zh", "production", tmp_path / "w", tmp_path / "r", limit=50, settings=weak, say=print)
    assert not card["default"] and "does not beat the lexicon" in card["default_reason"]
    forced = train_emotion_recipe(
        "zh", "production", tmp_path / "w2", tmp_path / "r", limit=50, settings=weak, make_default=True, say=print
    )
    assert forced["default"] and ModelRegistry(tmp_path / "r").default("emotion", "zh").version == forced["version"]


def test_unknown_recipe_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown emotion recipe 'quick'"):
        train_emotion_recipe("zh", "quick", tmp_path)


def test_cli_trains_and_evaluates_on_the_reference_set(tmp_path):
    reg = tmp_path / "reg"
    done = run_cli(
        tmp_path, "train", "emotion", "--lang", "zh", "--recipe", "production", "--limit", "200",
        "--models-dir", reg, "--json", timeout=300,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    card = json.loads(done.stdout)
    assert card["name"] == "emotion-zh-production" and card["metrics"]["reference"]["n"] == 400
    shown = run_cli(tmp_path, "evaluate", "emotion", "--lang", "zh", "--name", card["name"], "--models-dir", reg)
    assert shown.code == 0, shown.stderr
    printed = shown.stdout + shown.stderr  # the console writes to stderr
    assert (
        f"macro-f1 {card['metrics']['reference']['macro_f1']:.3f}" in printed and "lexicon on the same 400" in printed
    )
