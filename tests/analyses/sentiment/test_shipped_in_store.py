"""The shipped sentiment models in a store: posts scored by them say so, the store lists the model
versions behind its results (stats, report), a pin in socialens.toml chooses the version, and a
post in a language without a model is answered by the fallback model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.report.runs import runs_view
from socialens.schema import Post
from socialens.store.stats import models_used, store_stats
from tests.conftest import SHIPPED_MODELS, rows, run_analysis

TEXTS = [
    ("en", "The crew was wonderful and the flight left on time, thank you!"),
    ("en", "Lost my bag again and nobody answers the phone. Worst airline."),
    ("zh", "房间干净，服务很好，下次还来"),
    ("zh", "质量太差了，用了两天就坏了"),
    ("fr", "Le vol était en retard et le service horrible"),
]


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))


def _fill(store):
    moment = datetime(2026, 12, 7, tzinfo=UTC)
    posts = [
        Post(id=str(i), platform="x", author="a", text=t, created_at=moment, lang=lang)
        for i, (lang, t) in enumerate(TEXTS)
    ]
    store.write_records({Post: posts})


def test_the_shipped_models_score_the_store_and_the_store_says_which(store, shipped, tmp_path):
    _fill(store)
    run_analysis(store, "sentiment", models_dir=tmp_path / "empty-registry")
    scored = dict(rows(store, "SELECT post_id, label FROM post_scores WHERE task = 'sentiment'"))
    assert [scored[str(i)] for i in range(4)] == ["positive", "negative", "positive", "negative"]
    used = models_used(store)["sentiment"]
    assert used == {"sentiment-en v1 (shipped)": 3, "sentiment-zh v1 (shipped)": 2}  # fr fell back to en
    assert store_stats(store)["models"]["sentiment"] == used
    view = runs_view(store)
    assert view is not None and view.models["sentiment"] == used


def test_a_pin_in_the_configuration_chooses_the_model_version(store, shipped, tmp_path):
    from socialens.pipeline import run_tasks

    _fill(store)
    registry = tmp_path / "reg"
    card = train_sentiment("en", "vader", registry_root=registry)  # far below the shipped model
    assert not card["default"]
    run_tasks(store, ["sentiment"], models_dir=registry, model_pins={"sentiment/en": f"{card['name']}@1"})
    assert models_used(store)["sentiment"] == {"sentiment-en-vader v1": 3, "sentiment-zh v1 (shipped)": 2}
