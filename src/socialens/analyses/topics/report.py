"""The report's topic sections: a topic map and topics over time (after ``analyze topics``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialens.report.analysis_views import TopicsView, topics_view
from socialens.report.sections import Section, report_view


def _topic_map_svg(topics: list[dict[str, Any]]) -> str:
    """Topic centroids in 2-D, area by size, the largest labelled."""
    from socialens.report import plots

    matplotlib = plots.matplotlib_module()
    with matplotlib.rc_context(plots.RC):
        figure = plots.new_figure(5.0)
        axes = figure.add_subplot()
        biggest = max(t["size"] for t in topics) or 1
        axes.scatter(
            [t["x"] for t in topics],
            [t["y"] for t in topics],
            s=[20 + 1500 * t["size"] / biggest for t in topics],
            color=plots.COLORS[0],
            alpha=0.45,
            edgecolors="white",
        )
        for t in topics[:15]:
            axes.annotate(plots.shorten(t["label"]), (t["x"], t["y"]), fontsize=7, ha="center")
        axes.set_xticks([])
        axes.set_yticks([])
        return plots.to_svg(figure, "Topic map")


@report_view("topics", topics_view, order=45)
def topics_section(view: TopicsView) -> Section | None:
    from socialens.report.html import chart, table

    topics = view.topics
    rows = [
        (t["label"], t["size"], ", ".join(t["keywords"][:10]), (t["representative_texts"] or [""])[0])
        for t in topics[:20]
    ]
    parts = [
        chart(
            lambda: _topic_map_svg(topics),
            table(["Topic", "Posts"], [(t["label"], t["size"]) for t in topics], numeric=[1]),
            "Topic map: each circle is a topic centroid (2-D projection), its area the number of posts.",
        ),
        table(["Topic", "Posts", "Keywords", "Representative post"], rows, numeric=[1], text=3),
    ]
    over_time = _over_time(view)
    if over_time:
        parts.append(over_time)
    note = (
        '<p class="note">Topics from <code>socialens analyze topics</code>: embeddings, reduction, '
        "clustering and class-based TF-IDF keywords; outliers (topic -1) are not shown.</p>"
    )
    return Section(title="Topics", html="".join(parts) + note)


def _over_time(view: TopicsView) -> str:
    from socialens.report import plots
    from socialens.report.html import chart, table

    if not view.over_time:
        return ""
    series = {label: [(datetime.fromisoformat(b), n) for b, n in points] for label, points in view.over_time.items()}
    unit = view.unit
    flat = sorted((b, label, n) for label, points in series.items() for b, n in points)
    return chart(
        lambda: plots.line_chart(series, ylabel=f"posts per {unit}", label="Topics over time"),
        table(["Period", "Topic", "Posts"], flat, numeric=[2]),
        f"Posts per {unit} in the {len(series)} largest topics.",
    )
