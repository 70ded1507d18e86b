from __future__ import annotations

import gzip
import shutil
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from socialens.errors import UnknownFormatError
from socialens.ingest.base import Sample
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from socialens.ingest.twitter_archive import TwitterArchiveImporter
from tests.conftest import FIXTURES, rows, run_ingest

HERE = FIXTURES / "ingest" / "twitter-archive"
OWNER = "1339835893"


def _rejects(summary) -> list[tuple[int, str | None]]:
    path = Path(summary.rejects_path)
    found = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
    return [(r["line"], r["field"]) for r in found if r["run_id"] == summary.run_id]


def _archive(tmp_path: Path, *names: str) -> Path:
    """A copy of the fixture folder with only ``names`` in it (account.js or not)."""
    for name in names:
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def test_tweets_js_maps_posts_owned_by_the_account(store, pseudonymizer):
    summary = run_ingest(store, HERE / "valid.js")
    assert summary.files[0].format == "twitter-archive" and summary.errors == []
    assert summary.rejected == 0
    assert summary.as_dict()["new"]["posts"] == 6 and summary.as_dict()["new"]["users"] == 1
    assert rows(store, "SELECT DISTINCT author FROM posts") == [(pseudonymizer.user("twitter", OWNER),)]
    sql = "SELECT created_at, hashtags, urls, like_count, repost_count, reply_count FROM posts WHERE id = ?"
    assert rows(store, sql, ["1641339425791750144"]) == [
        (datetime(2023, 3, 30, 8, 15, 2), ["citybirds"], ["https://citybirds.example.org/count-2023"], 48, 12, None)
    ]
    replies = rows(store, "SELECT id, reply_to FROM posts WHERE reply_to IS NOT NULL ORDER BY id")
    assert replies == [("1641345678123458560", "1641342210316959745"), ("1641502233445566778", "1641458812345610241")]
    # A retweet keeps its "RT @user:" text; the archive does not say which tweet it repeats.
    ((text, repost_of),) = rows(store, "SELECT text, repost_of FROM posts WHERE id = '1641420999123456000'")
    assert text.startswith("RT @h_") and repost_of is None
    ((media, text),) = rows(store, "SELECT media, text FROM posts WHERE id = '1641458812345610241'")
    assert "goldfinches & a very annoyed sparrow <3" in text
    assert media == ["https://pbs.twimg.com/ext_tw_video_thumb/1641458800001234567/pu/img/Ab12Cd34.jpg"]
    assert rows(store, "SELECT hashtags FROM posts WHERE id = '1641502233445566778'") == [(["citybirds", "wróble"],)]


def test_the_owner_comes_from_account_js_without_contact_details(store, pseudonymizer):
    run_ingest(store, HERE / "valid.js")
    user = rows(store, "SELECT id, handle, name, description, created_at FROM users")
    assert user == [
        (
            pseudonymizer.user("twitter", OWNER),
            pseudonymizer.handle("twitter", "lena_k"),
            None,  # display names are dropped unless raw identifiers are kept
            None,  # the bio from profile.js: descriptions are dropped unless raw identifiers are kept
            datetime(2013, 4, 10, 9, 21, 33),
        )
    ]
    # account.js also holds the owner's e-mail address: it must not travel on, not even to a reject.
    first = next(TwitterArchiveImporter().iter_raw(Source(HERE / "valid.js")))
    assert first.line == 0 and "email" not in first.data["account"]


def test_without_account_js_the_owner_must_be_given(store, tmp_path, pseudonymizer):
    old = HERE / "2019" / "tweet.js"
    failed = run_ingest(store, old)
    assert failed.errors and "account_id" in failed.errors[0] and "account.js" in failed.errors[0]
    summary = run_ingest(store, old, importer_settings={"account_id": OWNER})
    assert summary.errors == [] and summary.rejected == 0
    assert summary.as_dict()["new"] == {"posts": 2, "users": 0, "interactions": 1}
    assert rows(store, "SELECT author, like_count FROM posts ORDER BY id") == [
        (pseudonymizer.user("twitter", OWNER), 3),
        (pseudonymizer.user("twitter", OWNER), 0),
    ]


def test_account_id_setting_wins_over_another_accounts_account_js(store, tmp_path, pseudonymizer):
    folder = _archive(tmp_path, "valid.js", "account.js")
    summary = run_ingest(store, folder / "valid.js", importer_settings={"account_id": "42"})
    assert summary.as_dict()["new"]["users"] == 0  # account.js describes someone else
    assert rows(store, "SELECT DISTINCT author FROM posts") == [(pseudonymizer.user("twitter", "42"),)]


def test_malformed_entries_become_rejects_and_the_rest_lands(store):
    summary = run_ingest(store, HERE / "malformed.js")
    assert summary.files[0].format == "twitter-archive" and summary.errors == []
    assert _rejects(summary) == [(2, "full_text"), (3, "favorite_count"), (4, "id_str"), (5, None)]
    assert rows(store, "SELECT id FROM posts ORDER BY id") == [("1641339425791750144",), ("1641502233445566778",)]


def test_a_truncated_file_is_an_input_error(store, tmp_path):
    folder = _archive(tmp_path, "account.js")
    (folder / "tweets.js").write_bytes((HERE / "valid.js").read_bytes()[:3000])
    summary = run_ingest(store, folder / "tweets.js")
    assert summary.errors and "truncated" in summary.errors[0]


def test_compressed_tweets_js_still_finds_account_js(store, tmp_path):
    folder = _archive(tmp_path, "account.js")
    (folder / "tweets.js.gz").write_bytes(gzip.compress((HERE / "valid.js").read_bytes()))
    summary = run_ingest(store, folder / "tweets.js.gz")
    assert summary.errors == [] and summary.as_dict()["new"]["posts"] == 6
    assert summary.as_dict()["new"]["users"] == 1


@pytest.mark.parametrize("name", ["valid.js", "malformed.js", "2019/tweet.js"])
def test_auto_detection_picks_twitter_archive(name):
    assert detect_format(Source(HERE / name)).format_name == "twitter-archive"


def test_other_archive_files_and_formats_are_not_claimed(store):
    importer = TwitterArchiveImporter()
    for other in ("account.js", "profile.js"):
        with pytest.raises(UnknownFormatError):
            detect_format(Source(HERE / other))
    for other in ("twitter-v1/valid.jsonl", "twitter-v2/valid.json", "twitter-v2/flat.jsonl"):
        source = Source(FIXTURES / "ingest" / other)
        assert importer.sniff(Sample(source.name, source.head())) == 0.0
    summary = run_ingest(store, HERE / "account.js", format="twitter-archive")
    assert "'account' data, not tweets" in summary.errors[0]


def test_empty_files_yield_nothing(store, tmp_path):
    empty = tmp_path / "tweets.js"
    empty.write_bytes(b"")
    no_tweets = tmp_path / "tweet.js"
    no_tweets.write_text("window.YTD.tweet.part0 = [ ]\n")  # no account.js: not needed without tweets
    summary = run_ingest(store, empty, no_tweets, format="twitter-archive")
    assert summary.errors == [] and summary.read == 0
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_ingesting_twice_changes_nothing(store):
    run_ingest(store, HERE / "valid.js")
    again = run_ingest(store, HERE / "valid.js").as_dict()
    assert again["new"] == {"posts": 0, "users": 0, "interactions": 0}
    assert again["updated"] == {"posts": 0, "users": 0, "interactions": 0}
