"""The job records of ``socialens serve`` (table ``server_jobs``): round trip, interruption, pruning."""

from __future__ import annotations

from socialens.store import Store
from socialens.store.server_jobs import (
    forget_old_jobs,
    load_jobs,
    mark_interrupted,
    save_job,
    update_progress,
)


def job(job_id: str, status: str, created: float, **more: object) -> dict:
    record = {"id": job_id, "kind": "analysis", "params": {"tasks": ["trends"], "author": 0}, "status": status}
    return record | {"stage": "", "done": 0, "total": None, "created_at": created} | more


def test_jobs_round_trip_and_unfinished_ones_become_interrupted(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        save_job(store, job("a", "done", 1_700_000_000.25, result=[{"task": "trends", "summary": {"n": 3}}]))
        save_job(store, job("b", "running", 1_700_000_100.5, started_at=1_700_000_101.0))
        save_job(store, job("c", "queued", 1_700_000_200.0))
        update_progress(store, "b", "scoring", 40, 100)
        assert mark_interrupted(store, "E607", "stopped while running", "stopped before start") == 2
        assert mark_interrupted(store, "E607", "x", "y") == 0  # only once
        jobs = {j["id"]: j for j in load_jobs(store, 10)}
    assert list(jobs) == ["a", "b", "c"]  # oldest first
    assert jobs["a"]["result"] == [{"task": "trends", "summary": {"n": 3}}] and jobs["a"]["status"] == "done"
    assert jobs["a"]["created_at"] == 1_700_000_000.25 and jobs["a"]["params"] == {"tasks": ["trends"], "author": 0}
    assert jobs["b"]["status"] == "interrupted" and jobs["b"]["error_message"] == "stopped while running"
    assert (jobs["b"]["stage"], jobs["b"]["done"], jobs["b"]["total"]) == ("scoring", 40, 100)
    assert jobs["c"]["error_message"] == "stopped before start" and jobs["c"]["error_code"] == "E607"
    assert jobs["b"]["finished_at"] is not None and jobs["a"]["error_code"] is None


def test_only_the_newest_jobs_are_kept(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        for i in range(5):
            save_job(store, job(f"j{i}", "done", 1_700_000_000.0 + i))
        forget_old_jobs(store, keep=2)
        assert [j["id"] for j in load_jobs(store, 10)] == ["j3", "j4"]
        assert [j["id"] for j in load_jobs(store, 1)] == ["j4"]
