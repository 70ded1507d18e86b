"""Importers that never misread: foreign data refused, placeholders flagged, fields kept."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import orjson
import pytest

from tests.conftest import FIXTURES, rows, run_ingest

INGEST = FIXTURES / "ingest"


def _tweets_with_text(tmp_path):
    """v1.1 statuses with ``text`` (not ``full_text``), the shape Weibo's API copies."""
    path = tmp_path / "tweets.jsonl"
    statuses = [
        {
            "id": 1000 + i,
            "id_str": str(1000 + i),
            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
            "text": f"tweet {i}",
            "favorite_count": 1,
            "retweet_count": 0,
            "user": {"id": 9, "id_str": "9", "screen_name": "al"},
        }
        for i in range(60)
    ]
    path.write_bytes(b"".join(orjson.dumps(s, option=orjson.OPT_APPEND_NEWLINE) for s in statuses))
    return path


@pytest.mark.parametrize("format", ["weibo", "reddit", "twitter-v2", "mastodon", "bluesky", "x-graphql"])
def test_a_format_never_takes_another_platforms_data(store, tmp_path, format):
    summary = run_ingest(store, _tweets_with_text(tmp_path), format=format)
    (error,) = summary.errors
    assert "use --format twitter-v1" in error, error
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_weibo_posts_are_not_taken_for_tweets(store):
    summary = run_ingest(store, INGEST / "weibo" / "valid.jsonl", format="twitter-v1")
    assert summary.errors and "use --format weibo" in summary.errors[0]
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_the_cli_exits_1_on_foreign_data(tmp_path):
    from typer.testing import CliRunner

    from socialens.cli.main import app

    result = CliRunner().invoke(
        app, ["ingest", str(_tweets_with_text(tmp_path)), "--format", "weibo", "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 1 and "use --format twitter-v1" in result.output


def test_weibo_relative_times_resolve_against_the_files_time_and_reingest_changes_nothing(store, tmp_path):
    path = tmp_path / "relative.jsonl"
    path.write_bytes((INGEST / "weibo" / "relative_times.jsonl").read_bytes())
    reference = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)
    os.utime(path, (reference.timestamp(), reference.timestamp()))
    first = run_ingest(store, path)
    assert first.errors == [] and first.rejected == 0
    times = [t.isoformat() for (t,) in rows(store, "SELECT created_at FROM posts ORDER BY id")]
    assert times[:2] == ["2024-02-10T12:00:00", "2024-02-10T11:55:00"]  # 刚刚, 5分钟前
    again = run_ingest(store, path).as_dict()
    assert again["updated"]["posts"] == 0 and again["new"]["posts"] == 0
    (details,) = {r[0] for r in rows(store, "SELECT details FROM ingests")}
    assert orjson.loads(details)["relative_times_from"] == "2024-02-10T12:00:00+00:00"


def test_weibo_month_day_without_a_time_is_accepted(store, tmp_path):
    row = {"user_id": 7, "screen_name": "w", "id": 4880600000000099, "text": "元旦后", "created_at": "01-05"}
    path = tmp_path / "month_day.jsonl"
    path.write_bytes(orjson.dumps(row) + b"\n")
    summary = run_ingest(store, path, format="weibo", importer_settings={"crawl_time": "2024-03-14T04:00:00+00:00"})
    assert summary.rejected == 0 and summary.errors == []
    assert rows(store, "SELECT created_at FROM posts") == [(datetime(2024, 1, 4, 16, 0),)]  # 00:00 Beijing


def test_v2_keeps_impressions_bookmarks_and_expanded_urls(store, tmp_path):
    page = orjson.loads((INGEST / "twitter-v2" / "valid.json").read_bytes())
    page["data"][0]["public_metrics"].update({"impression_count": 4321, "bookmark_count": 17})
    path = tmp_path / "page.json"
    path.write_bytes(orjson.dumps(page))
    run_ingest(store, path)
    tweet_id = page["data"][0]["id"]
    assert rows(store, "SELECT impression_count, bookmark_count FROM posts WHERE id = ?", [tweet_id]) == [(4321, 17)]
    stored = [url for (urls,) in rows(store, "SELECT urls FROM posts") for url in urls]
    assert stored and not [url for url in stored if "t.co/" in url]


def test_reddit_placeholders_and_mastodon_bare_reblogs_are_flagged(store):
    run_ingest(store, INGEST / "reddit" / "comments_page.json", INGEST / "mastodon" / "valid.json")
    flagged = rows(store, "SELECT id, content_state FROM posts WHERE content_state IS NOT NULL ORDER BY id")
    assert flagged == [("c2", "removed"), ("c4", "deleted"), ("mastodon.social:112034600000000001", "repost")]


def test_reddit_comment_pages_bring_their_whole_tree(store):
    summary = run_ingest(store, INGEST / "reddit" / "comments_page.json", INGEST / "reddit" / "inbox.json")
    assert summary.errors == [] and summary.rejected == 0
    assert [f.format for f in summary.files] == ["reddit", "reddit"]  # an inbox opens with a message
    links = rows(store, "SELECT id, reply_to FROM posts ORDER BY id")
    assert links == [("abc123", None), ("c1", "abc123"), ("c2", "c1"), ("c3", "c2"), ("c4", "abc123"), ("c5", "c1")]


def test_texts_over_the_cap_are_cut_and_counted(store, tmp_path):
    rows_in = [{"id": str(i), "text": "word " * (20 if i else 400)} for i in range(3)]
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in rows_in))
    summary = run_ingest(store, path, format="jsonl", max_text_chars=500)
    assert summary.as_dict()["truncated"] == 1 and summary.files[0].truncated == 1
    assert rows(store, "SELECT max(length(text)) FROM posts") == [(500,)]


