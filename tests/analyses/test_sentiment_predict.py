"""Scoring and explaining with registered models: languages, bad input, explanations."""

from __future__ import annotations

import pytest

from socialens.analyses.sentiment.predict import explain_sentiment, predict_sentiment
from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.errors import ConfigError
from tests.analyses.inputs import BAD_INPUT as COMMON_BAD_INPUT

BAD_INPUT = [*COMMON_BAD_INPUT, "https://t.co/abc @someone"]


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    card = train_sentiment("en", "bigru", limit=800, settings={"epochs": 2, "w2v_epochs": 1}, registry_root=root)
    assert card["metrics"]["n"] == 3720
    return root


def test_every_text_gets_a_defined_result(registry):
    results = predict_sentiment(BAD_INPUT, registry_root=registry)
    assert len(results) == len(BAD_INPUT)
    for result in results:
        if result["lang"] == "en":
            assert result["label"] in ("negative", "neutral", "positive")
            assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
        else:  # mixed zh/en is Chinese (no zh model registered here); broken bytes may read as another language
            assert result["label"] is None and result["reason"]


def test_languages_without_a_model_say_so(registry):
    (french,) = predict_sentiment(["Le vol était en retard, service horrible"], registry_root=registry)
    assert french["label"] is None and "no sentiment model for language 'fr'" in french["reason"]
    (forced,) = predict_sentiment(["Le vol était en retard"], lang="en", registry_root=registry)
    assert forced["label"] is not None


def test_explain_gives_attention_over_the_tokens(registry):
    result = explain_sentiment("the flight was delayed again, terrible service", registry_root=registry)
    tokens = [t["token"] for t in result["tokens"]]
    assert "delayed" in tokens and "terrible" in tokens
    assert sum(t["weight"] for t in result["tokens"]) == pytest.approx(1.0, abs=1e-3)
    assert result["label"] in ("negative", "neutral", "positive")


def test_explain_refuses_languages_without_a_model(registry):
    with pytest.raises(ConfigError, match="no sentiment model for language 'fr'"):
        explain_sentiment("Le vol était en retard", registry_root=registry)
