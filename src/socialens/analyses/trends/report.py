"""The report's trends section: post volume over time with the strongest bursts as spans, and the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

SPANS_SHOWN = 8


@dataclass(frozen=True, slots=True)
class TrendsView:
    """Bursts of hashtags, terms and topics, strongest first; posts per period with empty periods as 0
    (``unit`` is ``None`` without timed posts); topic id -> label, for ``topic:ID`` terms; ``caveats``."""

    trends: list[dict[str, Any]]
    unit: str | None
    volume: list[tuple[datetime, int]]
    topic_labels: dict[str, str]
    caveats: list[str]


def trends_view(store: Store, selection: Selection | None = None) -> TrendsView | None:
    from socialens.report import plots
    from socialens.report.overview import choose_time_unit
    from socialens.store.results import read_results
    from socialens.store.trend_queries import posts_per_bin, timed_post_span

    trends = [payload for _, payload in read_results(store, "trends") if isinstance(payload, dict)]
    if not trends:
        return None
    labels = {
        topic: str(payload["label"])
        for topic, payload in read_results(store, "topics")
        if isinstance(payload, dict) and payload.get("label")
    }
    first, last, _ = timed_post_span(store)
    if first is None or last is None:
        return TrendsView(trends, None, [], labels, ["no post in the selection has a time: no volume to compare"])
    unit = choose_time_unit(first, last)
    volume = plots.with_zeros(posts_per_bin(store, unit), unit)  # no post in a period: 0, not a line across
    return TrendsView(trends, unit, volume, labels, [])


@report_view("trends", trends_view, order=75)
def render_trends(view: TrendsView) -> Section:
    from socialens.report.html import caveat_note, chart, table

    trends, unit, volume = view.trends, view.unit, view.volume
    name = _topic_namer({topic: {"label": label} for topic, label in view.topic_labels.items()})
    parts = [caveat_note(view.caveats)]
    if unit is not None:
        spans = trends[:SPANS_SHOWN]
        rows = [(name(t["term"]), t["start"][:10], t["end"][:10], t["weight"]) for t in spans]
        parts.append(
            chart(
                lambda: timeline_svg(volume, spans, unit),
                table(["Burst", "From", "To", "Weight"], rows, numeric=[3]),
                f"Posts per {unit} (UTC) with the {len(spans)} strongest bursts shaded (Kleinberg's two-state model).",
            )
        )
    burst_rows = [
        (
            name(t["term"]),
            _when(t["start"]),
            _when(t["end"]),
            t["posts"],
            t["expected"],
            t["z"],
            t["weight"],
            ", ".join(name(term) for term, _ in t.get("top_terms", [])[:5]),
            (t.get("top_posts") or [{"text": ""}])[0]["text"],
        )
        for t in trends[:20]
    ]
    headers = ["Term", "From", "To", "Posts", "Expected", "z", "Weight", "With", "Top post"]
    parts.append(table(headers, burst_rows, numeric=[3, 4, 5, 6], text=8, fold_after=8))
    note = (
        "<p class=\"note\">Expected = the term's share of posts before the burst times the burst's actual volume "
        "(so daily and weekly rhythm is accounted for); z = (posts - expected) / sqrt(expected).</p>"
    )
    return Section(title="Trends and bursts", html="".join(parts) + note)


def trends_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = trends_view(store)
    return None if view is None else render_trends(view)


def _when(moment: str) -> str:
    """An ISO time as the table shows it: the date alone at midnight, else date and minutes."""
    shown = moment[:16].replace("T", " ")
    return shown[:10] if shown.endswith("00:00") else shown


def _topic_namer(topics: dict[str, Any]) -> Callable[[str], str]:
    """``topic:7`` -> the label ``analyze topics`` stored for topic 7 (``topic 7`` without one);
    other terms unchanged."""

    def name(term: str) -> str:
        if not term.startswith("topic:"):
            return term
        topic = term.removeprefix("topic:")
        payload = topics.get(topic)
        label = payload.get("label") if isinstance(payload, dict) else None
        return f"topic {label}" if label else f"topic {topic}"

    return name


def timeline_svg(volume: list[tuple[datetime, int]], bursts: list[dict[str, Any]], unit: str) -> str:
    from socialens.report import plots

    matplotlib = plots.matplotlib_module()
    with matplotlib.rc_context(plots.RC):
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        figure = plots.new_figure(3.6)
        axes = figure.add_subplot()
        axes.plot([b for b, _ in volume], [n for _, n in volume], color=plots.COLORS[0], linewidth=1.2)
        top = max((n for _, n in volume), default=1)
        for i, burst in enumerate(bursts):
            start, end = _moment(burst["start"]), _moment(burst["end"])
            color = plots.COLORS[1 + i % 5]  # not the yellow or black ones: unreadable as labels
            axes.axvspan(start, end, color=color, alpha=0.25, linewidth=0)
            axes.text(start, top * (0.95 - 0.09 * i), plots.shorten(burst["term"]), fontsize=7, color=color)
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.set_ylabel(f"posts per {unit}")
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", alpha=0.3)
        return str(plots.to_svg(figure, "Bursts over time"))


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
