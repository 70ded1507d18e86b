"""The report's offensive-language section (shown once ``socialens analyze offensive`` ran)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store


@report_section("offensive", order=45)
def offensive_section(store: Store) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, table
    from socialens.store import scores

    counts = scores.label_counts(store, "offensive")
    if not counts:
        return None
    labelled = [(label, n) for label, n in counts if label != "unscored"]
    parts = [
        chart(
            lambda: plots.bar_chart(labelled, xlabel="posts", label="Offensive language"),
            table(["Label", "Posts"], counts, numeric=[1]),
            "Posts per HateSonar label (English posts only; others are 'unscored').",
        )
    ]
    worst = scores.extreme_posts(store, "offensive", limit=5, highest=True)
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
