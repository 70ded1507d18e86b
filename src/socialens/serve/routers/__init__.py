"""One router per resource; ``ROUTERS`` is what the app mounts under ``/api/v1``."""

from __future__ import annotations

from socialens.serve.routers import (
    accounts,
    alerts,
    health,
    models,
    posts,
    predict,
    privacy,
    recommend,
    results,
    runs,
    stats,
    tokens,
)

ROUTERS = [
    health.router,
    stats.router,
    posts.router,
    results.router,
    accounts.router,
    alerts.router,
    predict.router,
    recommend.router,
    runs.router,
    models.router,
    privacy.router,
    tokens.router,
]
