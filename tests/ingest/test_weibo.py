from __future__ import annotations

import json

import orjson
import pytest

from socialens.ingest.base import Sample
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from socialens.ingest.weibo import WeiboImporter, mid_from_bid
from socialens.privacy import Pseudonymizer
from socialens.schema import Post, User
from tests.conftest import FIXTURES, TEST_KEY, rows, run_ingest

HERE = FIXTURES / "ingest" / "weibo"
PSEUDO = Pseudonymizer(TEST_KEY)
CRAWL_TIME = "2023-03-14T12:00:00+08:00"
POST_COLUMNS = (
    "author, created_at, text, repost_of, hashtags, mentions, urls, media, like_count, repost_count, reply_count"
)


def _post(store, post_id: str) -> dict:
    (row,) = rows(store, f"SELECT {POST_COLUMNS} FROM posts WHERE id = ?", [post_id])
    return dict(zip(POST_COLUMNS.split(", "), row, strict=True))


def _rejects(store) -> list[dict]:
    path = store.path.with_suffix(".rejects.jsonl")
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


@pytest.mark.parametrize(
    "name", ["valid.jsonl", "crawler.json", "spider.json", "relative_times.jsonl", "malformed.jsonl"]
)
def test_auto_detection_picks_weibo(name):
    assert detect_format(Source(HERE / name)).format_name == "weibo"


def test_sniff_ignores_other_platforms():
    reddit = (FIXTURES / "ingest" / "reddit" / "valid.ndjson").read_bytes()
    tweet = orjson.dumps({"id_str": "1", "text": "hi", "user": {"id_str": "2"}, "retweet_count": 1})
    for head in (reddit, tweet, b"", b"not json"):
        assert WeiboImporter().sniff(Sample("x.jsonl", head)) == 0.0


def test_api_mblogs_map_html_counts_and_users(store):
    summary = run_ingest(store, HERE / "valid.jsonl")
    assert summary.files[0].format == "weibo" and summary.errors == [] and summary.rejected == 0
    assert summary.as_dict()["new"] == {"posts": 8, "users": 6, "interactions": 5}

    post = _post(store, "4879123456789012")
    assert post["author"] == PSEUDO.user("weibo", "1234567890")
    assert post["created_at"].isoformat() == "2023-03-12T12:30:00"  # +0800 to UTC
    text = post["text"]
    assert "<" not in text and "[笑cry]" in text and "🌸\n和" in text and '"超开心"' in text
    assert post["hashtags"] == ["春天来了"]  # paired #topic#
    assert post["mentions"] == [PSEUDO.handle("weibo", "小明同学")]
    assert post["urls"] == ["https://example.com/spring?a=1&b=2"]  # unwrapped from sinaurl
    assert post["media"] == ["https://wx1.sinaimg.cn/large/006abcdely1hbxyz1j30u01hcq9x.jpg"]
    assert (post["like_count"], post["repost_count"], post["reply_count"]) == (567, 12, 34)
    (user,) = rows(store, "SELECT handle, followers, following, verified FROM users WHERE id = ?",
                   [PSEUDO.user("weibo", "1234567890")])  # fmt: skip
    assert user == (PSEUDO.handle("weibo", "春日小记"), 12000, 312, False)  # "1.2万" followers


def test_reposts_bring_their_originals(store):
    run_ingest(store, HERE / "valid.jsonl")
    assert _post(store, "4879200000000001")["repost_of"] == "4878000011112222"
    original = _post(store, "4878000011112222")
    assert original["author"] == PSEUDO.user("weibo", "2000000001")
    assert (original["repost_count"], original["reply_count"]) == (1_000_000, 34_000)  # "100万+", "3.4万"
    assert "\n转发提醒" in original["text"]
    deleted = _post(store, "4877000011112222")  # the author deleted it: "user": null
    assert deleted["author"] is None and deleted["created_at"] is None and deleted["text"].startswith("抱歉")
    assert _post(store, "4879200000000002")["repost_of"] == "4877000011112222"
    reposts = rows(store, "SELECT target_post FROM interactions WHERE kind = 'repost' ORDER BY 1")
    assert reposts == [("4877000011112222",), ("4878000011112222",)]


def test_pages_long_text_and_weibo_com_objects(store):
    run_ingest(store, HERE / "valid.jsonl")
    long_post = _post(store, "4880011122223333")  # a card in a container page
    assert "提前预约" in long_post["text"] and "全文" not in long_post["text"]
    assert long_post["like_count"] == 15_000 and long_post["hashtags"] == ["樱花季"]
    assert _post(store, "4880011122223334")["text"] == "😂😂😂 笑死我了[笑cry]"  # inside a card_group
    pc = _post(store, "4880500000000001")  # weibo.com: text_raw, pic_infos
    assert pc["text"].startswith("周末读书📚") and "\u200b" not in pc["text"]
    assert pc["media"] == ["https://wx4.sinaimg.cn/large/7a6b5c4dly1hc0001j20u0140.jpg"]
    assert pc["mentions"] == [PSEUDO.handle("weibo", "读书君")] and pc["hashtags"] == ["周末读什么"]


def test_ingesting_twice_changes_nothing(store):
    for name in ("valid.jsonl", "crawler.json", "spider.json"):
        run_ingest(store, HERE / name)
        again = run_ingest(store, HERE / name).as_dict()
        assert again["new"] == {"posts": 0, "users": 0, "interactions": 0}, name
        assert again["updated"] == {"posts": 0, "users": 0, "interactions": 0}, name


