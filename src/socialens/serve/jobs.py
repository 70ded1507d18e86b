"""The one writer: a queue of jobs run one at a time by a thread that owns the store's write handle.

Ingests, analyses, erasures and token changes are jobs; readers never wait for them (they read
their own snapshot through ``Store.reader``). A job's progress is the pipeline's ``Progress``
protocol, kept on the job so ``GET /runs/{id}`` and its event stream can show it.

Every job is also recorded in the store (``store.server_jobs``) through the writer's connection,
so its status survives a restart; a job that was queued or running when the server stopped is
``interrupted`` when the next server starts.
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

from socialens.errors import JobInterruptedError, SocialensError, StoreError, WriterBusyError
from socialens.store import Store

Work = Callable[[Store, "JobProgress"], Any]
KEEP = 500  # finished jobs remembered (in memory; the store keeps more)
PROGRESS_EVERY = 1.0  # seconds between progress records in the store
SHORT, LONG = 0, 1  # a short write (a token, an alert) goes before queued long jobs


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    status: str = "queued"  # queued, running, done, failed, interrupted
    stage: str = ""
    done: int = 0
    total: int | None = None
    result: Any = None
    error: dict[str, str] | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    finished: threading.Event = field(default_factory=threading.Event, repr=False)
    changes_answers: bool = field(default=True, repr=False)  # a token change does not: readers' answers stay
    erases: bool = field(default=False, repr=False)  # answers from before it must not be served after it

    def as_dict(self) -> dict[str, Any]:
        keys = ("id", "kind", "params", "status", "stage", "done", "total", "result", "error")
        times = ("created_at", "started_at", "finished_at")
        return {**{k: getattr(self, k) for k in keys}, **{k: getattr(self, k) for k in times}}

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> Job:
        """A job as the store recorded it (finished, or interrupted by a stop)."""
        error = {"code": row["error_code"], "message": row["error_message"] or ""} if row["error_code"] else None
        keys = ("id", "kind", "params", "status", "stage", "done", "total", "result")
        job = cls(**{k: row[k] for k in keys}, error=error)
        job.created_at, job.started_at, job.finished_at = row["created_at"], row["started_at"], row["finished_at"]
        job.finished.set()
        return job


class JobLog:
    """Records jobs in the store. It writes through a cursor of the writer's own connection (the one
    writing process; readers never write), so a record lands even while a job's transaction is open."""

    INTERRUPTED_RUNNING = "the server stopped while this job ran; what it committed before is kept: submit it again"
    INTERRUPTED_QUEUED = "the server stopped before this job started: submit it again"

    def __init__(self, writer: Store) -> None:
        self._store = writer.reader()
        self._lock = threading.Lock()
        self._progress_at: dict[str, float] = {}

    def recover(self, limit: int) -> list[Job]:
        """Mark what a stopped server left unfinished as interrupted; the newest ``limit`` jobs."""
        from socialens.store.server_jobs import forget_old_jobs, load_jobs, mark_interrupted

        with self._lock:
            mark_interrupted(self._store, JobInterruptedError.code, self.INTERRUPTED_RUNNING, self.INTERRUPTED_QUEUED)
            forget_old_jobs(self._store)
            return [Job.from_record(row) for row in load_jobs(self._store, limit)]

    def save(self, job: Job, keep_result: bool, status: str | None = None) -> None:
        from socialens.store.server_jobs import save_job

        record = job.as_dict() | {"params": without_secrets(job.params), "status": status or job.status}
        record["result"] = record["result"] if keep_result and record["status"] == "done" else None
        error = record.pop("error") or {}
        record["error_code"], record["error_message"] = error.get("code"), error.get("message")
        with self._lock:
            save_job(self._store, record)

    def progress(self, job: Job) -> None:
        """At most one progress record a second per job."""
        from socialens.store.server_jobs import update_progress

        now = time.monotonic()
        if now - self._progress_at.get(job.id, 0.0) < PROGRESS_EVERY:
            return
        self._progress_at[job.id] = now
        with self._lock:
            update_progress(self._store, job.id, job.stage, job.done, job.total)

    def close(self) -> None:
        self._store.close()


def without_secrets(params: dict[str, Any]) -> dict[str, Any]:
    """A job's parameters as recorded: a value that is an API token (someone revoking by pasting the
    whole token) is withheld."""
    return {
        k: "[withheld]" if isinstance(v, str) and v.startswith("slt_") and "." in v else v for k, v in params.items()
    }


