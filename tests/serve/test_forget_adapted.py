"""The REST API's forget (``POST /privacy/forget``) removes the models adapted to the served store
and the topic model fitted on it, through the same function as ``socialens forget``."""

from __future__ import annotations

from typing import Any

from socialens.recipes.adapt import adapt_model
from socialens.store import Store
from socialens.store.model_pins import store_pins
from tests.cli.test_cli import tweet, write_jsonl
from tests.conftest import SHIPPED_MODELS, run_analysis, run_ingest
from tests.privacy.test_forget_adapted import MARKER, registry_text
from tests.recipes.test_adapt import review_texts
from tests.serve.server import client, running
from tests.serve.test_api import wait_for


def test_rest_forget_removes_the_adapted_model_and_reports_it(built: dict[str, Any], monkeypatch) -> None:
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))
    # the shipped default teaches (the served registry's VADER is never 90% right, so it labels nothing)
    teacher = {"sentiment/en": "sentiment-en@1"}
    models, path = built["models"], built["store"]
    items = []
    for i, text in enumerate(review_texts(300)):
        user = i % 11 + 500  # user 500's posts carry the marker word
        post = tweet(i, text=f"{text} {MARKER}" if user == 500 else text, user=user)
        items.append({**post, "id_str": str(900_000 + i)})
    with Store(path) as store:
        run_ingest(store, write_jsonl(path.with_name("reviews.jsonl"), items), format="twitter-v1")
        card = adapt_model(
            store,
            "sentiment",
            "en",
            registry_root=models,
            configured_pins=teacher,
            limit=1500,
            rounds=1,
            say=lambda _: None,
        )
        assert store_pins(store) == {"sentiment/en": card["pin"]}
        topics = run_analysis(store, "topics", {"embedder": "tfidf", "n_topics": "4", "lang": "en"}, models_dir=models)
        topic_version = int(topics["model"].rpartition(" v")[2])
        assert store.get_meta("model/topics/en") == f"topics@{topic_version}"
    assert MARKER in registry_text(models / "topics" / str(topic_version))
    folder = models / "sentiment-en-adapted" / str(card["version"])
    assert MARKER in registry_text(folder)  # the test can fail

    with running(path, models) as url, client(url, built["tokens"]["admin"]) as admin:
        job = admin.post("/api/v1/privacy/forget", json={"accounts": ["User_500"]}).json()
        done = wait_for(url, built["tokens"]["read"], job["id"])
    assert done["status"] == "done" and done["result"]["accounts"] == 1
    assert done["result"]["adapted_models_removed"] == [
        {
            "model": "sentiment-en-adapted",
            "version": card["version"],
            "unpinned": "sentiment/en",
            "files_removed": True,
            "readapt": "socialens adapt sentiment --lang en",
        }
    ]
    assert {
        "model": "topics",
        "version": topic_version,
        "unpinned": "model/topics/en",
        "files_removed": True,
        "refit": "socialens analyze topics",
    } in done["result"]["fitted_models_removed"]
    assert not folder.exists() and MARKER not in registry_text(models)
    assert (models / "sentiment-en-vader" / "1").is_dir()  # the registry's own default stays
    with Store(path) as store:
        assert store_pins(store) == {} and store.get_meta("model/topics/en") is None
