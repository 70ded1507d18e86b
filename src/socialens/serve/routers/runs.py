"""``/runs``: start an analysis or an ingest as a job (the one writer runs them in turn), read a
job's status and progress, or follow it as Server-Sent Events."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from socialens.errors import ConfigError, JobStateError, NotFoundError
from socialens.serve.dependencies import ServerState, State, as_json, require
from socialens.serve.events import SSE_RESPONSE, job_stream
from socialens.serve.jobs import KEEP, Job, JobProgress
from socialens.serve.schemas import AnalysisRun, IngestRun, JobOut
from socialens.store import Store

router = APIRouter(prefix="/runs", tags=["runs"])
_read = [Depends(require("read"))]
_write = [Depends(require("write"))]


@router.post("/analysis", dependencies=_write, status_code=202)
def start_analysis(body: AnalysisRun, state: State) -> JobOut:
    """Run tasks (with what they require) over a selection, like ``socialens run``."""
    from socialens.pipeline.catalogue import task_names

    unknown = sorted(set(body.tasks) - set(task_names()))
    if unknown:
        raise ConfigError(f"unknown task(s) {unknown}; known: {', '.join(task_names())}")

    def work(writer: Store, progress: JobProgress) -> Any:
        from socialens.pipeline.run import run_tasks
        from socialens.pipeline.selection import selection_from_options

        filters = body.model_dump(mode="json", include={"since", "until", "platform", "lang", "author", "query"})
        selection = selection_from_options(writer, privacy=state.config.privacy, **filters)
        results = run_tasks(
            writer,
            body.tasks,
            body.settings or None,
            selection=selection,
            models_dir=state.settings.models_dir,
            progress=progress,
            with_prerequisites=body.prerequisites,
            source="json",
            defaults=state.config.tasks,
        )
        return [{"task": r.task, "summary": r.summary} for r in results]

    # Accounts named in a selection are personal data: the job shows how many, not which.
    params = body.model_dump(mode="json") | {"author": len(body.author or [])}
    return _out(state.jobs.submit("analysis", params, work))


@router.post("/ingest", dependencies=_write, status_code=202)
def start_ingest(body: IngestRun, state: State) -> JobOut:
    """Ingest a file that is on the server, inside its files folder (``--files``)."""
    path = _inside(state, body.path)

    def work(writer: Store, progress: JobProgress) -> Any:
        from socialens.ingest.run import ingest
        from socialens.privacy import pseudonymizer_from_config

        progress.start(f"ingest {path.name}", path.stat().st_size)
        pseudo = pseudonymizer_from_config(
            state.config.privacy, keep_identifiers=writer.get_meta("identity_mode") == "raw"
        )
        summary = ingest([path], writer, format=body.format, pseudonymizer=pseudo, progress=progress.advance, workers=0)
        return summary.as_dict()

    return _out(
        state.jobs.submit("ingest", {"path": str(path.relative_to(state.files_root)), "format": body.format}, work)
    )


@router.post("/{job_id}/resubmit", dependencies=_write, status_code=202)
def resubmit(job_id: str, state: State) -> JobOut:
    """Submit an interrupted or failed analysis or ingest again, as a new job with the parameters
    its record kept (an analysis that named accounts kept only how many: send its request again)."""
    job = _job(state, job_id)
    if job.status not in ("interrupted", "failed"):
        raise JobStateError(f"job {job_id} is {job.status}: only an interrupted or failed job is submitted again")
    if job.kind == "ingest":
        return start_ingest(IngestRun.model_validate(job.params), state)
    if job.kind == "analysis" and not job.params.get("author"):
        return start_analysis(AnalysisRun.model_validate(job.params | {"author": None}), state)
    raise ConfigError(f"a {job.kind} job cannot be submitted again from its record: send its request again")


@router.get("", dependencies=_read)
def list_runs(state: State, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[JobOut]:
    """The latest jobs, newest first (also those of earlier server runs on this store)."""
    jobs = sorted(state.jobs.jobs.values(), key=lambda j: -j.created_at)[:limit]
    return [_out(job) for job in jobs]


@router.get("/{job_id}", dependencies=_read)
def get_run(job_id: str, state: State) -> JobOut:
    return _out(_job(state, job_id))


@router.get("/{job_id}/events", dependencies=_read, response_class=StreamingResponse, responses=SSE_RESPONSE)
async def run_events(job_id: str, request: Request, state: State) -> StreamingResponse:
    """``event: progress`` while the job runs, then ``event: done`` or ``event: failed``."""
    job = _job(state, job_id)
    return StreamingResponse(
        job_stream(lambda: as_json(job.as_dict()), request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _job(state: ServerState, job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id!r} (the store keeps the latest {KEEP} jobs)")
    return job


def _out(job: Job) -> JobOut:
    return JobOut.model_validate(as_json(job.as_dict()))


def _inside(state: ServerState, name: str) -> Path:
    root = state.files_root
    try:
        path = (root / name).resolve()
        found = path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ConfigError(f"{name[:80]}: not a usable file name ({type(exc).__name__})") from None
    if not path.is_relative_to(root):
        raise ConfigError(f"{name[:80]}: only files inside the server's files folder can be ingested")
    if not found:
        raise NotFoundError(f"{name[:80]}: no such file in the server's files folder")
    return path
