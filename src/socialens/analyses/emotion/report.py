"""The report's emotion section (shown once ``socialens analyze emotion`` scored posts)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store


@report_section("emotion", order=42)
def emotion_section(store: Store) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, explanation, table
    from socialens.report.overview import choose_time_unit
    from socialens.report.shares import caption as share_caption
    from socialens.report.shares import rows as share_rows
    from socialens.report.shares import shares_over_time
    from socialens.store import scores

    counts = scores.label_counts(store, "emotion")
    if not counts:
        return None
    shown = [(_name(label), n) for label, n in counts if label not in ("unscored", "none") and n > 0]
    data = table(["Dominant emotion", "Posts"], [(_name(label), n) for label, n in counts], numeric=[1])
    if not shown:
        # An empty chart says nothing: say why there is none.
        reason = "no post has an emotion above the model's threshold, or no post is in a language with a model"
        return Section(title="Emotions", html=explanation(reason, "emotion chart") + data)
    parts = [
        chart(
            lambda: plots.bar_chart(shown, xlabel="posts", label="Dominant emotion"),
            data,
            "Posts per dominant emotion ('none': no emotion above the model's threshold; "
            "'unscored': no emotion model for the post's language).",
        )
    ]
    first, last, _ = scores.score_span(store, "emotion")
    if first is not None and last is not None:
        unit = choose_time_unit(first, last)
        counted = {
            _name(label): points
            for label, points in scores.label_counts_over_time(store, "emotion", unit).items()
            if label != "unscored"
        }
        shares = shares_over_time(counted, unit)
        series = {label: points for label, points in shares.series.items() if label != "none"}
        if series:
            parts.append(
                chart(
                    lambda: plots.line_chart(
                        series, ylabel=f"% of posts per {unit}", label="Emotions over time", unit=unit
                    ),
                    table(["Period", "Dominant emotion", "Posts", "Share"], share_rows(shares), numeric=[2]),
                    share_caption(shares, "dominant emotion"),
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