def test_weibo_crawler_result_file(store):
    summary = run_ingest(store, HERE / "crawler.json")
    assert summary.errors == [] and summary.rejected == 0
    first = _post(store, "4879123456789013")
    assert first["created_at"].isoformat() == "2023-03-12T12:30:00"
    assert first["hashtags"] == ["旅行日记"] and first["mentions"] == [PSEUDO.handle("weibo", "小明同学")]
    assert len(first["media"]) == 2 and first["repost_count"] == 1_000_000
    assert _post(store, "4879300000000009")["repost_of"] == "4878000011112222"
    assert _post(store, "4878000011112222")["media"][0].startswith("http://f.video.weibocdn.com/")
    # the file's user object (followers, description) is joined to that user's rows
    (user,) = rows(store, "SELECT followers, following, verified, description FROM users WHERE id = ?",
                   [PSEUDO.user("weibo", "5000000005")])  # fmt: skip
    assert user == (65585, 248, True, None)  # descriptions are dropped unless raw identifiers are kept


def test_weibospider_result_file_converts_bids(store):
    summary = run_ingest(store, HERE / "spider.json")
    assert summary.errors == [] and summary.rejected == 0
    post = _post(store, mid_from_bid("MxcmtsubY"))
    assert post["created_at"].isoformat() == "2023-03-12T13:05:00"
    assert post["media"] == [] and (post["like_count"], post["repost_count"], post["reply_count"]) == (25, 3, 8)
    assert rows(store, "SELECT followers, following FROM users") == [(4567, 120)]


def test_relative_times_count_from_the_crawl_time(store):
    settings = {"crawl_time": CRAWL_TIME}
    summary = run_ingest(store, HERE / "relative_times.jsonl", importer_settings=settings)
    assert summary.errors == [] and summary.rejected == 0
    times = [t.isoformat() for (t,) in rows(store, "SELECT created_at FROM posts ORDER BY id")]
    assert times == [
        "2023-03-14T04:00:00",  # 刚刚
        "2023-03-14T03:55:00",  # 5分钟前
        "2023-03-14T02:00:00",  # 2小时前
        "2023-03-14T04:30:00",  # 今天 12:30
        "2023-03-13T00:00:00",  # 昨天 08:00
        "2023-03-12T04:30:00",  # 03-12 12:30, year of the crawl
    ]
    again = run_ingest(store, HERE / "relative_times.jsonl", importer_settings=settings).as_dict()
    assert again["updated"]["posts"] == 0 and again["new"]["posts"] == 0


def test_unreadable_crawl_time_is_a_file_error(store):
    summary = run_ingest(store, HERE / "relative_times.jsonl", format="weibo", importer_settings={"crawl_time": "soon"})
    (error,) = summary.errors
    assert "crawl_time" in error and rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_malformed_records_become_rejects_and_the_rest_lands(store):
    summary = run_ingest(store, HERE / "malformed.jsonl")
    assert summary.rejected == 7 and summary.errors == []
    found = {r["line"]: r["field"] for r in _rejects(store)}
    assert found == {2: None, 3: "id", 4: "user", 5: "attitudes_count", 6: "created_at", 7: "text", 9: "ok"}
    landed = sorted(i for (i,) in rows(store, "SELECT id FROM posts"))
    assert landed == ["4880700000000001", "4880700000000008", "4880700000000010"]


def test_pretty_printed_documents(store, tmp_path):
    """A JSON array of mblogs and a saved container response, as json.dump(indent=2) writes them."""
    (page_line,) = [line for line in (HERE / "valid.jsonl").read_text("utf-8").splitlines() if '"cards"' in line]
    mblogs = [orjson.loads(line) for line in (HERE / "valid.jsonl").read_text("utf-8").splitlines()[:2]]
    array, page = tmp_path / "array.json", tmp_path / "page.json"
    array.write_text(json.dumps(mblogs, indent=2, ensure_ascii=False), "utf-8")
    page.write_text(json.dumps(json.loads(page_line), indent=2, ensure_ascii=False), "utf-8")
    summary = run_ingest(store, array, page)
    assert summary.errors == [] and summary.rejected == 0
    assert [f.format for f in summary.files] == ["weibo", "weibo"]
    assert rows(store, "SELECT count(*) FROM posts") == [(5,)]  # 2 + the original reposted + 2 cards


def test_empty_file_yields_nothing_and_no_error(store, tmp_path):
    empty = tmp_path / "weibo.jsonl"
    empty.write_bytes(b"")
    for fmt in ("weibo", "auto"):
        summary = run_ingest(store, empty, format=fmt)
        assert summary.errors == [] and summary.read == 0
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_parallel_workers_give_the_same_result(store):
    summary = run_ingest(store, HERE / "valid.jsonl", HERE / "malformed.jsonl", workers=2)
    assert summary.errors == [] and summary.rejected == 7
    assert rows(store, "SELECT count(*) FROM posts") == [(11,)]


def test_map_item_emits_raw_identifiers():
    mblog = {"idstr": "1", "created_at": "2023-03-12 20:30", "user": {"id": 42, "screen_name": "小红"},
             "text": "<a href='/n/小绿'>@小绿</a> 你好<br />再见", "reposts_count": "2万"}  # fmt: skip
    post, user = sorted(WeiboImporter().map_item(mblog), key=lambda r: type(r).__name__)
    assert isinstance(post, Post) and isinstance(user, User)
    assert post.author == "42" and user.handle == "小红" and post.mentions == ["小绿"]
    assert post.text == "@小绿 你好\n再见" and post.repost_count == 20_000
    assert post.created_at is not None and post.created_at.isoformat() == "2023-03-12T12:30:00+00:00"


def test_no_raw_handle_is_left_in_the_text(store):
    run_ingest(store, HERE / "valid.jsonl")
    texts = " ".join(t for (t,) in rows(store, "SELECT text FROM posts"))
    for handle in ("小明同学", "城市观察", "读书君"):
        assert f"@{handle}" not in texts
