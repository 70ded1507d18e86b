"""The report's emotion section (shown once ``socialens analyze emotion`` scored posts)."""

from __future__ import annotations

from socialens.report.analysis_views import ScoresView, emotion_view
from socialens.report.sections import Section, report_view
from socialens.store import Store


def emotion_section(store: Store) -> Section | None:
    """The section built from the store directly (the report goes through the registration)."""
    view = emotion_view(store)
    return None if view is None else render_emotion(view)


@report_view("emotion", emotion_view, order=42)
def render_emotion(view: ScoresView) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, table

    counts = view.counts
    shown = [(_name(label), n) for label, n in counts if label != "unscored"]
    parts = [
        chart(
            lambda: plots.bar_chart(shown, xlabel="posts", label="Dominant emotion"),
            table(["Dominant emotion", "Posts"], [(_name(label), n) for label, n in counts], numeric=[1]),
            "Posts per dominant emotion ('none': no emotion above the model's threshold; "
            "'unscored': no emotion model for the post's language).",
        )
    ]
    unit = view.unit
    if unit is not None:
        everything = view.series
        series = {_name(label): points for label, points in everything.items() if label != "none"}
        rows = sorted((bucket, label, share) for label, points in series.items() for bucket, share in points)
        if series:
            parts.append(
                chart(
                    lambda: plots.line_chart(series, ylabel=f"% of posts per {unit}", label="Emotions over time"),
                    table(["Period", "Dominant emotion", "% of posts"], rows, numeric=[2]),
                    f"Share of the scored posts of each {unit} (UTC) whose dominant emotion is each one.",
                )
            )
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
