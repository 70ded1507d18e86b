"""Each sentiment recipe runs end to end on a tiny slice: stages, registration, honest default."""

from __future__ import annotations

import pytest

from socialens.errors import ConfigError
from socialens.recipes.sentiment import train_sentiment_recipe
from socialens.training.model_registry import ModelRegistry
from socialens.training.verify import verify_models

TINY_BIGRU = {"epochs": 1, "w2v_epochs": 1, "embed_dim": 16, "hidden": 8, "attention_dim": 8}


def test_quick_recipe_registers_a_tfidf_model_that_verifies(tmp_path):
    lines: list[str] = []
    card = train_sentiment_recipe("zh", "quick", tmp_path / "work", tmp_path / "reg", limit=400, say=lines.append)
    assert card["architecture"] == "sentiment.tfidf_lr.v1" and card["metrics"]["n"] == 1737  # the whole test split
    assert card["default"] and card["extra"]["recipe"] == "quick"
    assert [line.split(":")[0] for line in lines[1:] if "started" in line] == ["[1/2] tfidf", "[2/2] register"]
    (row,) = verify_models(tmp_path / "reg")
    assert row["status"] == "ok" and row["metric"] == "accuracy" and row["measured"] == row["card"]


def test_production_recipe_blends_and_resumes(tmp_path):
    work, reg = tmp_path / "work", tmp_path / "reg"
    card = train_sentiment_recipe("en", "production", work, reg, limit=300, bigru=TINY_BIGRU, say=lambda _: None)
    assert card["architecture"] == "sentiment.blend.v1"
    stages = card["extra"]["stages"]
    assert list(stages) == ["tfidf", "bigru-42", "blend"]
    assert sum(stages["blend"]["weights"]) == pytest.approx(1.0)
    lines: list[str] = []  # a second run finds every stage done and only registers again
    again = train_sentiment_recipe("en", "production", work, reg, limit=300, bigru=TINY_BIGRU, say=lines.append)
    assert sum("resumed" in line for line in lines) == 4 and again["version"] == card["version"]
    assert ModelRegistry(reg).default("sentiment", "en").name == "sentiment-en-production"


def test_unknown_recipe_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown recipe 'slow'"):
        train_sentiment_recipe("en", "slow", tmp_path)
