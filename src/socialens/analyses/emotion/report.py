"""The report's emotion section (shown once ``socialens analyze emotion`` scored posts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection
    from socialens.report.shares import SharesOverTime

#: Labels that are not an emotion: below every threshold, or no model for the post's language.
NOT_AN_EMOTION = ("none", "unscored")


@dataclass(frozen=True, slots=True)
class EmotionView:
    """Posts per dominant emotion, shares over time of the scored posts ('unscored' left out;
    ``None`` without timed posts; periods under the minimum have counts but no share), ``caveats``."""

    counts: list[tuple[str, int]]
    over_time: SharesOverTime | None
    caveats: list[str]


def emotion_view(store: Store, selection: Selection | None = None) -> EmotionView | None:
    from socialens.report.overview import choose_time_unit
    from socialens.report.shares import shares_over_time, thin_caveat
    from socialens.store import scores

    counts = scores.label_counts(store, "emotion")
    if not counts:
        return None
    caveats = []
    if not any(label not in NOT_AN_EMOTION and n > 0 for label, n in counts):
        caveats.append("no post has an emotion above the model's threshold, or no post is in a language with a model")
    over_time = None
    first, last, _ = scores.score_span(store, "emotion")
    if first is not None and last is not None:
        unit = choose_time_unit(first, last)
        counted = scores.label_counts_over_time(store, "emotion", unit)
        over_time = shares_over_time({k: v for k, v in counted.items() if k != "unscored"}, unit)
        caveats += thin_caveat(over_time)
    return EmotionView(counts, over_time, caveats)


@report_view("emotion", emotion_view, order=42)
def render_emotion(view: EmotionView) -> Section:
    from socialens.report import plots
    from socialens.report.html import caveat_note, chart, explanation, table
    from socialens.report.shares import caption, rows

    shown = [(_name(label), n) for label, n in view.counts if label not in NOT_AN_EMOTION and n > 0]
    data = table(["Dominant emotion", "Posts"], [(_name(label), n) for label, n in view.counts], numeric=[1])
    if not shown:
        # An empty chart says nothing: say why there is none.
        return Section(title="Emotions", html=explanation(view.caveats[0], "emotion chart") + data)
    parts = [
        caveat_note(view.caveats),
        chart(
            lambda: plots.bar_chart(shown, xlabel="posts", label="Dominant emotion"),
            data,
            "Posts per dominant emotion ('none': no emotion above the model's threshold; "
            "'unscored': no emotion model for the post's language).",
        ),
    ]
    shares = view.over_time
    if shares is not None:
        named = shares.renamed(_name)
        series = {label: points for label, points in named.series.items() if label != "none"}
        data = table(["Period", "Dominant emotion", "Posts", "Share"], rows(named), numeric=[2])
        if series:
            parts.append(
                chart(
                    lambda: plots.line_chart(
                        series,
                        ylabel=f"% of posts per {named.unit}",
                        label="Emotions over time",
                        unit=named.unit,
                        thin=named.thin,
                    ),
                    data,
                    caption(named, "dominant emotion"),
                )
            )
        else:
            reason = f"no {named.unit} has {named.minimum} or more posts with an emotion and a time"
            parts.append(explanation(reason, "share over time") + data)
    note = (
        '<p class="note">Weakly supervised, plus a few hundred annotated posts: the shipped models learned from '
        "NRC (English) and DUTIR (Chinese) lexicon hits on many posts and were fitted on posts annotated by one "
        "annotator (an AI model); on 400 annotated test posts per language they beat the lexicons in macro-F1 "
        "(English 0.40 vs 0.20, Chinese 0.50 vs 0.46), and rare emotions (fear, surprise) stay unreliable. "
        "See docs/emotion.md.</p>"
    )
    return Section(title="Emotions", html="".join(parts) + note)


def _name(label: str) -> str:
    """DUTIR's one-character class names with their English gloss: 乐 (joy)."""
    from socialens.analyses.emotion.lexicons import GLOSS

    return f"{label} ({GLOSS[label]})" if label in GLOSS else label


def emotion_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = emotion_view(store)
    return None if view is None else render_emotion(view)
