"""The shipped emotion models (models/src/socialens_models/emotion-{en,zh}): they re-score their
cards on the annotated reference test part, beat their lexicon there, answer a fresh install, and
do not tag every post with every emotion."""

from __future__ import annotations

import pytest

from socialens.analyses.emotion.predict import predict
from socialens.training.shipped import find_shipped
from socialens.training.verify import load_component, verify_one
from tests.conftest import SHIPPED_MODELS


@pytest.fixture(autouse=True)
def shipped(monkeypatch):
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shipped_model_verifies_and_beats_its_lexicon(lang):
    card = find_shipped(f"emotion-{lang}")
    assert card is not None and card.task == "emotion" and card.language == lang
    row = verify_one(card)
    assert row["status"] == "ok", row
    assert card.metrics["reference"]["macro_f1"] > card.metrics["lexicon"]["macro_f1"]
    assert (SHIPPED_MODELS / f"emotion-{lang}" / "MODEL_CARD.md").read_text(encoding="utf-8").count("TODO") == 0
    model = load_component(card)
    assert model.predict([""]).shape == (1, len(card.labels))


def test_a_fresh_install_answers_with_the_shipped_models(tmp_path):
    texts = ["I am so angry, my flight was cancelled again", "what a lovely crew, thanks", "这家酒店太脏了，非常失望"]
    results = predict(texts, models_dir=tmp_path / "empty")
    assert [r["model"] for r in results] == ["emotion-en v1 (shipped)"] * 2 + ["emotion-zh v1 (shipped)"]
    assert results[0]["label"] == "anger" and "恶" in results[2]["labels"]
    assert all(len(r["labels"]) < len(r["probabilities"]) for r in results)
