"""``GET /stats``: what the store (or the selection) holds: the report's overview views."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from socialens.serve.dependencies import Filters, Reader, require
from socialens.serve.schemas import Overview

router = APIRouter(tags=["stats"], dependencies=[Depends(require("read"))])
SECTIONS = ["summary", "volume", "languages", "hashtags", "mentions"]


@router.get("/stats")
def stats(reader: Reader, selection: Filters) -> Overview:
    from socialens.report.sections import build_views

    return Overview.model_validate(build_views(reader, selection, only=SECTIONS))
