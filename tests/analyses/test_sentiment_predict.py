"""Scoring and explaining with registered models: languages, bad input, explanations."""

from __future__ import annotations

import pytest

from socialens.analyses.sentiment.predict import explain_sentiment, predict_sentiment
from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.errors import ModelNotFoundError
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
        elif result["label"] is None:  # Chinese or Han text: no zh model registered (nor shipped) here
            assert "no zh sentiment model registered or shipped" in result["reason"]
        else:  # broken bytes may read as another language: the English model answers and says so
            assert result["fallback"].endswith("answered by the en model") and result["model"].startswith(
                "sentiment-en"
            )


def test_languages_without_a_model_fall_back_and_say_so(registry):
    (french,) = predict_sentiment(["Le vol était en retard, service horrible"], registry_root=registry)
    assert french["lang"] == "fr" and french["label"] in ("negative", "neutral", "positive")
    assert french["fallback"] == "no sentiment model for language 'fr'; answered by the en model"
    (forced,) = predict_sentiment(["Le vol était en retard"], lang="en", registry_root=registry)
    assert forced["label"] is not None and "fallback" not in forced
    (japanese_id,) = predict_sentiment(["服务态度很差"], langs=["ja"], registry_root=registry)  # Han text, id'd ja
    assert japanese_id["label"] is None and "no zh sentiment model" in japanese_id["reason"]


def test_explain_gives_attention_over_the_tokens(registry):
    result = explain_sentiment("the flight was delayed again, terrible service", registry_root=registry)
    tokens = [t["token"] for t in result["tokens"]]
    assert "delayed" in tokens and "terrible" in tokens
    assert sum(t["weight"] for t in result["tokens"]) == pytest.approx(1.0, abs=1e-3)
    assert result["label"] in ("negative", "neutral", "positive")


def test_explain_falls_back_like_predict_and_names_the_model(registry):
    result = explain_sentiment("Le vol était en retard, service horrible", registry_root=registry)
    predicted = predict_sentiment(["Le vol était en retard, service horrible"], registry_root=registry)[0]
    assert result["lang"] == "fr" and result["label"] == predicted["label"]
    assert (
        result["fallback"] == predicted["fallback"] == "no sentiment model for language 'fr'; answered by the en model"
    )
    assert result["model"] == predicted["model"] and result["model"].startswith("sentiment-en-bigru v")
    assert "retard" in [t["token"] for t in result["tokens"]]
    with pytest.raises(ModelNotFoundError, match="no sentiment model for language 'zh'"):  # Han text, no zh model
        explain_sentiment("服务态度很差", lang="ja", registry_root=registry)
