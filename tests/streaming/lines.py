"""Stream lines as platforms deliver them: X/Twitter v1.1 statuses, one JSON object a line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def status(i: int, text: str | None = None, minutes: float | None = None) -> bytes:
    created = START + timedelta(minutes=minutes if minutes is not None else i * 10)
    record = {
        "id_str": str(5000 + i),
        "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "text": text or f"Status number {i} about topic{i % 30} and thing{i % 17}",
        "favorite_count": i % 5,
        "retweet_count": 0,
        "user": {"id_str": str(100 + i % 7), "screen_name": f"person_{i % 7}", "followers_count": 3},
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    return orjson.dumps(record) + b"\n"


def stream_lines(n: int, burst_at: int | None = None, burst: int = 15) -> list[bytes]:
    """``n`` ordinary statuses every 10 minutes; from ``burst_at`` on, ``burst`` more within minutes, all #blackout."""
    lines = [status(i) for i in range(n)]
    if burst_at is not None:
        for j in range(burst):
            text = f"Lights out again downtown #blackout report {j}"
            lines.insert(burst_at + j, status(10_000 + j, text, minutes=burst_at * 10 + j * 0.5))
    return lines