def test_repeated_ratings_without_time_are_counted_as_duplicates(store):
    path = FIXTURES / "ingest" / "csv" / "ratings.csv"
    mapping = {"actor": "user_id", "target_post": "item_id", "value": "rating", "kind": "=rating"}
    settings = {"record": "interaction", "mapping": mapping}
    summary = run_ingest(store, path, path, format="csv", importer_settings=settings)
    assert summary.as_dict()["duplicates"] == 0  # distinct in each file; the second file is unchanged
    doubled = store.path.parent / "doubled.csv"
    text = path.read_text()
    doubled.write_text(text + "".join(text.splitlines(keepends=True)[1:3]))
    again = run_ingest(store, doubled, format="csv", importer_settings=settings).as_dict()
    assert again["duplicates"] == 2 and again["read"] == 8
    timed = {**settings, "mapping": {**mapping, "timestamp": "timestamp"}}
    assert run_ingest(store, doubled, format="csv", importer_settings=timed).as_dict()["duplicates"] == 2


def test_fuzz_regression_reddit_kind_that_is_not_a_name_is_a_reject(store, tmp_path):
    """benchmarks/quality/fuzz_importers.py found ``{"kind": {...}}`` raising TypeError out of ``split``."""
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"kind": {"a": 1}, "data": {}}\n' + (INGEST / "reddit" / "valid.ndjson").read_bytes())
    summary = run_ingest(store, path, format="reddit")
    assert summary.errors == [] and summary.rejected == 1


def test_fuzz_regression_a_reject_excerpt_of_what_json_cannot_hold():
    """benchmarks/quality/fuzz_importers.py: an item with an integer past 64 bits (the Python API) made
    the reject's excerpt raise instead of the record being rejected."""
    from socialens.ingest.bluesky import BlueskyImporter
    from socialens.ingest.readers import Reject

    outcome = BlueskyImporter().map_safely(-(2**70), 1, "api")
    assert isinstance(outcome, Reject) and outcome.excerpt == str(-(2**70))
