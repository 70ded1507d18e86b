from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from tests.conftest import FIXTURES, rows, run_ingest

HERE = FIXTURES / "ingest" / "twitter-v1"
T1, T2, T3, T4 = "1641339425791750144", "1641342210316959745", "1641350087264886784", "1641367742108704769"
T5, T6, T7 = "1641401928113623040", "1641420367985090561", "1641431100921217024"


def _rejects(summary) -> list[tuple[int, str | None]]:
    path = Path(summary.rejects_path)
    found = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
    return [(r["line"], r["field"]) for r in found if r["run_id"] == summary.run_id]


def test_streamed_statuses_map_with_links_counts_and_extended_text(store, pseudonymizer):
    summary = run_ingest(store, HERE / "valid.jsonl")
    assert summary.files[0].format == "twitter-v1" and summary.errors == [] and summary.rejected == 0
    assert summary.as_dict()["new"]["posts"] == 7 and summary.as_dict()["new"]["users"] == 4
    links = rows(
        store, "SELECT id, reply_to, repost_of, quote_of FROM posts WHERE id IN (?, ?, ?) ORDER BY id", [T2, T3, T4]
    )
    assert links == [(T2, T1, None, None), (T3, None, T1, None), (T4, None, None, T1)]
    sql = "SELECT author, created_at, like_count, repost_count, reply_count, quote_count FROM posts WHERE id = ?"
    assert rows(store, sql, [T1]) == [
        (pseudonymizer.user("twitter", "1339835893"), datetime(2023, 3, 30, 8, 15, 2), 48, 12, 3, 1)
    ]
    ((text, tags),) = rows(store, "SELECT text, hashtags FROM posts WHERE id = ?", [T5])
    assert text.endswith("within days. #UrbanEcology") and tags == ["urbanecology"]  # extended_tweet wins
    assert rows(store, "SELECT media FROM posts WHERE id = ?", [T6]) == [
        (["https://pbs.twimg.com/media/FsbX2abWAAEx9kQ.jpg"],)
    ]
    assert rows(
        store,
        "SELECT followers, following, verified FROM users WHERE handle = ?",
        [pseudonymizer.handle("twitter", "citybirdsproject")],
    ) == [(24310, 318, True)]


def test_rest_array_form(store):
    summary = run_ingest(store, HERE / "statuses.json")
    assert summary.files[0].format == "twitter-v1" and summary.rejected == 0
    assert {r[0] for r in rows(store, "SELECT id FROM posts")} == {T1, T5, T7}
    ((text,),) = rows(store, "SELECT text FROM posts WHERE id = ?", [T7])
    assert text == "Tout à fait d'accord, les moineaux <3 la ville aussi"


def test_malformed_statuses_become_rejects_and_stream_notices_do_not(store):
    summary = run_ingest(store, HERE / "malformed.jsonl")
    assert summary.files[0].format == "twitter-v1" and summary.errors == []
    # 2: no user, 3: cut off, 5: user is not an object, 6: no id_str, 8: no text; 4 and 7 are limit/delete notices
    assert _rejects(summary) == [(2, "user"), (3, None), (5, "user"), (6, "id_str"), (8, "text")]
    assert {r[0] for r in rows(store, "SELECT id FROM posts")} == {T1, T5}


@pytest.mark.parametrize("name", ["valid.jsonl", "statuses.json", "malformed.jsonl"])
def test_auto_detection_picks_twitter_v1(name):
    assert detect_format(Source(HERE / name)).format_name == "twitter-v1"


@pytest.mark.parametrize("name", ["valid.jsonl", "statuses.json"])
def test_ingesting_twice_changes_nothing(store, name):
    run_ingest(store, HERE / name)
    again = run_ingest(store, HERE / name).as_dict()
    assert again["new"] == {"posts": 0, "users": 0, "interactions": 0}
    assert again["updated"] == {"posts": 0, "users": 0, "interactions": 0}
