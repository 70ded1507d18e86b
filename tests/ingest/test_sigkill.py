"""An ingest killed with SIGKILL leaves a consistent store, and a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson

from socialens.store import Store
from tests.conftest import rows, run_ingest

BATCH = 2_000
TOTAL = 80_000


def _write_statuses(path: Path, n: int) -> Path:
    with open(path, "wb") as out:
        for i in range(n):
            status = {
                "id_str": str(i),
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": f"post number {i} for @friend{i % 97} about #topic{i % 13} and the weather",
                "user": {"id_str": str(i % 500), "screen_name": f"user{i % 500}"},
                "entities": {"user_mentions": [{"screen_name": f"friend{i % 97}"}]},
            }
            out.write(orjson.dumps(status, option=orjson.OPT_APPEND_NEWLINE))
    return path


DRIVER = textwrap.dedent(
    """
    import sys
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store
    store = Store(sys.argv[1])
    ingest([sys.argv[2]], store, format="twitter-v1", pseudonymizer=Pseudonymizer(b"socialens-test-key"),
           batch_size=int(sys.argv[3]), workers=0, progress=lambda n: print("chunk", flush=True))
    print("finished", flush=True)
    """
)


def test_sigkill_midway_leaves_whole_batches_and_rerun_completes(tmp_path):
    data = _write_statuses(tmp_path / "statuses.jsonl", TOTAL)
    store_path = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(store_path), str(data), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        # this checkout's sources first, whatever the environment has installed
        env={**os.environ, "PYTHONPATH": os.pathsep.join(str(Path(__file__).parents[2] / p) for p in ("src", ""))},
    )
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 120
    while seen < 3 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "the ingest ended before it could be killed"
        seen += line.startswith("chunk")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Store(store_path) as store:
        committed = store.count("posts")
        assert 0 < committed < TOTAL
        assert committed % BATCH == 0, "a partial batch reached the store"
        orphans = rows(
            store,
            """
            SELECT count(*) FROM interactions i
            WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = i.target_post)""",
        )
        missing = rows(
            store,
            """
            SELECT count(*) FROM posts p WHERE NOT EXISTS (
                SELECT 1 FROM interactions i WHERE i.target_post = p.id AND i.kind = 'mention')""",
        )
        authors = rows(store, "SELECT count(*) FROM posts p ANTI JOIN users u ON p.author = u.id")
        assert orphans == missing == authors == [(0,)]
        assert store.count("interactions") == committed

        summary = run_ingest(store, data, format="twitter-v1", batch_size=BATCH, workers=0)
        counts = summary.as_dict()
        assert counts["new"]["posts"] == TOTAL - committed
        assert counts["unchanged"]["posts"] == committed
        assert store.count("posts") == store.count("interactions") == TOTAL
        assert store.count("users") == 500
