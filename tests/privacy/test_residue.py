"""``socialens privacy scan --store S`` alone: what survived pseudonymisation, found and never repeated."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.privacy.residue import scan_store_residue
from socialens.schema import Media, Post, User
from socialens.store import Store
from socialens.store.media_queries import write_media
from socialens.store.results import write_results, write_user_scores
from tests.conftest import FIXTURES, TEST_KEY, run_ingest

INGEST = FIXTURES / "ingest"
# Every importer's fixtures (valid and malformed: the malformed ones fill the rejects file).
FIXTURE_FILES = [
    INGEST / "twitter-v1" / "valid.jsonl",
    INGEST / "twitter-v1" / "malformed.jsonl",
    INGEST / "bluesky" / "valid.jsonl",
    INGEST / "bluesky" / "malformed.jsonl",
    INGEST / "mastodon" / "valid.json",
    INGEST / "reddit" / "valid.ndjson",
    INGEST / "reddit" / "malformed.ndjson",
    INGEST / "weibo" / "valid.jsonl",
    INGEST / "x-graphql" / "valid.json",
]
# What is planted, each written as it is nowhere else in the fixtures.
PLANTED = ("lena_k", "lena.k@example.org", "7946 0958", "1339835893", "carol_w", "alice_b")


def _fixture_store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        run_ingest(store, *[p for p in FIXTURE_FILES if p.exists()])
    return path


def _plant(path: Path) -> None:
    """Raw values written through the store's API, past the edge, in five tables."""
    with Store(path) as store:
        post = Post(
            id="planted-1",
            platform="twitter",
            author="u_0123456789abcdef",
            text="thanks @lena_k, mail lena.k@example.org or call +44 20 7946 0958",
            urls=["https://mastodon.social/@carol_w"],
            mentions=["h_0123456789abcdef", "alice_b"],
        )
        user = User(id="1339835893", platform="twitter", handle="h_0123456789abcdef")
        store.write_records({Post: [post], User: [user]})
        write_results(store, "planted", [("p1", {"text": "see https://bsky.app/profile/alice_b.bsky.social"})])
        write_media(store, [Media(post="planted-1", platform="twitter", alt_text="photo by @carol_w")])


def test_every_importer_s_output_scans_clean_and_the_rejects_file_is_read(tmp_path: Path) -> None:
    path = _fixture_store(tmp_path)
    report = scan_store_residue(path)
    assert report.clean, report.as_dict()["findings"]
    assert path.with_suffix(".rejects.jsonl").exists() and any(s.startswith("rejects") for s in report.scanned)
    assert report.values_scanned > 100


def test_planted_values_are_found_where_they_are_and_shown_masked(tmp_path: Path) -> None:
    path = _fixture_store(tmp_path)
    _plant(path)
    with path.with_suffix(".rejects.jsonl").open("a", encoding="utf-8") as rejects:
        rejects.write('{"file":"x.jsonl","line":3,"reason":"bad","excerpt":"lena.k@example.org"}\n')
    result = scan_store_residue(path).as_dict()
    found = {(f["kind"], f["where"], f["key"]) for f in result["findings"]}
    lines = len(path.with_suffix(".rejects.jsonl").read_text().splitlines())
    assert found == {
        ("handle", "posts.text", "twitter:planted-1"),
        ("email", "posts.text", "twitter:planted-1"),
        ("phone", "posts.text", "twitter:planted-1"),
        ("profile_url", "posts.urls", "twitter:planted-1"),
        ("handle", "posts.mentions", "twitter:planted-1"),
        ("raw_id", "users.id", "twitter:13***(10)"),  # the raw id keys its row: masked there too
        ("raw_id", "interactions.target_user", f"twitter:{_mention_id(path)}"),  # the store's implied mention
        ("profile_url", "analysis_results.payload", "planted:p1"),
        ("handle", "media.alt_text", "twitter:planted-1:0"),
        ("email", f"line {lines}", ""),
    }
    assert result["counts"] == {"handle": 3, "email": 2, "phone": 1, "profile_url": 2, "raw_id": 2}
    shown = {f["shown"] for f in result["findings"]}
    assert {"@le***(6)", "l***@e***.org", "+** ** **** **58", "mastodon.social/ca***(7)"} <= shown
    assert not any(value in orjson.dumps(result).decode() for value in PLANTED)


