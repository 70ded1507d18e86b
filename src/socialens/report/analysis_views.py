"""Views of the analyses' results: the data behind their report sections, as plain dataclasses.

The report renders them (``socialens.analyses.<name>.report``) and the REST API serves them as
JSON (``socialens.serve.routers.results``): one source of truth for what each result shows. Every
view reads through ``socialens.store`` queries and returns ``None`` when the analysis has not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socialens.store import Store

EXTREMES = 5
ACCOUNTS_SHOWN = 20
ALERTS_SHOWN = 30


@dataclass(frozen=True, slots=True)
class ScoresView:
    """A post-level task (sentiment, emotion, offensive): posts per label, label shares over time
    (percent of the scored posts of each period) and the posts with the highest and lowest scores."""

    task: str
    counts: list[tuple[str, int]]
    unit: str | None
    series: dict[str, list[tuple[datetime, int]]]
    highest: list[dict[str, Any]]
    lowest: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class TopicsView:
    topics: list[dict[str, Any]]
    unit: str | None
    over_time: dict[str, list[tuple[str, int]]]  # topic label -> (period, posts)


@dataclass(frozen=True, slots=True)
class TrendsView:
    trends: list[dict[str, Any]]
    unit: str | None
    volume: list[tuple[datetime, int]]
    topic_labels: dict[str, str]  # topic id -> label, for bursts of ``topic:ID`` terms


@dataclass(frozen=True, slots=True)
class AlertsView:
    counts: list[tuple[str, int]]
    alerts: list[dict[str, Any]]
    last_run: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AccountsView:
    """Per-account scores of a task (influence, suspicious), highest first, with their details."""

    task: str
    scored: int
    flagged: int
    accounts: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ItemsView:
    """A task's ranked result items (communities, segments)."""

    task: str
    items: list[dict[str, Any]]


def scores_view(store: Store, task: str, extremes: int = EXTREMES) -> ScoresView | None:
    from socialens.report.overview import choose_time_unit
    from socialens.store import scores

    counts = scores.label_counts(store, task)
    if not counts:
        return None
    first, last, _ = scores.score_span(store, task)
    unit = choose_time_unit(first, last) if first is not None and last is not None else None
    series = scores.label_shares_over_time(store, task, unit) if unit else {}
    return ScoresView(
        task,
        counts,
        unit,
        series,
        scores.extreme_posts(store, task, limit=extremes, highest=True),
        scores.extreme_posts(store, task, limit=extremes, highest=False),
    )


def sentiment_view(store: Store, selection: Any = None) -> ScoresView | None:
    return scores_view(store, "sentiment")


def emotion_view(store: Store, selection: Any = None) -> ScoresView | None:
    return scores_view(store, "emotion")


def offensive_view(store: Store, selection: Any = None) -> ScoresView | None:
    return scores_view(store, "offensive")


def topics_view(store: Store, selection: Any = None, over_time_top: int = 8) -> TopicsView | None:
    from socialens.store.results import read_results

    topics = [payload for _, payload in read_results(store, "topics")]
    if not topics:
        return None
    rows = read_results(store, "topics_over_time")
    largest = sorted(rows, key=lambda kv: -sum(n for _, n in kv[1]["series"]))[:over_time_top]
    over_time = {p["label"]: [(str(b), int(n)) for b, n in p["series"]] for _, p in largest}
    return TopicsView(topics, largest[0][1]["unit"] if largest else None, over_time)


def trends_view(store: Store, selection: Any = None) -> TrendsView | None:
    from socialens.report.overview import choose_time_unit
    from socialens.store.results import read_results
    from socialens.store.trend_queries import posts_per_bin, timed_post_span

    trends = [payload for _, payload in read_results(store, "trends")]
    if not trends:
        return None
    labels = {
        topic: str(payload["label"])
        for topic, payload in read_results(store, "topics")
        if isinstance(payload, dict) and payload.get("label")
    }
    first, last, _ = timed_post_span(store)
    if first is None or last is None:
        return TrendsView(trends, None, [], labels)
    unit = choose_time_unit(first, last)
    return TrendsView(trends, unit, posts_per_bin(store, unit), labels)


def alerts_view(store: Store, selection: Any = None, limit: int = ALERTS_SHOWN) -> AlertsView | None:
    from socialens.store.results import read_alerts, read_results
    from socialens.store.trend_queries import alert_counts

    counts = alert_counts(store)
    last_run = dict(read_results(store, "alerts_run")).get("last")
    if not counts and not last_run:
        return None
    return AlertsView(counts, read_alerts(store, limit=limit) if counts else [], last_run)


def accounts_view(store: Store, task: str, flag: str | None = None, limit: int = ACCOUNTS_SHOWN) -> AccountsView | None:
    from socialens.store.results import read_user_scores

    top = read_user_scores(store, task, limit=limit)
    if not top:
        return None
    every = read_user_scores(store, task)
    flagged = sum(r["label"] == flag for r in every) if flag else 0
    return AccountsView(task, len(every), flagged, top)


def influencers_view(store: Store, selection: Any = None) -> AccountsView | None:
    return accounts_view(store, "influence")


def suspicious_view(store: Store, selection: Any = None) -> AccountsView | None:
    return accounts_view(store, "suspicious", flag="suspicious")


def items_view(store: Store, task: str, limit: int | None = None) -> ItemsView | None:
    from socialens.store.results import read_results

    items = [payload for _, payload in read_results(store, task, limit=limit) if isinstance(payload, dict)]
    return ItemsView(task, items) if items else None


def communities_view(store: Store, selection: Any = None) -> ItemsView | None:
    return items_view(store, "communities", limit=12)


def segments_view(store: Store, selection: Any = None) -> ItemsView | None:
    return items_view(store, "segments")
