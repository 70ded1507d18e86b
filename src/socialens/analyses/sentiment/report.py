"""The report's sentiment sections (found and registered automatically by the report)."""

from __future__ import annotations

from socialens.report.analysis_views import ScoresView, sentiment_view
from socialens.report.sections import Section, report_view


@report_view("sentiment", sentiment_view, order=40)
def sentiment_section(view: ScoresView) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, table

    counts, unit, series = view.counts, view.unit, view.series
    parts = [table(["Label", "Posts"], counts, numeric=[1])]
    if unit is not None:
        rows = sorted({(b, label, n) for label, points in series.items() for b, n in points})
        parts.insert(
            0,
            chart(
                lambda: plots.line_chart(series, ylabel=f"% of posts per {unit}", label="Sentiment over time"),
                table(["Period", "Label", "% of posts"], rows, numeric=[2]),
                f"Share of each sentiment label among the scored posts of each {unit} (UTC).",
            ),
        )
    for title, highest in (("Most positive posts", True), ("Most negative posts", False)):
        posts = view.highest if highest else view.lowest
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