def _mention_id(path: Path) -> str:
    return _one(path, "SELECT id FROM interactions WHERE target_user = 'alice_b'")


def _one(path: Path, sql: str) -> str:
    with Store(path, read_only=True) as store:
        row = store.one(sql)
    assert row is not None
    return str(row[0])


def test_the_cli_exits_1_and_its_output_and_logs_never_hold_a_planted_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _fixture_store(tmp_path)
    runner = CliRunner()
    clean = runner.invoke(app, ["privacy", "scan", "--store", str(path)])
    assert clean.exit_code == 0, clean.output
    assert "clean" in clean.output
    _plant(path)
    caplog.set_level(logging.DEBUG)
    table = runner.invoke(app, ["privacy", "scan", "--store", str(path)])
    as_json = runner.invoke(app, ["privacy", "scan", "--store", str(path), "--json"])
    assert table.exit_code == as_json.exit_code == 1
    assert "handle: 3 found" in table.output and "posts.text" in table.output and "twitter:planted-1" in table.output
    assert orjson.loads(as_json.stdout)["counts"]["raw_id"] == 2
    everything = table.output + as_json.output + caplog.text
    assert not [value for value in PLANTED if value in everything]


def test_a_store_of_raw_identifiers_is_checked_for_contact_details_only(tmp_path: Path) -> None:
    path = tmp_path / "raw.duckdb"
    with Store(path) as store:
        ingest([INGEST / "twitter-v1" / "valid.jsonl"], store, pseudonymizer=Pseudonymizer(TEST_KEY, True))
    result = scan_store_residue(path).as_dict()
    assert result["clean"] and "raw identifiers on purpose" in result["notes"][0]


def test_public_accounts_the_store_was_built_with_are_not_findings(tmp_path: Path) -> None:
    path = _fixture_store(tmp_path)
    with Store(path) as store:
        store.set_meta("public_accounts", "bob@mastodon.social,twitter:citybirdsproject")
        store.write_records({User: [User(id="u_0123456789abcdef", platform="twitter", handle="citybirdsproject")]})
        # Graph results name a public account's node by its handle (the demo's @delta, @apple).
        write_user_scores(store, "influence", [{"platform": "twitter", "user_id": "citybirdsproject", "score": 1.0}])
    assert scan_store_residue(path).clean
    with Store(path) as store:
        store.set_meta("public_accounts", "")
    assert [f.where for f in scan_store_residue(path).findings] == ["user_scores.user_id", "users.handle"]
    assert scan_store_residue(path, public=["citybirdsproject"]).clean  # the config's list counts too


def test_places_other_than_a_store_still_need_identifiers(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["privacy", "scan", "--export", str(tmp_path)])
    assert result.exit_code == 2 and "E401" in result.output and "--identifiers" in result.output
    missing = CliRunner().invoke(app, ["privacy", "scan", "--store", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no store at" in missing.output
    (tmp_path / "junk.duckdb").write_text("not a store")
    junk = CliRunner().invoke(app, ["privacy", "scan", "--store", str(tmp_path / "junk.duckdb")])
    assert junk.exit_code == 2 and "E203" in junk.output and "cannot open" in junk.output


def test_the_demo_store_scans_clean(tmp_path: Path) -> None:
    """Real tweets and the recorded Reddit and X threads (where fetched), through the real ingest
    and every analysis of the demo plan: nothing personal survives, in any table."""
    from socialens.demo import build_demo

    result = build_demo(tmp_path / "demo.duckdb", tmp_path / "demo.html", limit=30)
    assert result.posts_in_store > 60
    report = scan_store_residue(result.store_path)
    assert report.clean, report.as_dict()["findings"]
    with Store(result.store_path, read_only=True) as store:
        assert store.count("analysis_results") > 0 and store.count("post_scores") > 0
    assert report.values_scanned > 10 * result.posts_in_store
