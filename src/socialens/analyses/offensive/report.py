"""The report's offensive-language section (shown once ``socialens analyze offensive`` ran)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

#: Labels that are not a finding: the model's "neither" and posts it could not score.
NOT_OFFENSIVE = ("neither", "unscored")
TOP = 5


@dataclass(frozen=True, slots=True)
class OffensiveView:
    """Posts per label, the posts most likely offensive or hateful (only those the model labelled
    so: a high score on a 'neither' post is not a finding), and ``caveats``."""

    counts: list[tuple[str, int]]
    most_offensive: list[dict[str, Any]]
    caveats: list[str]


def offensive_view(store: Store, selection: Selection | None = None) -> OffensiveView | None:
    from socialens.store import scores

    counts = scores.label_counts(store, "offensive")
    if not counts:
        return None
    caveats = []
    if all(label == "unscored" for label, _ in counts):
        caveats.append("no post is in a language the offensive-language model reads (English only)")
    worst = scores.extreme_posts(store, "offensive", limit=TOP, highest=True, exclude_labels=NOT_OFFENSIVE)
    return OffensiveView(counts, worst, caveats)


@report_view("offensive", offensive_view, order=45)
def render_offensive(view: OffensiveView) -> Section:
    from socialens.report import plots
    from socialens.report.html import caveat_note, chart, explanation, table

    labelled = [(label, n) for label, n in view.counts if label != "unscored"]
    data = table(["Label", "Posts"], view.counts, numeric=[1])
    parts = [caveat_note(view.caveats)]
    if labelled:
        parts.append(
            chart(
                lambda: plots.bar_chart(labelled, xlabel="posts", label="Offensive language"),
                data,
                "Posts per HateSonar label (English posts only; others are 'unscored').",
            )
        )
    else:
        parts.append(explanation(view.caveats[0], "chart of labels") + data)
    parts.append("<h3>Most likely offensive or hateful</h3>")
    if view.most_offensive:
        parts.append(
            table(
                ["Text", "Time", "Label", "Score"],
                [
                    (str(p["text"] or ""), p["created_at"], p["label"], round(p["score"], 3))
                    for p in view.most_offensive
                ],
                numeric=[3],
                text=0,
            )
        )
    else:
        parts.append('<p class="explain">No post was labelled offensive or hateful, so none is listed.</p>')
    parts.append('<p class="note">Score = 1 - P(neither) from <code>offensive.hatesonar.v1</code>.</p>')
    return Section(title="Offensive language", html="".join(parts))


def offensive_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = offensive_view(store)
    return None if view is None else render_offensive(view)
