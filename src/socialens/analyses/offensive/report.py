"""The report's offensive-language section (shown once ``socialens analyze offensive`` ran)."""

from __future__ import annotations

from socialens.report.analysis_views import ScoresView, offensive_view
from socialens.report.sections import Section, report_view


@report_view("offensive", offensive_view, order=45)
def offensive_section(view: ScoresView) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, table

    counts = view.counts
    labelled = [(label, n) for label, n in counts if label != "unscored"]
    parts = [
        chart(
            lambda: plots.bar_chart(labelled, xlabel="posts", label="Offensive language"),
            table(["Label", "Posts"], counts, numeric=[1]),
            "Posts per HateSonar label (English posts only; others are 'unscored').",
        )
    ]
    worst = view.highest
    parts.append("<h3>Most likely offensive or hateful</h3>")
    parts.append(
        table(
            ["Text", "Time", "Label", "Score"],
            [(str(p["text"] or ""), p["created_at"], p["label"], round(p["score"], 3)) for p in worst],
            numeric=[3],
            text=0,
        )
    )
    parts.append('<p class="note">Score = 1 - P(neither) from <code>offensive.hatesonar.v1</code>.</p>')
    return Section(title="Offensive language", html="".join(parts))
