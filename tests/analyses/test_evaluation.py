"""``evaluate TASK`` evaluates that task's model (it used to evaluate sentiment whatever the task)."""

from __future__ import annotations

import pytest

from socialens.analyses.emotion.train import train_emotion
from socialens.analyses.evaluation import evaluate_model
from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.errors import ConfigError, ModelNotFoundError
from tests.analyses.emotion.test_workflow import TINY


def test_emotion_evaluates_the_emotion_model_and_sentiment_the_sentiment_model(tmp_path):
    card = train_emotion("en", limit=300, settings=TINY, registry_root=tmp_path, make_default=True)
    with pytest.raises(ModelNotFoundError, match="sentiment"):  # no sentiment model here: not silently swapped
        evaluate_model("sentiment", models_dir=tmp_path)
    again = evaluate_model("emotion", models_dir=tmp_path)
    assert again["task"] == "emotion" and again["name"] == card["name"]
    assert again["weak"] == card["metrics"]["weak"]  # the same held-out texts, the same model, the same scores
    assert again["reference"] == card["metrics"]["reference"] and again["lexicon"]["n"] == 400
    train_sentiment("en", "vader", registry_root=tmp_path)
    assert evaluate_model("sentiment", models_dir=tmp_path)["name"].startswith("sentiment-en-vader")
    with pytest.raises(ConfigError, match="cannot evaluate 'topics'"):
        evaluate_model("topics", models_dir=tmp_path)
