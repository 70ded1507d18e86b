"""``socialens watch``, ``trends`` and ``alerts`` as real subprocesses; a watch killed with SIGKILL
mid-stream and restarted counts every post exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from socialens.store import Store
from socialens.streaming.state import load_state
from tests.analyses.trends.corpus import ingest_trump_slice
from tests.cli.test_cli import assert_one_line_error, cli_env, run_cli
from tests.streaming.lines import stream_lines


def test_watch_a_file_into_sinks_and_the_store(tmp_path):
    source = tmp_path / "stream.jsonl"
    source.write_bytes(b"".join(stream_lines(300, burst_at=250, burst=15)))
    result = run_cli(
        tmp_path,
        "watch",
        "--source",
        source,
        "--no-follow",
        "--sentiment",
        "none",
        "--sink",
        f"jsonl:{tmp_path / 'alerts.jsonl'}",
        "--sink",
        "terminal",
        "--store",
        tmp_path / "w.duckdb",
        "--window",
        "3600",
        "--json",
        timeout=120,
    )
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["counts"]["messages"] == summary["counts"]["posts"] == 315
    assert summary["state"] == str(tmp_path / "w.watch.pkl")
    with Store(tmp_path / "w.duckdb") as store:
        assert store.count("posts") == 315


def test_watch_refuses_a_bad_sink(tmp_path):
    assert_one_line_error(run_cli(tmp_path, "watch", "--sink", "pager:0"), "pager:0")


def test_a_killed_watch_resumes_without_losing_or_double_counting(tmp_path):
    lines = stream_lines(400)
    source, state = tmp_path / "stream.jsonl", tmp_path / "stream.watch.pkl"
    source.write_bytes(b"".join(lines[:200]))
    args = ["watch", "--source", str(source), "--sentiment", "none", "--sink", f"jsonl:{tmp_path / 'a.jsonl'}"]
    command = [sys.executable, "-m", "socialens.cli.main", *args, "--batch-size", "10", "--max-wait", "0.05"]
    process = subprocess.Popen(command, cwd=tmp_path, env=cli_env(tmp_path), stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # the follower is mid-stream once it has checkpointed
            checkpoint = load_state(state, str(source)) if state.exists() else None
            if checkpoint is not None and checkpoint.counts["messages"] >= 50:
                break
            time.sleep(0.05)
        with open(source, "ab") as out:  # more arrives while it works, then it dies at once
            out.write(b"".join(lines[200:]))
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    killed_at = load_state(state, str(source))
    assert killed_at is not None and 50 <= killed_at.counts["messages"] < 400
    result = run_cli(tmp_path, "watch", "--source", source, "--sentiment", "none", "--no-follow", "--json")
    assert result.code == 0, result.stderr
    counts = result.json()["counts"]
    assert counts["messages"] == counts["posts"] == 400 and counts["duplicates"] == 0
    detectors = load_state(state, str(source)).detectors  # type: ignore[union-attr]
    assert {d.seen_ for d in detectors} == {400}


def test_trends_and_alerts_commands(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        ingest_trump_slice(store, tmp_path, "2016-10-01", "2016-10-25")
    trends = run_cli(tmp_path, "trends", "--store", tmp_path / "t.duckdb", "-o", "top=5", "--json")
    assert trends.code == 0, trends.stderr
    assert len(trends.json()["trends"]) == 5
    assert trends.json()["view"]["trends"] == trends.json()["trends"]  # the report's view of the same bursts
    alerts = run_cli(tmp_path, "alerts", "--store", tmp_path / "t.duckdb", "-o", "sentiment=vader", "--json")
    assert alerts.code == 0, alerts.stderr
    shown = run_cli(tmp_path, "alerts", "--store", tmp_path / "t.duckdb", "--show", "--json").json()["items"]
    assert alerts.json()["alerts"] == len(shown) > 0 and all(a["payload"]["reason"] for a in shown)
    assert sum(n for _, n in alerts.json()["view"]["counts"]) == len(shown)
