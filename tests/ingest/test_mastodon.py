from __future__ import annotations

import pickle
from datetime import datetime

import orjson
import pytest

from socialens.errors import RecordError
from socialens.ingest.mastodon import MastodonImporter
from socialens.ingest.readers import Reject, Source
from socialens.privacy import Pseudonymizer
from socialens.schema import Post
from tests.conftest import FIXTURES, TEST_KEY, rows, run_ingest

MASTO = FIXTURES / "ingest" / "mastodon"
PSEUDO = Pseudonymizer(TEST_KEY)
KINGFISHER = "mastodon.social:112034501234567890"
BOB_REPLY = "mastodon.social:112034577777777777"


def _post(store, post_id: str) -> dict:
    columns = "author, created_at, text, title, lang, reply_to, repost_of, quote_of, hashtags, mentions, media"
    columns += ", like_count, repost_count, reply_count"
    (row,) = rows(store, f"SELECT {columns} FROM posts WHERE id = ?", [post_id])
    return dict(zip([c.strip() for c in columns.split(",")], row, strict=True))


def _user(acct: str) -> str:
    return str(PSEUDO.user("mastodon", acct))


def _handle(acct: str) -> str:
    return str(PSEUDO.handle("mastodon", acct))


def test_api_page_maps_statuses_reblogs_quotes_and_accounts(store):
    summary = run_ingest(store, MASTO / "valid.json")
    assert summary.files[0].format == "mastodon" and summary.rejected == 0 and not summary.errors
    assert summary.as_dict()["new"] == {"posts": 6, "users": 4, "interactions": 8}
    first = _post(store, KINGFISHER)
    assert first["author"] == _user("alice@mastodon.social")
    assert first["created_at"] == datetime(2024, 3, 1, 8, 15, 2, 118000)
    assert (first["like_count"], first["repost_count"], first["reply_count"]) == (23, 4, 1)
    assert first["hashtags"] == ["kingfisher"] and first["mentions"] == [_handle("bob@fosstodon.org")]
    assert first["media"] == [
        "https://files.mastodon.social/media_attachments/files/112/034/500/000/000/001/original/5f1e.jpg"
    ]
    # HTML stripped, entities decoded, the hidden part of a shortened link kept, no raw handle.
    assert "<" not in first["text"] and f"& thought of @{_handle('bob@fosstodon.org')}!" in first["text"]
    assert "https://example.org/birds/2024/03/kingfisher-at-the-pond" in first["text"]
    # A remote author's status fetched through mastodon.social: ids of that server, link intact.
    reply = _post(store, BOB_REPLY)
    assert reply["reply_to"] == KINGFISHER and reply["author"] == _user("bob@fosstodon.org") and reply["lang"] == "fr"
    assert _post(store, "mastodon.social:112034600000000001")["repost_of"] == KINGFISHER
    cw = _post(store, "mastodon.social:112034700000000002")
    assert cw["quote_of"] == BOB_REPLY and cw["title"] == "Politik & Naturschutz" and cw["lang"] == "de"
    # Two mentioned "bob"s on two servers stay two people, in the list as in the text.
    bobs = [_handle("bob@fosstodon.org"), _handle("bob@social.example")]
    assert cw["mentions"] == bobs and all(f"@{h}" in cw["text"] for h in bobs) and "bob" not in cw["text"]
    digest = _post(store, "mastodon.social:112034800000000003")
    assert digest["quote_of"] == KINGFISHER and digest["media"] == ["https://cdn.example.net/v/digest.mp4"]
    assert "3 new posts <3" in digest["text"]
    assert _post(store, "mastodon.social:112034900000000004")["quote_of"] is None  # quote still pending
    users = dict(rows(store, "SELECT handle, followers FROM users"))
    assert users[_handle("alice@mastodon.social")] == 1204 and users[_handle("carol@hachyderm.io")] == 15
    # descriptions are dropped unless raw identifiers are kept (issue 18)
    assert rows(store, "SELECT description FROM users WHERE id = ?", [_user("bob@fosstodon.org")]) == [(None,)]


def test_streaming_events_websocket_and_sse(store):
    summary = run_ingest(store, MASTO / "streaming.jsonl")
    assert summary.rejected == 0 and summary.as_dict()["new"]["posts"] == 2  # delete/notification skipped
    assert _post(store, KINGFISHER)["like_count"] == 24  # the status.update edit wins
    summary = run_ingest(store, MASTO / "streaming_sse.txt")
    assert summary.files[0].format == "mastodon" and summary.rejected == 0
    assert summary.as_dict()["new"]["posts"] == 2 and _post(store, BOB_REPLY)["reply_to"] == KINGFISHER


