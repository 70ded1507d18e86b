"""``GET /stats``: what the store (or the selection) holds: the report's overview views."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from socialens.serve.dependencies import Filters, Reader, State, cached, require
from socialens.serve.schemas import Overview

router = APIRouter(tags=["stats"], dependencies=[Depends(require("read"))])
SECTIONS = ["summary", "volume", "languages", "hashtags", "mentions"]


@router.get("/stats", response_model=Overview)
def stats(request: Request, state: State, reader: Reader, selection: Filters) -> Response:
    from socialens.report.sections import build_views

    return cached(request, state, lambda: Overview.model_validate(build_views(reader, selection, only=SECTIONS)))
