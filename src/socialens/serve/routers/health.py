"""``GET /health``: the one route without a token (load balancers, the dashboard's first call)."""

from __future__ import annotations

from fastapi import APIRouter

from socialens.serve.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> Health:
    from socialens import __version__

    return Health(status="ok", version=__version__)
