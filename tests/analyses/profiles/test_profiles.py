from __future__ import annotations

import pyarrow as pa

from socialens.analyses.profiles.build import build_profiles
from socialens.store.results import read_user_scores, write_results
from socialens.store.scores import write_scores
from tests.analyses.users_store import P, build_tiny_store
from tests.conftest import run_analysis


def _by_user(store):
    return {p["user_id"]: p for p in build_profiles(store)}


def test_activity_rhythm_languages_and_hashtag_interests(store):
    profiles = _by_user(build_tiny_store(store))
    alice = profiles["alice"]
    assert alice["hours"][9] == 6 and sum(alice["hours"]) == 6
    assert alice["weekdays"] == [1, 2, 1, 1, 1, 0, 0] and alice["peak_weekday"] == "Tue"
    assert alice["peak_hour"] == 9
    assert alice["languages"] == {"en": 1.0}
    assert alice["interest_source"] == "hashtag" and alice["interests"][0]["label"] == "#python"
    carol = profiles["carol"]
    assert carol["weekdays"] == [0, 0, 0, 0, 0, 2, 2] and carol["languages"] == {"zh": 1.0}
    assert carol["interest_source"] == "term"  # no hashtags, no topics: her most used words
    assert profiles["bot"]["hours"][2:6] == [6, 6, 6, 2]


def test_sentiment_and_influence_come_from_stored_scores(store):
    profiles = _by_user(build_tiny_store(store))
    sentiment = profiles["alice"]["sentiment"]
    assert sentiment["posts"] == 6
    assert sentiment["shares"] == {"negative": 0.1667, "neutral": 0.1667, "positive": 0.6667}
    assert sentiment["mean_score"] == 0.35
    assert profiles["alice"]["influence"] == {"score": 0.9, "label": "1"}
    assert profiles["bob"]["sentiment"] is None and profiles["bob"]["influence"] is None


def test_topics_take_precedence_over_hashtags(store):
    build_tiny_store(store)
    ids = [f"b{i}" for i in range(5)]
    write_scores(
        store,
        pa.table({"platform": [P] * 5, "post_id": ids, "task": ["topic"] * 5, "label": ["3", "3", "3", "7", "-1"],
                  "score": [0.9] * 5, "probabilities": [None] * 5, "model": ["t"] * 5}),
    )  # fmt: skip
    write_results(store, "topics", [("3", {"label": "music mixes"}), ("7", {"label": "jazz"})])
    bob = _by_user(store)["bob"]
    assert bob["interest_source"] == "topic"
    assert [(i["label"], i["n"]) for i in bob["interests"]] == [("music mixes", 3), ("jazz", 1)]


def test_one_user_and_unknown_user(store):
    build_tiny_store(store)
    assert [p["user_id"] for p in build_profiles(store, user_id="bob")] == ["bob"]
    assert build_profiles(store, user_id="nobody") == []


def test_analyze_writes_user_scores(store):
    build_tiny_store(store)
    result = run_analysis(store, "profiles")
    assert result["users"] == 5
    rows = {r["user_id"]: r for r in read_user_scores(store, "profile")}
    assert rows["alice"]["label"] == "#python" and rows["alice"]["score"] == 6
    assert rows["alice"]["details"]["hours"][9] == 6


def test_empty_store(store):
    assert build_profiles(store) == []
    assert run_analysis(store, "profiles")["users"] == 0
