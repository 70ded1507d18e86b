"""Kept answers refreshed by the server: what readers asked before a write is recomputed for the
new store version before the job shows done, so the next reader gets it without scanning posts."""

from __future__ import annotations

import time

from socialens.serve.app import create_app
from socialens.serve.dependencies import ServerSettings
from socialens.serve.refresh import DASHBOARD
from tests.serve.server import client, free_port, serving
from tests.serve.test_api import wait_for


def test_answers_asked_before_a_write_are_ready_when_its_job_is_done(built):
    tokens = built["tokens"]
    app = create_app(ServerSettings(store=built["store"], models_dir=built["models"]))
    with serving(app, free_port()) as url, client(url, tokens["read"]) as http:
        state = app.state.socialens
        deadline = time.monotonic() + 120  # the dashboard's landing answers are computed at start
        while set(state.answers.recent(0, 100)) < set(DASHBOARD):
            assert time.monotonic() < deadline, state.answers.recent(0, 100)
            time.sleep(0.1)
        misses = state.answers.misses
        assert http.get("/api/v1/stats").status_code == 200
        assert http.get("/api/v1/results/topics").status_code == 200
        assert state.answers.misses == misses  # no reader computed those
        english = http.get("/api/v1/stats", params={"lang": "en"}).json()  # a new question: computed once
        assert state.answers.misses == misses + 1

        with client(url, tokens["write"]) as writer:
            job = writer.post("/api/v1/runs/analysis", json={"tasks": ["suspicious"]}).json()
        done = wait_for(url, tokens["read"], job["id"])
        assert done["status"] == "done" and state.refresher.published == state.jobs.version == 1
        misses = state.answers.misses
        again = http.get("/api/v1/stats", params={"lang": "en"}).json()
        suspicious = http.get("/api/v1/results/suspicious")
        assert state.answers.misses == misses  # both were recomputed by the server after the write
        assert again == english and suspicious.status_code == 200 and suspicious.json()["scored"] >= 1

        with client(url, tokens["admin"]) as admin:  # a token change leaves the answers as they are
            created = admin.post("/api/v1/tokens", json={"name": "later", "scope": "read"})
        assert created.status_code == 201 and state.refresher.published == 1 and state.jobs.version == 2


def test_the_refresh_pass_cannot_be_claimed_over_http(server):
    with client(server["url"]) as http:
        answer = http.get("/api/v1/stats", headers={"socialens.refresh": "1", "socialens-refresh": "1"})
    assert answer.status_code == 401


def test_a_kept_answer_takes_the_short_path_with_the_same_bytes_and_a_revoked_token_still_gets_401(built):
    tokens = built["tokens"]
    app = create_app(ServerSettings(store=built["store"], models_dir=built["models"]))
    with serving(app, free_port()) as url, client(url, tokens["read"]) as http:
        state = app.state.socialens
        first = http.get("/api/v1/posts", params={"query": "climate", "limit": 2})  # computed, then kept
        hits = state.answers.hits
        second = http.get("/api/v1/posts", params={"limit": 2, "query": "climate"})  # same question, other order
        assert state.answers.hits == hits  # answered before the route: the full path counts a hit
        assert second.status_code == first.status_code == 200 and second.content == first.content
        for header in ("content-type", "content-length", "x-content-type-options", "content-security-policy"):
            assert second.headers[header] == first.headers[header]
        assert http.get("/api/v1/posts", params={"limit": 3, "query": "climate"}).json()["limit"] == 3

        with client(url, tokens["admin"]) as admin:
            token = admin.post("/api/v1/tokens", json={"name": "brief", "scope": "read"}).json()["token"]
            with client(url, token) as brief:
                assert brief.get("/api/v1/posts", params={"query": "climate", "limit": 2}).status_code == 200
            assert admin.delete("/api/v1/tokens/brief").status_code == 200
        with client(url, token) as brief:
            refused = brief.get("/api/v1/posts", params={"query": "climate", "limit": 2})
        assert refused.status_code == 401 and refused.json()["code"] == "E601"
        assert http.get("/api/v1/posts", headers={"Authorization": "Bearer slt_x.y"}).status_code == 401


def test_after_an_erasure_no_kept_answer_from_before_it_is_served(built):
    tokens = built["tokens"]
    app = create_app(ServerSettings(store=built["store"], models_dir=built["models"]))
    with serving(app, free_port()) as url, client(url, tokens["read"]) as http:
        state = app.state.socialens
        before = http.get("/api/v1/posts", params={"limit": 50}).json()  # kept, with bob's posts in it
        with client(url, tokens["admin"]) as admin:
            job = admin.post("/api/v1/privacy/forget", json={"accounts": ["bob"]}).json()
        done = wait_for(url, tokens["read"], job["id"])
        after = http.get("/api/v1/posts", params={"limit": 50}).json()
    assert done["status"] == "done" and state.refresher.published == state.jobs.version
    assert after["total"] == before["total"] - 2  # bob's two posts
    gone = {p["author"] for p in before["items"]} - {p["author"] for p in after["items"]}
    assert len(gone) == 1 and not any(p["author"] in gone for p in after["items"])
