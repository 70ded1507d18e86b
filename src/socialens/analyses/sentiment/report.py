"""The report's sentiment sections (found and registered automatically by the report)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store


@report_section("sentiment", order=40)
def sentiment_section(store: Store) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, explanation, table
    from socialens.report.overview import choose_time_unit
    from socialens.report.shares import caption as share_caption
    from socialens.report.shares import rows as share_rows
    from socialens.report.shares import shares_over_time
    from socialens.store import scores

    first, last, scored = scores.score_span(store, "sentiment")
    if not scored:
        return None
    counts = scores.label_counts(store, "sentiment")
    parts = [table(["Label", "Posts"], counts, numeric=[1])]
    if first is not None and last is not None:
        unit = choose_time_unit(first, last)
        shares = shares_over_time(scores.label_counts_over_time(store, "sentiment", unit), unit)
        data = table(["Period", "Label", "Posts", "Share"], share_rows(shares), numeric=[2])
        parts.insert(
            0,
            chart(
                lambda: plots.line_chart(
                    shares.series, ylabel=f"% of posts per {unit}", label="Sentiment over time", unit=unit
                ),
                data,
                share_caption(shares, "sentiment label"),
            )
            if shares.series
            else explanation(f"no {unit} has {shares.minimum} or more scored posts with a time", "share over time")
            + data,
        )
    for title, highest in (("Most positive posts", True), ("Most negative posts", False)):
        posts = scores.extreme_posts(store, "sentiment", limit=5, highest=highest)
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
