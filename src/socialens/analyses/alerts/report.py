"""The report's alerts section: how many of each kind, and each alert with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

SHOWN = 30


@dataclass(frozen=True, slots=True)
class AlertsView:
    """Alerts per kind, the latest ``SHOWN`` alerts with their reasons, the last replay's numbers
    (``socialens alerts``), and ``caveats``."""

    counts: list[tuple[str, int]]
    alerts: list[dict[str, Any]]
    last_run: dict[str, Any] | None
    caveats: list[str]


def alerts_view(store: Store, selection: Selection | None = None) -> AlertsView | None:
    from socialens.store.results import read_alerts, read_results
    from socialens.store.trend_queries import alert_counts

    counts = alert_counts(store)
    last_run = dict(read_results(store, "alerts_run")).get("last")
    if not counts and not last_run:
        return None
    return AlertsView(counts, read_alerts(store, limit=SHOWN) if counts else [], last_run, [])


@report_view("alerts", alerts_view, order=76)
def render_alerts(view: AlertsView) -> Section | None:
    from socialens.report.html import stat_grid, table

    counts = view.counts
    if not counts:
        last_run = view.last_run or {"posts": 0}
        quiet = (
            f"<p>No alerts: {last_run['posts']:,} timed posts were replayed through the negative-surge, "
            "volume-spike and term-burst detectors and none crossed its threshold.</p>"
        )
        return Section(title="Alerts", html=quiet)
    alerts = view.alerts
    rows = []
    for alert in alerts:
        payload = alert["payload"] or {}
        terms = ", ".join(term for term, _ in payload.get("top_terms", [])[:5])
        posts = payload.get("top_posts") or [{"text": ""}]
        rows.append((alert["raised_at"], alert["kind"], alert["summary"], terms, posts[0].get("text", "")))
    total = sum(n for _, n in counts)
    parts = [
        stat_grid([(kind.replace("_", " "), n, "") for kind, n in counts]),
        f"<h3>Latest {len(rows)} of {total:,}</h3>",
        table(["Raised (UTC)", "Kind", "Reason", "Top terms", "Top post"], rows, text=4, fold_after=8),
    ]
    note = (
        '<p class="note">Raised by <code>socialens alerts</code> (a replay of the store) or '
        "<code>socialens watch --store</code> (live); each reason gives the window's numbers against its baseline.</p>"
    )
    return Section(title="Alerts", html="".join(parts) + note)


def alerts_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = alerts_view(store)
    return None if view is None else render_alerts(view)
