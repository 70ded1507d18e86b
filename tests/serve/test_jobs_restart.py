"""Jobs are recorded in the store: their status survives a real server restart on the same store
file, and what a killed server left queued or running is ``interrupted`` and can be submitted again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from socialens.store import Store
from tests.serve.server import client, free_port, running
from tests.serve.test_api import wait_for

POSTS = 40_000  # enough that its ingest is still running when the server is killed


def write_posts(path: Path, count: int) -> None:
    with open(path, "wb") as out:
        for i in range(count):
            record = {
                "id": f"r{i}",
                "author": f"rawhandle{i % 97}",
                "created_at": "2024-03-01T00:00:00Z",
                "text": f"post {i}",
            }
            out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))


def serve_process(store: Path, models: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "socialens.cli.main", "serve", "--store", str(store), "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--models-dir", str(models)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    with client(url) as http:
        while time.monotonic() < deadline:
            try:
                if http.get("/api/v1/health").status_code == 200:
                    return process, url
            except httpx.HTTPError:
                time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the server did not start: {process.communicate()[1].decode()[-2000:]}")


def kill_while_running(built: dict[str, Any]) -> tuple[str, str]:
    """A server killed (SIGKILL: no clean stop) while an ingest runs and an analysis waits behind it."""
    write_posts(built["files"] / "big.jsonl", POSTS)
    process, url = serve_process(built["store"], built["models"])
    try:
        with client(url, built["tokens"]["write"]) as http:
            running_job = http.post("/api/v1/runs/ingest", json={"path": "big.jsonl", "format": "auto"}).json()
            queued_job = http.post("/api/v1/runs/analysis", json={"tasks": ["trends"]}).json()
            deadline = time.monotonic() + 60
            while not http.get(f"/api/v1/runs/{running_job['id']}").json()["stage"]:
                assert time.monotonic() < deadline, "the ingest did not start"
                time.sleep(0.01)
            time.sleep(0.3)  # its first progress record is written
            assert http.get(f"/api/v1/runs/{running_job['id']}").json()["status"] == "running"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        process.stderr.close()  # type: ignore[union-attr]
    return running_job["id"], queued_job["id"]


def test_jobs_survive_a_restart_and_unfinished_ones_are_interrupted(built):
    tokens, store = built["tokens"], built["store"]
    with running(store, built["models"]) as url:
        with client(url, tokens["write"]) as http:
            finished = http.post("/api/v1/runs/analysis", json={"tasks": ["trends"]}).json()
        before = wait_for(url, tokens["read"], finished["id"])
        with client(url, tokens["admin"]) as admin:  # a whole token pasted where an id or name goes
            assert admin.delete(f"/api/v1/tokens/{tokens['read'].replace('.', '.x')}").status_code == 404
    running_id, queued_id = kill_while_running(built)

    with running(store, built["models"]) as url, client(url, tokens["read"]) as http:
        after = http.get(f"/api/v1/runs/{finished['id']}").json()
        killed = http.get(f"/api/v1/runs/{running_id}").json()
        waiting = http.get(f"/api/v1/runs/{queued_id}").json()
        listed = {job["id"] for job in http.get("/api/v1/runs").json()}
        with client(url, tokens["write"]) as writer:  # submitted again, they run to the end
            again = writer.post(f"/api/v1/runs/{running_id}/resubmit").json()
            analysis = writer.post(f"/api/v1/runs/{queued_id}/resubmit").json()
            not_again = writer.post(f"/api/v1/runs/{finished['id']}/resubmit")
        redone = wait_for(url, tokens["read"], again["id"], timeout=300)
        reanalysed = wait_for(url, tokens["read"], analysis["id"], timeout=300)

    assert before["status"] == "done" and after["status"] == "done"
    assert after["result"] == before["result"] and after["params"] == before["params"]
    assert after["finished_at"] == pytest.approx(before["finished_at"], abs=1e-3)
    assert killed["status"] == "interrupted" and killed["error"]["code"] == "E607"
    assert "while this job ran" in killed["error"]["message"] and "submit it again" in killed["error"]["message"]
    assert killed["stage"].startswith("ingest big.jsonl") and killed["started_at"] is not None
    assert waiting["status"] == "interrupted" and "before this job started" in waiting["error"]["message"]
    assert {finished["id"], running_id, queued_id} <= listed
    assert redone["status"] == "done" and redone["result"]["read"] == POSTS and redone["params"] == killed["params"]
    assert reanalysed["status"] == "done" and reanalysed["params"] == waiting["params"]
    assert (
        not_again.status_code == 409
        and not_again.json()["code"] == "E608"
        and "only an interrupted or failed job" in not_again.json()["message"]
    )

    with Store(store, read_only=True) as stored:
        rows = stored.con.execute("SELECT * FROM server_jobs").fetchall()
    text = repr(rows)
    assert tokens["read"].partition(".")[2] not in text  # the pasted secret is withheld
    assert "rawhandle" not in text  # raw handles from the ingested file are nowhere in the job records
