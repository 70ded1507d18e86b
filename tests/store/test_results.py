"""Per-user scores, named analysis results and alerts round-trip through a real store."""

from __future__ import annotations

from datetime import datetime

from socialens.store import Store
from socialens.store.results import (
    read_alerts,
    read_results,
    read_user_scores,
    write_alerts,
    write_results,
    write_user_scores,
)


def test_user_scores_replace_the_task_and_order_by_score(store: Store):
    write_user_scores(store, "influence", [{"platform": "x", "user_id": "a", "score": 0.2}], model="pr")
    rows = [
        {"platform": "x", "user_id": "b", "score": 0.9, "label": "top", "details": {"pagerank": 0.9}},
        {"platform": "x", "user_id": "c", "score": 0.1},
    ]
    assert write_user_scores(store, "influence", rows, model="pr") == 2
    got = read_user_scores(store, "influence")
    assert [r["user_id"] for r in got] == ["b", "c"]  # "a" is gone: a re-run leaves nothing stale
    assert got[0]["details"] == {"pagerank": 0.9} and got[0]["label"] == "top"
    assert read_user_scores(store, "influence", user_id="c")[0]["score"] == 0.1
    assert read_user_scores(store, "segment") == []


def test_results_keep_rank_order_and_are_replaced(store: Store):
    write_results(store, "topics", [("0", {"words": ["a"]}), ("1", {"words": ["b"]})])
    write_results(store, "topics", [("7", {"words": ["z"]}), ("3", [1, 2])])
    assert read_results(store, "topics") == [("7", {"words": ["z"]}), ("3", [1, 2])]
    assert read_results(store, "topics", limit=1) == [("7", {"words": ["z"]})]
    assert read_results(store, "trends") == []


def test_alerts_are_idempotent_by_id(store: Store):
    alert = {"id": "neg-1", "kind": "negative_surge", "raised_at": datetime(2020, 1, 2), "payload": {"share": 0.7}}
    write_alerts(store, [alert, {**alert, "id": "vol-1", "kind": "volume", "raised_at": datetime(2020, 1, 3)}])
    write_alerts(store, [{**alert, "severity": 3.5}])
    got = read_alerts(store)
    assert [a["id"] for a in got] == ["vol-1", "neg-1"]
    assert got[1]["severity"] == 3.5 and got[1]["payload"] == {"share": 0.7}
    assert [a["id"] for a in read_alerts(store, kind="volume")] == ["vol-1"]
    assert read_alerts(store, since=datetime(2020, 1, 3))[0]["id"] == "vol-1"