class JobProgress:
    """``socialens.progress.Progress`` that records on the job."""

    def __init__(self, job: Job, log: JobLog | None = None) -> None:
        self.job, self.log = job, log

    def start(self, description: str, total: int | None = None) -> None:
        self.job.stage, self.job.total, self.job.done = description, total, 0
        self._record()

    def advance(self, n: int = 1) -> None:
        self.job.done += n
        self._record()

    def _record(self) -> None:
        if self.log is not None:
            self.log.progress(self.job)


class JobQueue:
    """Runs submitted work on one thread with the writer store; ``stop`` finishes the running job."""

    def __init__(self, writer: Store, on_error: Callable[[str], None] | None = None) -> None:
        self.writer = writer
        self.log = JobLog(writer)
        self.jobs: dict[str, Job] = {job.id: job for job in self.log.recover(KEEP)}
        self.version = 0  # moves on after every job: read answers computed before are not reused
        self._queue: queue.PriorityQueue[tuple[int, int, Job | None, Work | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._on_error = on_error
        # Set by the server when it keeps answers (serve.refresh): called with the store version
        # after a job that changes answers, what finishes the job once they are published, and
        # whether the job erased (its version is then published at once).
        self.publish: Callable[[int, Callable[[], None], bool], None] | None = None
        self._thread = threading.Thread(target=self._work, name="socialens-writer", daemon=True)
        self._thread.start()

    def submit(
        self,
        kind: str,
        params: dict[str, Any],
        work: Work,
        priority: int = LONG,
        changes_answers: bool = True,
        erases: bool = False,
    ) -> Job:
        job = Job(uuid.uuid4().hex[:16], kind, params, changes_answers=changes_answers, erases=erases)
        self.log.save(job, keep_result=False)
        self.jobs[job.id] = job
        self._forget_old()
        self._queue.put((priority, next(self._order), job, work))
        return job

    def run(
        self, kind: str, params: dict[str, Any], work: Work, timeout: float = 5.0, changes_answers: bool = True
    ) -> Any:
        """Submit a short write ahead of the queued long jobs, wait and return its result (what a
        request answers directly: a token). A writer still busy after ``timeout`` seconds is a
        ``WriterBusyError`` (the write still happens when its turn comes); a failure a ``StoreError``."""
        job = self.submit(kind, params, work, priority=SHORT, changes_answers=changes_answers)
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
            priority, _, job, work = self._queue.get()
            if job is None or work is None:
                return
            job.status, job.started_at = "running", time.time()
            self._record(job, priority)
            outcome, job.result, job.error = self._run_work(job, work)
            job.finished_at = time.time()
            # The store records the outcome now; readers see it (and the job shows it) once the
            # answers of the new store version are published.
            self._record(job, priority, outcome)
            self.version += 1
            if self.publish is not None and job.changes_answers:
                finish = lambda job=job, outcome=outcome: self._finish(job, outcome)  # type: ignore[misc]  # noqa: E731
                self.publish(self.version, finish, job.erases)
            else:
                self._finish(job, outcome)

    def _run_work(self, job: Job, work: Work) -> tuple[str, Any, dict[str, str] | None]:
        try:
            return "done", work(self.writer, JobProgress(job, self.log)), None
        except SocialensError as exc:
            return "failed", None, {"code": exc.code, "message": exc.message}
        except Exception as exc:  # a bug: logged in full on the server, never sent to the client
            if self._on_error:
                self._on_error(traceback.format_exc())
            return "failed", None, {"code": "E000", "message": f"internal error ({type(exc).__name__})"}

    @staticmethod
    def _finish(job: Job, outcome: str) -> None:
        job.status = outcome
        job.finished.set()

    def _record(self, job: Job, priority: int, status: str | None = None) -> None:
        """A short write's result is what its request answers (a new token): never recorded."""
        try:
            self.log.save(job, keep_result=priority == LONG, status=status)
        except Exception:  # the record is lost, the job is not: logged on the server
            if self._on_error:
                self._on_error(traceback.format_exc())

    def _forget_old(self) -> None:
        done = [j for j in self.jobs.values() if j.finished.is_set()]
        for job in sorted(done, key=lambda j: j.created_at)[: max(0, len(done) - KEEP)]:
            self.jobs.pop(job.id, None)
