"""What detectors see (``Event``: a post reduced to what alerts need) and what they raise (``Alert``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from socialens.schema import Post

# Texts are cut to this many characters in alert payloads (a tweet's length).
TEXT_IN_ALERT = 280


@dataclass(slots=True)
class Event:
    """One post in the stream: its time (seconds since the epoch, UTC), terms and labels."""

    id: str
    platform: str
    time: float
    text: str = ""
    terms: tuple[str, ...] = ()
    sentiment: str | None = None
    topic: int | None = None
    engagement: int = 0

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    def summary(self) -> dict[str, Any]:
        """The post as an alert shows it."""
        return {"id": self.id, "platform": self.platform, "time": iso(self.time), "text": self.text[:TEXT_IN_ALERT]}


def event_from_post(
    post: Post, sentiment: str | None = None, topic: int | None = None, now: float | None = None
) -> Event:
    """An ``Event`` from a canonical post; a post without a time takes ``now`` (its arrival)."""
    from socialens.analyses.trends.terms import post_terms

    when = post.created_at.timestamp() if post.created_at is not None else (now or 0.0)
    return Event(
        id=post.id,
        platform=post.platform,
        time=when,
        text=post.text or "",
        terms=post_terms(post.text or "", post.hashtags, post.lang),
        sentiment=sentiment,
        topic=topic,
        engagement=(post.like_count or 0) + (post.repost_count or 0),
    )


@dataclass(slots=True)
class Alert:
    """A raised alert and its reason: the numbers, the posts and the terms behind it."""

    kind: str
    key: str
    raised_at: float
    window_start: float
    window_end: float
    severity: float
    summary: str
    numbers: dict[str, Any] = field(default_factory=dict)
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    top_terms: list[tuple[str, int]] = field(default_factory=list)
    #: Id of the post whose arrival raised it (for latency measurements).
    trigger: str = ""

    @property
    def id(self) -> str:
        """Stable across re-runs, so storing the same alert twice keeps one row."""
        digest = hashlib.sha1(f"{self.kind}|{self.key}|{self.raised_at:.3f}".encode()).hexdigest()
        return digest[:16]

    def as_record(self) -> dict[str, Any]:
        """The row ``socialens.store.results.write_alerts`` takes (times as UTC datetimes)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "raised_at": utc(self.raised_at),
            "window_start": utc(self.window_start),
            "window_end": utc(self.window_end),
            "severity": round(self.severity, 4),
            "summary": self.summary,
            "payload": self.payload(),
        }

    def payload(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "reason": self.summary,
            "numbers": self.numbers,
            "top_posts": self.top_posts,
            "top_terms": [[term, n] for term, n in self.top_terms],
            "trigger": self.trigger,
        }

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (sinks and ``--json``): ISO times."""
        return {
            "id": self.id,
            "kind": self.kind,
            "raised_at": iso(self.raised_at),
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "severity": round(self.severity, 4),
            "summary": self.summary,
            **{k: v for k, v in self.payload().items() if k != "reason"},
        }


def utc(seconds: float) -> datetime:
    """Naive UTC datetime (what the store's TIMESTAMP columns hold)."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
