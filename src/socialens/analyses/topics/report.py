"""The report's topic sections: a topic map and topics over time (after ``analyze topics``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialens.report.sections import Section, report_section
from socialens.store import Store

TOP = 8


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
        labels = [axes.annotate(plots.shorten(t["label"]), (t["x"], t["y"]), fontsize=7, ha="center") for t in topics]
        axes.set_xticks([])
        axes.set_yticks([])
        keep_labels_that_fit(figure, axes, labels)
        return plots.to_svg(figure, "Topic map")


def keep_labels_that_fit(figure: Any, axes: Any, labels: list[Any]) -> int:
    """Remove every label that would overlap one placed before it (largest topics first) or stick
    out of the plot: a map labels only what can be read. How many labels were kept."""
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        renderer = figure.canvas.get_renderer()
        figure.draw_without_rendering()  # settles the constrained layout before measuring
        frame = axes.get_window_extent(renderer)
        placed: list[Any] = []
        for label in labels:
            box = label.get_window_extent(renderer).expanded(1.08, 1.25)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
            else:
                label.remove()
    return len(placed)


@report_section("topics", order=45)
def topics_section(store: Store) -> Section | None:
    from socialens.report.html import chart, table
    from socialens.store.results import read_results

    topics = [payload for _, payload in read_results(store, "topics")]
    if not topics:
        return None
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
    over_time = _over_time(store)
    if over_time:
        parts.append(over_time)
    note = (
        '<p class="note">Topics from <code>socialens analyze topics</code>: embeddings, reduction, '
        "clustering and class-based TF-IDF keywords; outliers (topic -1) are not shown.</p>"
    )
    return Section(title="Topics", html="".join(parts) + note)


def _over_time(store: Store) -> str:
    from socialens.report import plots
    from socialens.report.html import chart, table
    from socialens.store.results import read_results

    rows = read_results(store, "topics_over_time")
    if not rows:
        return ""
    largest = sorted(rows, key=lambda kv: -sum(n for _, n in kv[1]["series"]))[:TOP]
    series = {p["label"]: [(datetime.fromisoformat(b), n) for b, n in p["series"]] for _, p in largest}
    unit = largest[0][1]["unit"]
    flat = sorted((b, label, n) for label, points in series.items() for b, n in points)
    return chart(
        lambda: plots.line_chart(series, ylabel=f"posts per {unit}", label="Topics over time", unit=unit),
        table(["Period", "Topic", "Posts"], flat, numeric=[2]),
        f"Posts per {unit} in the {len(series)} largest topics.",
    )