def test_outbox_from_account_archive(store):
    summary = run_ingest(store, MASTO / "outbox.json")
    assert summary.files[0].format == "mastodon" and summary.rejected == 0
    assert summary.as_dict()["new"] == {"posts": 4, "users": 1, "interactions": 5}
    # The same ids as the API gives for the same local status, so the two sources merge.
    first = _post(store, KINGFISHER)
    assert first["author"] == _user("alice@mastodon.social") and first["hashtags"] == ["kingfisher"]
    assert first["mentions"] == [_handle("bob@fosstodon.org")] and first["created_at"] == datetime(2024, 3, 1, 8, 15, 2)
    assert _post(store, "mastodon.social:112034650000000000")["reply_to"] == "fosstodon.org:112034567890123456"
    assert _post(store, "mastodon.social:112034660000000000")["repost_of"] == "fosstodon.org:112034567890123456"
    quoted = _post(store, "mastodon.social:112034700000000002")
    assert quoted["quote_of"] == "fosstodon.org:112034567890123456" and quoted["title"] == "Politik & Naturschutz"


def test_malformed_lines_are_rejected_with_line_and_field(store):
    summary = run_ingest(store, MASTO / "malformed.jsonl")
    assert summary.files[0].format == "mastodon" and not summary.errors
    rejects = [orjson.loads(line) for line in store.path.with_suffix(".rejects.jsonl").read_bytes().splitlines()]
    assert [(r["line"], r["field"]) for r in rejects] == [
        (2, None),
        (3, "id"),
        (4, "account"),
        (5, "content"),
        (6, "created_at"),
        (7, "account.acct"),
        (9, "payload"),
    ]
    assert summary.as_dict()["new"]["posts"] == 2
    assert rows(store, "SELECT count(*) FROM posts WHERE id = 'mastodon.social:112035000000000005'") == [(1,)]


def test_empty_file_gives_nothing(store, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"\n")
    summary = run_ingest(store, empty, format="mastodon")
    assert summary.read == 0 and not summary.errors and store.count("posts") == 0


def test_server_comes_from_setting_or_local_accounts(tmp_path):
    statuses = orjson.loads((MASTO / "valid.json").read_bytes())
    remote_only = tmp_path / "remote.jsonl"
    (post, _) = [r for item in MastodonImporter().read(Source(MASTO / "streaming.jsonl")) for r in item[1]][2:4]  # type: ignore[index]
    assert post.id == BOB_REPLY  # a remote status: the server is known from a local account mentioned
    remote_only.write_bytes(orjson.dumps({**statuses[4], "mentions": []}) + b"\n")  # no local account in sight
    (post, _) = [r for item in MastodonImporter().read(Source(remote_only)) for r in item[1]]  # type: ignore[index]
    assert post.id == "fosstodon.org:112034577777777777"  # the fallback: the host of its uri
    importer = MastodonImporter(instance="https://mastodon.social/")
    (post, _) = [r for item in importer.read(Source(remote_only)) for r in item[1]]  # type: ignore[index]
    assert post.id == BOB_REPLY and post.reply_to == KINGFISHER


def test_line_parallel_path_matches_sequential_read():
    importer = MastodonImporter()
    source = Source(MASTO / "streaming.jsonl")
    assert importer.line_delimited(source) and importer.server_ == "mastodon.social"
    assert not MastodonImporter().line_delimited(Source(MASTO / "streaming_sse.txt"))
    worker = pickle.loads(pickle.dumps(importer))
    parallel = list(worker.read_lines(list(source.lines()), str(source.path)))
    sequential = [item if isinstance(item, Reject) else item[1] for item in importer.read(source)]
    assert parallel == sequential


def test_account_without_instance_or_with_bad_time_is_rejected():
    status = orjson.loads((MASTO / "valid.json").read_bytes())[0]
    status["account"] = {**status["account"], "url": None, "uri": None}
    with pytest.raises(RecordError) as caught:
        MastodonImporter().map_item(status)
    assert caught.value.field == "account.url"
    status = orjson.loads((MASTO / "valid.json").read_bytes())[0]
    status["account"]["created_at"] = "soon"
    with pytest.raises(RecordError) as caught:
        MastodonImporter().map_item(status)
    assert caught.value.field == "account.created_at"
    page = orjson.loads((MASTO / "valid.json").read_bytes())
    assert all(isinstance(r, Post) for r in MastodonImporter().map_item(page[:2]) if r.table == "posts")


def test_fediverse_mentions_in_text_are_handles_not_email_addresses(store):
    run_ingest(store, MASTO / "outbox.json")
    text = _post(store, "mastodon.social:112034650000000000")["text"]
    assert text == f"@{_handle('bob@fosstodon.org')} merci ! 🙏" and "[email]" not in text
