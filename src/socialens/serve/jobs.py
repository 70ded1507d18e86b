"""The one writer: a queue of jobs run one at a time by a thread that owns the store's write handle.

Ingests, analyses, erasures and token changes are jobs; readers never wait for them (they read
their own snapshot through ``Store.reader``). A job's progress is the pipeline's ``Progress``
protocol, kept on the job so ``GET /runs/{id}`` and its event stream can show it.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from socialens.errors import SocialensError, StoreError, WriterBusyError
from socialens.store import Store

Work = Callable[[Store, "JobProgress"], Any]
KEEP = 500  # finished jobs remembered
SHORT, LONG = 0, 1  # a short write (a token, an alert) goes before queued long jobs


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    status: str = "queued"  # queued, running, done, failed
    stage: str = ""
    done: int = 0
    total: int | None = None
    result: Any = None
    error: dict[str, str] | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def as_dict(self) -> dict[str, Any]:
        keys = ("id", "kind", "params", "status", "stage", "done", "total", "result", "error")
        times = ("created_at", "started_at", "finished_at")
        return {**{k: getattr(self, k) for k in keys}, **{k: getattr(self, k) for k in times}}


class JobProgress:
    """``socialens.progress.Progress`` that records on the job."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def start(self, description: str, total: int | None = None) -> None:
        self.job.stage, self.job.total, self.job.done = description, total, 0

    def advance(self, n: int = 1) -> None:
        self.job.done += n


class JobQueue:
    """Runs submitted work on one thread with the writer store; ``stop`` finishes the running job."""

    def __init__(self, writer: Store, on_error: Callable[[str], None] | None = None) -> None:
        self.writer = writer
        self.jobs: dict[str, Job] = {}
        self.version = 0  # moves on after every job: read answers computed before are not reused
        self._queue: queue.PriorityQueue[tuple[int, int, Job | None, Work | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._on_error = on_error
        self._thread = threading.Thread(target=self._work, name="socialens-writer", daemon=True)
        self._thread.start()

    def submit(self, kind: str, params: dict[str, Any], work: Work, priority: int = LONG) -> Job:
        job = Job(uuid.uuid4().hex[:16], kind, params)
        self.jobs[job.id] = job
        self._forget_old()
        self._queue.put((priority, next(self._order), job, work))
        return job

    def run(self, kind: str, params: dict[str, Any], work: Work, timeout: float = 5.0) -> Any:
        """Submit a short write ahead of the queued long jobs, wait and return its result (what a
        request answers directly: a token). A writer still busy after ``timeout`` seconds is a
        ``WriterBusyError`` (the write still happens when its turn comes); a failure a ``StoreError``."""
        job = self.submit(kind, params, work, priority=SHORT)
        if not job.finished.wait(timeout):
            raise WriterBusyError(
                f"the store's writer is busy with a long job (see GET /api/v1/runs); job {job.id} runs after it"
            )
        if job.error:
            raise StoreError(job.error["message"])
        return job.result

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def stop(self, timeout: float = 30.0) -> None:
        self._queue.put((-1, -1, None, None))  # before anything queued: the running job finishes, no other starts
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            _, _, job, work = self._queue.get()
            if job is None or work is None:
                return
            job.status, job.started_at = "running", time.time()
            try:
                job.result = work(self.writer, JobProgress(job))
                job.status = "done"
            except SocialensError as exc:
                job.status, job.error = "failed", {"code": exc.code, "message": exc.message}
            except Exception as exc:  # a bug: logged in full on the server, never sent to the client
                job.status, job.error = "failed", {"code": "E000", "message": f"internal error ({type(exc).__name__})"}
                if self._on_error:
                    self._on_error(traceback.format_exc())
            job.finished_at = time.time()
            self.version += 1
            job.finished.set()

    def _forget_old(self) -> None:
        done = [j for j in self.jobs.values() if j.finished.is_set()]
        for job in sorted(done, key=lambda j: j.created_at)[: max(0, len(done) - KEEP)]:
            self.jobs.pop(job.id, None)
