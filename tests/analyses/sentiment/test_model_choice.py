"""Choosing a sentiment model by name or variant (``predict --model``, ``analyze -o model=``): it
answers for its own language, the other languages keep their defaults, an unknown name is a clear
error; the shipped accurate model is picked by ``accurate``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialens.analyses.sentiment.predict import model_pins, predict_sentiment
from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.errors import ModelNotFoundError
from socialens.recipes.sentiment import train_sentiment_recipe
from socialens.schema import Post
from socialens.store.stats import models_used
from tests.conftest import SHIPPED_MODELS, run_analysis


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Two English models: the default (TF-IDF on 400 texts, ``sentiment-en-quick``) and
    ``sentiment-en-tfidf`` (on 100 texts, not the default), chosen by its variant word ``tfidf``."""
    tmp = tmp_path_factory.mktemp("choice")
    reg = tmp / "reg"
    train_sentiment_recipe("en", "quick", tmp / "w1", reg, limit=400, say=lambda _: None)
    card = train_sentiment("en", "tfidf", limit=100, registry_root=reg, make_default=False)
    assert card["name"] == "sentiment-en-tfidf" and not card["default"]
    return reg


def test_a_variant_answers_for_its_language_only(registry):
    assert model_pins("tfidf", registry) == {"sentiment/en": "sentiment-en-tfidf"}
    assert model_pins("sentiment-en-tfidf@1", registry) == {"sentiment/en": "sentiment-en-tfidf@1"}
    default, chosen = (
        predict_sentiment(["what a lovely day"], lang="en", registry_root=registry, model=m)[0]["model"]
        for m in (None, "tfidf")
    )
    assert default == "sentiment-en-quick v1" and chosen == "sentiment-en-tfidf v1"


def test_an_unknown_model_is_a_clear_error(registry):
    with pytest.raises(ModelNotFoundError, match=r"no sentiment model named 'precise'.*sentiment-en-tfidf"):
        predict_sentiment(["hello"], registry_root=registry, model="precise")


def test_analyze_option_model_chooses_it_in_the_store(store, registry):
    moment = datetime(2026, 12, 7, tzinfo=UTC)
    texts = ["I love this airline", "worst delay ever"]
    store.write_records(
        {
            Post: [
                Post(id=str(i), platform="x", author="a", text=t, created_at=moment, lang="en")
                for i, t in enumerate(texts)
            ]
        }
    )
    run_analysis(store, "sentiment", {"model": "tfidf"}, models_dir=registry)
    assert models_used(store)["sentiment"] == {"sentiment-en-tfidf v1": 2}


def test_the_shipped_accurate_model_is_chosen_by_its_variant(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))
    texts = ["The crew was wonderful, thank you!", "Lost my bag again. Worst airline.", "房间干净，服务很好"]
    results = predict_sentiment(texts, registry_root=tmp_path / "empty", model="accurate")
    assert [r["model"] for r in results] == [
        "sentiment-en-accurate v1 (shipped)",
        "sentiment-en-accurate v1 (shipped)",
        "sentiment-zh v1 (shipped)",  # the Chinese default still answers for Chinese
    ]
    assert [r["label"] for r in results] == ["positive", "negative", "positive"]
    (plain,) = predict_sentiment(texts[:1], registry_root=tmp_path / "empty")
    assert plain["model"] == "sentiment-en v1 (shipped)"  # the default stays the fast model
