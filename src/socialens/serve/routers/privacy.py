"""``/privacy``: erase accounts (``socialens forget``) and export the store (Parquet, or k-anonymous
posts), both as jobs of the writer and both for admin tokens only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from socialens.serve.dependencies import State, require
from socialens.serve.jobs import JobProgress
from socialens.serve.routers.runs import _out
from socialens.serve.schemas import ExportRequest, ForgetRequest, JobOut
from socialens.store import Store

router = APIRouter(prefix="/privacy", tags=["privacy"], dependencies=[Depends(require("admin"))])


@router.post("/forget", status_code=202)
def forget(body: ForgetRequest, state: State) -> JobOut:
    """Erase accounts (raw handle or id, or pseudonym): posts, interactions, scores, rejects, and the
    models adapted to the store and the topic models fitted on it (``adapted_models_removed`` and
    ``fitted_models_removed`` in the job's result)."""

    def work(writer: Store, progress: JobProgress) -> Any:
        from socialens.privacy import pseudonymizer_from_config
        from socialens.privacy.erasure import forget as erase

        pseudo = pseudonymizer_from_config(
            state.config.privacy, keep_identifiers=writer.get_meta("identity_mode") == "raw"
        )
        rejects = writer.path.with_suffix(".rejects.jsonl")
        # the same erasure as the CLI's: models learned from this store are unpinned and removed too
        return erase(writer, body.accounts, pseudo, rejects, state.settings.models_dir).as_dict()

    # The accounts named are personal data: the job keeps only how many there were.
    return _out(state.jobs.submit("forget", {"accounts": len(body.accounts)}, work, erases=True))


@router.post("/export", status_code=202)
def export(body: ExportRequest, state: State) -> JobOut:
    """Write every table as Parquet (or k-anonymous posts) into ``<export folder>/<name>`` on the server."""
    directory = state.export_root / body.name

    def work(writer: Store, progress: JobProgress) -> Any:
        if body.k_anonymous:
            from socialens.privacy.kanon import export_k_anonymous, parse_quasi

            return export_k_anonymous(writer, directory, body.k_anonymous, parse_quasi(None)).as_dict()
        return {table: str(path.name) for table, path in writer.export_parquet(directory).items()}

    return _out(state.jobs.submit("export", body.model_dump(), work, changes_answers=False))
