"""DuckDB draws progress bars on stdout; no connection the store opens may (``--json`` stays JSON)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from socialens.store import Store
from tests.conftest import FIXTURES

ROOT = Path(__file__).parents[2]
# This checkout's sources first, whatever the environment has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), "SOCIALENS_KEY": "k"}

# A long query with the bar's delay at zero (which also turns the bar on): before the fix,
# DuckDB printed "0%" ... "100%" here.
SLOW_QUERY = """
import sys
from socialens.store import Store
from socialens.store.columnar_queries import connect
with Store(sys.argv[1]) as store:
    store.con.execute("SET progress_bar_time = 0")
    store.con.execute("SELECT sum(i * i) FROM range(30000000) t(i)").fetchone()
con = connect()
con.execute("SET progress_bar_time = 0")
con.execute("SELECT sum(i * i) FROM range(30000000) t(i)").fetchone()
print("done")
"""


def test_store_connections_never_draw_a_progress_bar(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", SLOW_QUERY, str(tmp_path / "s.duckdb")],
        capture_output=True,
        env=ENV,
        timeout=120,
        check=True,
    )
    assert out.stdout == b"done\n"
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.one("SELECT current_setting('enable_progress_bar_print')") == (False,)


def test_ingest_json_prints_json_and_nothing_else(tmp_path):
    files = [str(FIXTURES / "ingest" / name) for name in ("twitter-v1/valid.jsonl", "reddit/comments_page.json")]
    command = [sys.executable, "-m", "socialens.cli.main", "ingest", *files, "--json", "--store", str(tmp_path / "s")]
    out = subprocess.run(command, capture_output=True, env=ENV, timeout=300, check=True)
    summary = json.loads(out.stdout)
    assert summary["new"]["posts"] > 0 and summary["errors"] == []
