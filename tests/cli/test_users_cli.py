"""``socialens profile``, ``segments`` and ``suspicious`` run as real subprocesses on a hand-built store."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialens.store import Store
from tests.analyses.users_store import build_tiny_store
from tests.cli.test_cli import run_cli


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.duckdb"
    with Store(path) as db:
        build_tiny_store(db)
    return path


def test_suspicious_then_profile_show_the_bot(tmp_path, tiny):
    home = str(tmp_path / "home")
    out = run_cli(tmp_path, "suspicious", "--store", tiny, "--json", "-n", "3", SOCIALENS_HOME=home)
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["users"] == 5 and data["suspicious"] == 1
    assert data["accounts"][0]["user_id"] == "bot" and len(data["accounts"]) == 3
    view = data["view"]  # the report section's view, as the API serves it
    assert view["scored"] == 5 and view["top"][0]["user_id"] == "bot" and "caveats" in view
    profile = run_cli(tmp_path, "profile", "bot", "--store", tiny, "--json", SOCIALENS_HOME=home)
    assert profile.code == 0, profile.stderr
    shown = profile.json()
    assert shown["posts"] == 20 and shown["suspicious"]["label"] == "suspicious"
    text = run_cli(tmp_path, "profile", "alice", "--store", tiny, SOCIALENS_HOME=home)
    assert text.code == 0 and "#python" in text.stderr and "09h UTC" in text.stderr


def test_segments_json(tmp_path, tiny):
    out = run_cli(tmp_path, "segments", "--store", tiny, "-k", "2", "--json", SOCIALENS_HOME=str(tmp_path / "h"))
    assert out.code == 0, out.stderr
    data = out.json()
    assert len(data["segments"]) == 2 and sum(s["size"] for s in data["segments"]) == 5
    assert data["view"]["accounts"] == 5 and "segments need at least 30" in data["view"]["caveats"][0]


def test_unknown_account_is_one_red_line(tmp_path, tiny):
    out = run_cli(tmp_path, "profile", "nobody", "--store", tiny)
    assert out.code == 2 and len(out.error_lines) == 1 and "nobody" in out.error_lines[0]


def test_an_account_known_only_from_mentions_can_be_profiled(tmp_path):
    from tests.cli.test_cli import tweet, write_jsonl

    # Bob_0 never posts: three accounts mention him in their text.
    source = write_jsonl(tmp_path / "tweets.jsonl", [tweet(i) for i in range(6)])
    path = tmp_path / "mentions.duckdb"
    assert run_cli(tmp_path, "ingest", source, "--store", path).code == 0
    out = run_cli(tmp_path, "profile", "@Bob_0", "--store", path, "--json")
    assert out.code == 0, out.stderr
    profile = out.json()
    assert profile["known_from"] == "others" and profile["posts"] == 0
    assert profile["addressed"]["by_kind"] == {"mention": 3} and profile["addressed"]["accounts"] == 3
    assert profile["user_id"].startswith("h_") and "bob" not in out.stdout.lower()
    text = run_cli(tmp_path, "profile", "@Bob_0", "--store", path)
    assert text.code == 0 and "known only from others" in text.stderr and "addressed by 3 account(s)" in text.stderr
    assert "bob" not in (text.stdout + text.stderr).lower()
    import orjson

    import socialens as sl

    with sl.Store(path) as api:  # the Python API reaches the same profile, pseudonymised the same way
        assert orjson.loads(orjson.dumps(api.profile("@Bob_0"), default=str)) == profile
