"""Alerts live: ``POST /alerts`` takes an alert from ``socialens watch --sink webhook:URL`` (a write
token in ``SOCIALENS_TOKEN``), stores it through the writer and sends it to every ``GET
/alerts/stream`` (Server-Sent Events) listener: the dashboard shows it without a reload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from socialens.serve.dependencies import State, require
from socialens.serve.events import SSE_RESPONSE, alert_stream
from socialens.serve.jobs import SHORT
from socialens.serve.schemas import Alert, WatchAlert

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.post("", dependencies=[Depends(require("write"))], status_code=202)
def receive(alert: WatchAlert, state: State) -> Alert:
    from socialens.store.results import write_alerts

    fields = ("id", "kind", "raised_at", "window_start", "window_end", "severity", "summary")
    body = alert.model_dump(mode="json")
    record: dict[str, Any] = {k: body.get(k) for k in fields}
    for key in ("raised_at", "window_start", "window_end"):
        record[key] = _naive_utc(getattr(alert, key))
    record["payload"] = {k: v for k, v in body.items() if k not in fields}
    # Listeners see it now; the store gets it when the writer is free (it may be in a long job).
    state.jobs.submit("alert", {"id": alert.id}, lambda writer, _: write_alerts(writer, [record]), priority=SHORT)
    stored = {**record, **{k: body[k] for k in ("raised_at", "window_start", "window_end")}}
    state.feed.publish(stored)
    return Alert.model_validate(stored)


@router.get(
    "/stream", dependencies=[Depends(require("read"))], response_class=StreamingResponse, responses=SSE_RESPONSE
)
async def stream(
    request: Request,
    state: State,
    after: Annotated[int | None, Query(ge=0, description="Replay alerts after this event id.")] = None,
) -> StreamingResponse:
    """New alerts as they arrive: ``event: alert`` with the alert as JSON, ``id:`` its sequence."""
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        alert_stream(state.feed, after, request.is_disconnected), media_type="text/event-stream", headers=headers
    )


def _naive_utc(moment: datetime | None) -> datetime | None:
    """The store keeps naive UTC times."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
