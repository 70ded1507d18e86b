"""The REST API against a real uvicorn server on loopback, over a real analysed store."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import orjson

from tests.serve.server import client


def wait_for(url: str, token: str, job_id: str, timeout: float = 60) -> dict[str, Any]:
    with client(url, token) as http:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = http.get(f"/api/v1/runs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_health_needs_no_token_and_says_the_version(server):
    with client(server["url"]) as http:
        answer = http.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


def test_stats_follow_the_selection_filters(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        everything = http.get("/api/v1/stats").json()
        english = http.get("/api/v1/stats", params={"lang": "en"}).json()
        recent = http.get("/api/v1/stats", params={"since": "2024-02-01"}).json()
    assert everything["summary"]["counts"]["posts"] == 6
    assert english["summary"]["counts"]["posts"] == 5  # the Chinese post is left out
    assert recent["summary"]["counts"]["posts"] == 4
    assert dict(everything["languages"]["items"]) == {"en": 5, "zh": 1}


def test_post_search_pages_filters_and_shows_only_pseudonyms(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        first = http.get("/api/v1/posts", params={"limit": 2}).json()
        second = http.get("/api/v1/posts", params={"limit": 2, "offset": 2}).json()
        oil = http.get("/api/v1/posts", params={"query": "oil"}).json()
        negative = http.get("/api/v1/posts", params={"sentiment": "positive"}).json()
    assert first["total"] == 6 and [p["id"] for p in first["items"]] == ["6", "5"]
    assert [p["id"] for p in second["items"]] == ["3", "2"]  # newest first
    assert sorted(p["id"] for p in oil["items"]) == ["2", "3"]
    assert negative["total"] == sum(1 for p in negative["items"] if p["sentiment"] == "positive") > 0
    raw = orjson.dumps([first, second, oil]).decode()
    assert all(p["author"].startswith("u_") for p in first["items"])
    assert not any(name in raw for name in ('"ann"', '"bob"', '"cy"', "@ann", "@bob"))


def test_results_are_the_report_views_over_the_selection(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        sentiment = http.get("/api/v1/results/sentiment").json()
        before = http.get("/api/v1/results/sentiment", params={"until": "2024-01-01"}).json()
        influencers = http.get("/api/v1/results/influencers").json()
        communities = http.get("/api/v1/results/communities").json()
        emotion = http.get("/api/v1/results/emotion")
    assert sum(n for label, n in sentiment["counts"] if label != "unscored") == 5
    assert before["counts"] == [["positive", 1]]  # only the Christmas post is before 2024
    assert influencers["rows"] and all(a["user_id"].startswith(("u_", "h_")) for a in influencers["rows"])
    assert communities["summaries"][0]["size"] >= 2
    assert emotion.status_code == 404 and emotion.json()["code"] == "E603"  # not run: a clear message, no trace
    assert "POST /api/v1/runs" in emotion.json()["message"]


def test_profile_of_an_account_by_raw_handle_answers_with_its_pseudonym(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        profile = http.get("/api/v1/accounts/ann/profile").json()
        missing = http.get("/api/v1/accounts/nobody_here/profile")
    assert profile["user_id"].startswith("u_") and profile["posts"] == 2
    assert "ann" not in orjson.dumps(profile).decode().replace("announ", "")
    assert missing.status_code == 404 and missing.json()["code"] == "E603"


def test_predict_scores_posted_texts(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        answer = http.post("/api/v1/predict/sentiment", json={"texts": ["I love this, wonderful", "awful, I hate it"]})
        unknown = http.post("/api/v1/predict/astrology", json={"texts": ["x"]})
        empty = http.post("/api/v1/predict/sentiment", json={"texts": []})
    assert [r["label"] for r in answer.json()["items"]] == ["positive", "negative"]
    assert unknown.status_code == 422 and unknown.json()["code"] == "E400"
    assert empty.status_code == 422


def test_an_analysis_run_is_a_job_with_progress_and_an_event_stream(server):
    url, tokens = server["url"], server["tokens"]
    with client(url, tokens["write"]) as http:
        assert http.get("/api/v1/results/suspicious").status_code == 404  # not run yet (and that answer is kept)
        job = http.post("/api/v1/runs/analysis", json={"tasks": ["suspicious"]}).json()
        with http.stream("GET", f"/api/v1/runs/{job['id']}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = [line.removeprefix("event: ") for line in stream.iter_lines() if line.startswith("event: ")]
        bad = http.post("/api/v1/runs/analysis", json={"tasks": ["astrology"]})
    assert events[-1] == "done"
    finished = wait_for(url, tokens["read"], job["id"])
    assert finished["status"] == "done" and "scored" in finished["result"][0]["summary"]
    with client(url, tokens["read"]) as http:
        assert http.get("/api/v1/results/suspicious").json()["scored"] >= 1  # a finished job renews kept answers
        assert any(j["id"] == job["id"] for j in http.get("/api/v1/runs").json())
    assert bad.status_code == 422 and "tasks" in bad.json()["message"]  # not a task name: the schema says so


def test_ingest_runs_read_only_files_inside_the_files_folder(server):
    url, tokens = server["url"], server["tokens"]
    extra = server["files"] / "more.jsonl"
    extra.write_bytes(
        orjson.dumps({"id": "77", "author": "dee", "created_at": "2024-03-01T00:00:00Z", "text": "hello"})
    )
    with client(url, tokens["write"]) as http:
        job = http.post("/api/v1/runs/ingest", json={"path": "more.jsonl", "format": "auto"}).json()
        outside = http.post("/api/v1/runs/ingest", json={"path": "../../../etc/passwd"})
        missing = http.post("/api/v1/runs/ingest", json={"path": "nope.jsonl"})
    done = wait_for(url, tokens["read"], job["id"])
    assert done["status"] in ("done", "failed") and done["kind"] == "ingest"
    assert outside.status_code == 400 and "files folder" in outside.json()["message"]
    assert missing.status_code == 404


def test_oversized_bodies_are_refused_and_cors_is_off(server):
    with client(server["url"], server["tokens"]["read"]) as http:
        huge = http.post("/api/v1/predict/sentiment", json={"texts": ["x" * 3_000_000]})
        preflight = http.options(
            "/api/v1/stats", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"}
        )
        plain = http.get("/api/v1/stats", headers={"Origin": "http://evil.example"})
    assert huge.status_code == 413 and huge.json()["code"] == "E604"
    assert "access-control-allow-origin" not in preflight.headers and "access-control-allow-origin" not in plain.headers


def test_tokens_can_be_made_and_revoked_by_an_admin_and_revoked_ones_stop_working(server):
    url = server["url"]
    with client(url, server["tokens"]["admin"]) as admin:
        made = admin.post("/api/v1/tokens", json={"name": "temp", "scope": "read"}).json()
        listed = admin.get("/api/v1/tokens").json()
        assert made["token"].startswith("slt_") and all("token" not in t and "secret" not in str(t) for t in listed)
        with client(url, made["token"]) as temp:
            assert temp.get("/api/v1/stats").status_code == 200
            assert admin.delete(f"/api/v1/tokens/{made['id']}").json() == {"revoked": 1}
            gone = temp.get("/api/v1/stats")
    assert gone.status_code == 401 and gone.json()["code"] == "E601"


def test_live_alerts_posted_by_watch_reach_stream_listeners_and_the_store(server):
    url, tokens = server["url"], server["tokens"]
    alert = {"id": "a-1", "kind": "term_burst", "raised_at": "2024-03-04T10:00:00Z", "summary": "#blackout: 15 posts"}
    with client(url, tokens["read"]) as reader, reader.stream("GET", "/api/v1/alerts/stream") as stream:
        lines = stream.iter_lines()
        assert next(lines) == ": connected"
        with client(url, tokens["write"]) as writer:
            assert writer.post("/api/v1/alerts", json=alert).status_code == 202
        received = [line for line in (next(lines) for _ in range(4)) if line]
    assert received[:2] == ["id: 1", "event: alert"] and '"#blackout: 15 posts"' in received[2]
    with client(url, tokens["read"]) as http:  # stored by the writer right after
        deadline = time.monotonic() + 10
        while not any(a["id"] == "a-1" for a in http.get("/api/v1/results/alerts").json().get("alerts", [])):
            assert time.monotonic() < deadline, "the alert never reached the store"
            time.sleep(0.1)


def test_cli_writes_get_the_busy_error_naming_the_server(server):
    done = subprocess.run(
        [sys.executable, "-m", "socialens.cli.main", "stats", "--store", str(server["store"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "store is busy" in done.stderr and f"socialens serve at {server['url']}" in done.stderr
    assert "Traceback" not in done.stderr


def test_many_concurrent_readers_each_get_their_own_answer(server):
    """FastAPI runs a request's dependencies and its route on pool threads: each request needs its
    own read handle (a shared one fails with 'connection is busy' or mixes up results)."""
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/api/v1/stats?lang=en", "/api/v1/results/sentiment?since=2024-01-01", "/api/v1/posts?query=oil"]
    with client(server["url"], server["tokens"]["read"]) as http, ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(lambda i: http.get(paths[i % 3]), range(120)))
    assert [a.status_code for a in answers] == [200] * 120
    assert {a.json()["summary"]["counts"]["posts"] for a in answers[0::3]} == {5}
    assert {a.json()["total"] for a in answers[2::3]} == {2}


def test_forget_and_export_are_admin_jobs_whose_records_name_no_one(server):
    url, tokens = server["url"], server["tokens"]
    with client(url, tokens["admin"]) as admin:
        forget = admin.post("/api/v1/privacy/forget", json={"accounts": ["bob"]}).json()
        done = wait_for(url, tokens["read"], forget["id"])
        export = admin.post("/api/v1/privacy/export", json={"name": "shared"}).json()
        exported = wait_for(url, tokens["read"], export["id"])
        traversal = admin.post("/api/v1/privacy/export", json={"name": "../../etc"})
        listed = admin.get("/api/v1/runs").json()
    assert done["status"] == "done" and done["result"]["accounts"] == 1
    assert forget["params"] == {"accounts": 1}  # how many, never who
    assert "bob" not in orjson.dumps(listed).decode()
    assert exported["status"] == "done" and "posts" in exported["result"]
    folder = server["files"] / "exports" / "shared"
    import pyarrow.parquet as pq

    posts = pq.read_table(folder / "posts.parquet").to_pylist()
    authors = {p["author"] for p in posts}
    assert posts and all(a.startswith("u_") for a in authors if a) and not authors & {"ann", "bob", "cy", "dee"}
    assert not any("bob" in (p["text"] or "").lower() for p in posts)
    assert traversal.status_code == 422  # the folder name is a plain name, checked by the schema
    with client(url, tokens["read"]) as http:
        assert http.get("/api/v1/accounts/bob/profile").status_code == 404  # forgotten


def test_dashboard_and_docs_are_served_from_the_app_with_no_cdn(server):
    with client(server["url"]) as http:
        page, docs = http.get("/"), http.get("/docs")
        scripts = [http.get(path) for path in ("/assets/vendor/echarts.min.js", "/assets/vendor/swagger-ui-bundle.js")]
        schema = http.get("/openapi.json").json()
    assert page.status_code == 200 and 'src="assets/vendor/echarts.min.js"' in page.text
    assert "/assets/vendor/swagger-ui-bundle.js" in docs.text and "cdn" not in (page.text + docs.text).lower()
    assert all(s.status_code == 200 and len(s.content) > 100_000 for s in scripts)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert {"/api/v1/stats", "/api/v1/alerts/stream", "/api/v1/runs/{job_id}/events"} <= set(schema["paths"])


def test_moments_are_iso_dates_and_flags_are_booleans_as_the_schema_says(server):
    with client(server["url"], server["tokens"]["write"]) as http:
        epoch = http.get("/api/v1/stats", params={"since": "0.5"})
        day = http.get("/api/v1/stats", params={"since": "2024-01-01"})
        numeric = http.post("/api/v1/runs/analysis", json={"tasks": ["trends"], "prerequisites": 0})
        long_name = http.post("/api/v1/runs/ingest", json={"path": "x" * 300})
    assert epoch.status_code == 422 and "ISO date" in epoch.json()["message"]
    assert day.status_code == 200
    assert numeric.status_code == 422 and "prerequisites" in numeric.json()["message"]
    assert long_name.status_code == 422 and long_name.json()["code"] == "E400"
