"""Shipped models: found through the entry point, hash-checked on load, used when the registry has
none, re-scored by ``models verify``, and never displacing a better default."""

from __future__ import annotations

import json
import sys

import pytest

from socialens.analyses.sentiment.predict import predict_sentiment
from socialens.errors import ModelCardError
from socialens.recipes.sentiment import train_sentiment_recipe
from socialens.training import shipped
from socialens.training.model_registry import ModelRegistry
from socialens.training.verify import verify_models


@pytest.fixture(scope="module")
def shipped_root(tmp_path_factory):
    """A models folder holding one real shipped model: TF-IDF on 400 Chinese reviews."""
    tmp = tmp_path_factory.mktemp("shipped")
    card = train_sentiment_recipe("zh", "quick", tmp / "work", tmp / "reg", limit=400, say=lambda _: None)
    ship_to = tmp / "models" / "sentiment-zh"
    shipped.ship(ModelRegistry(tmp / "reg", shipped=False), card["name"], None, ship_to)
    return tmp / "models"


@pytest.fixture
def models(shipped_root, tmp_path, monkeypatch):
    """A private copy of the shipped models, used through $SOCIALENS_SHIPPED_MODELS."""
    import shutil

    root = tmp_path / "models"
    shutil.copytree(shipped_root, root)
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(root))
    return root


def test_an_empty_registry_answers_with_the_shipped_model(models, tmp_path):
    (result,) = predict_sentiment(["房间很脏，服务态度也差"], registry_root=tmp_path / "empty")
    assert result["model"] == "sentiment-zh v1 (shipped)" and result["label"] == "negative"
    listed = (models / "sentiment-zh" / "SHA256SUMS").read_text().splitlines()
    assert {line.split("  ")[1] for line in listed} >= {"card.json", "MODEL_CARD.md", "tfidf.npz"}


@pytest.mark.parametrize("damage", ["changed", "unlisted", "missing"])
def test_a_damaged_shipped_model_is_a_clear_error(models, tmp_path, damage):
    folder = models / "sentiment-zh"
    if damage == "changed":
        weights = folder / "tfidf.npz"
        data = bytearray(weights.read_bytes())
        data[len(data) // 2] ^= 0xFF  # one flipped byte
        weights.write_bytes(bytes(data))
    elif damage == "unlisted":
        (folder / "extra.pt").write_bytes(b"weights from elsewhere")
    else:
        (folder / "tfidf.npz").unlink()
    with pytest.raises(ModelCardError, match=r"\[E502\] .*(tfidf\.npz|extra\.pt) .*reinstall"):
        ModelRegistry(tmp_path / "empty").default("sentiment", "zh")


def test_models_verify_rescores_the_shipped_model_and_fails_on_a_wrong_card(models):
    (row,) = verify_models(shipped_only=True)
    assert row["status"] == "ok" and row["model"] == "sentiment-zh v1 (shipped)" and row["measured"] > 0.7
    card_path = models / "sentiment-zh" / "card.json"
    card = json.loads(card_path.read_text())
    card["extra"]["reference"]["value"] += 0.01  # the card claims more than the model does
    card_path.write_text(json.dumps(card))
    shipped.write_checksums(models / "sentiment-zh")
    (row,) = verify_models(shipped_only=True)
    assert row["status"] == "failed" and "differs from the card's" in row["reason"]


def test_a_weaker_new_model_does_not_replace_the_shipped_default_unless_asked(models, tmp_path):
    reg = tmp_path / "reg"
    weaker = train_sentiment_recipe("zh", "quick", tmp_path / "w1", reg, limit=100, say=lambda _: None)
    assert not weaker["default"]
    assert ModelRegistry(reg).default("sentiment", "zh").name == "sentiment-zh"
    forced = train_sentiment_recipe("zh", "quick", tmp_path / "w2", reg, limit=100, make_default=True, say=print)
    assert forced["default"] and ModelRegistry(reg).default("sentiment", "zh").name == "sentiment-zh-quick"


def test_a_pin_chooses_the_version(models, tmp_path):
    reg = tmp_path / "reg"
    train_sentiment_recipe("zh", "quick", tmp_path / "w", reg, limit=100, make_default=True, say=lambda _: None)
    assert ModelRegistry(reg, pins={"sentiment/zh": "sentiment-zh@1"}).default("sentiment", "zh").extra["shipped"]
    (result,) = predict_sentiment(["很好"], registry_root=reg, pins={"sentiment/zh": "sentiment-zh-quick@1"})
    assert result["model"] == "sentiment-zh-quick v1"


def test_models_are_found_through_the_entry_point_group(shipped_root, tmp_path, monkeypatch):
    site = tmp_path / "site"
    info = site / "fake_models-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-models\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[socialens.models]\nshipped = fake_models:model_dirs\n")
    (site / "fake_models.py").write_text(
        f"from pathlib import Path\ndef model_dirs():\n    return [Path({str(shipped_root / 'sentiment-zh')!r})]\n"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("SOCIALENS_SHIPPED_MODELS")
    monkeypatch.delitem(sys.modules, "fake_models", raising=False)
    shipped._discover.cache_clear()
    try:
        names = [p.name for p in shipped.shipped_dirs()]
    finally:
        shipped._discover.cache_clear()
    assert "sentiment-zh" in names
