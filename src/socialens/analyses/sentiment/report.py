"""The report's sentiment section (found and registered automatically by the report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection
    from socialens.report.shares import SharesOverTime


@dataclass(frozen=True, slots=True)
class SentimentView:
    """Posts per label, shares over time (``None`` without timed posts; periods under the minimum
    have counts but no share), the most positive and negative posts, and ``caveats``."""

    counts: list[tuple[str, int]]
    over_time: SharesOverTime | None
    most_positive: list[dict[str, Any]]
    most_negative: list[dict[str, Any]]
    caveats: list[str]


def sentiment_view(store: Store, selection: Selection | None = None) -> SentimentView | None:
    from socialens.report.overview import choose_time_unit
    from socialens.report.shares import shares_over_time, thin_caveat
    from socialens.store import scores

    first, last, scored = scores.score_span(store, "sentiment")
    if not scored:
        return None
    over_time = None
    if first is not None and last is not None:
        unit = choose_time_unit(first, last)
        over_time = shares_over_time(scores.label_counts_over_time(store, "sentiment", unit), unit)
    return SentimentView(
        counts=scores.label_counts(store, "sentiment"),
        over_time=over_time,
        most_positive=scores.extreme_posts(store, "sentiment", limit=5, highest=True),
        most_negative=scores.extreme_posts(store, "sentiment", limit=5, highest=False),
        caveats=thin_caveat(over_time) if over_time is not None else [],
    )


@report_view("sentiment", sentiment_view, order=40)
def render_sentiment(view: SentimentView) -> Section:
    from socialens.report import plots
    from socialens.report.html import chart, explanation, table
    from socialens.report.shares import caption, rows

    parts = []
    shares = view.over_time
    if shares is not None:
        data = table(["Period", "Label", "Posts", "Share"], rows(shares), numeric=[2])
        if shares.series:
            unit = shares.unit
            parts.append(
                chart(
                    lambda: plots.line_chart(
                        shares.series,
                        ylabel=f"% of posts per {unit}",
                        label="Sentiment over time",
                        unit=unit,
                        thin=shares.thin,
                    ),
                    data,
                    caption(shares, "sentiment label"),
                )
            )
        else:
            reason = f"no {shares.unit} has {shares.minimum} or more scored posts with a time"
            parts.append(explanation(reason, "share over time") + data)
    parts.append(table(["Label", "Posts"], view.counts, numeric=[1]))
    for title, posts in (("Most positive posts", view.most_positive), ("Most negative posts", view.most_negative)):
        parts.append(f"<h3>{title}</h3>")
        parts.append(
            table(
                ["Text", "Time", "Label", "Score"],
                [(str(p["text"] or ""), p["created_at"], p["label"], round(p["score"], 3)) for p in posts],
                numeric=[3],
                text=0,
            )
        )
    note = (
        '<p class="note">Score = P(positive) - P(negative) from the default model of each language '
        "(<code>socialens models list</code>).</p>"
    )
    return Section(title="Sentiment", html="".join(parts) + note)


def sentiment_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = sentiment_view(store)
    return None if view is None else render_sentiment(view)
