"""The report's offensive-language section (shown once ``socialens analyze offensive`` ran)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store

#: Labels that are not a finding: the model's "neither" and posts it could not score.
NOT_OFFENSIVE = ("neither", "unscored")


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
    # Only posts the model labelled offensive or hateful: a high score on a 'neither' post is not a finding.
    worst = scores.extreme_posts(store, "offensive", limit=5, highest=True, exclude_labels=NOT_OFFENSIVE)
    parts.append("<h3>Most likely offensive or hateful</h3>")
    if worst:
        parts.append(
            table(
                ["Text", "Time", "Label", "Score"],
                [(str(p["text"] or ""), p["created_at"], p["label"], round(p["score"], 3)) for p in worst],
                numeric=[3],
                text=0,
            )
        )
    else:
        parts.append('<p class="explain">No post was labelled offensive or hateful, so none is listed.</p>')
    parts.append('<p class="note">Score = 1 - P(neither) from <code>offensive.hatesonar.v1</code>.</p>')
    return Section(title="Offensive language", html="".join(parts))
