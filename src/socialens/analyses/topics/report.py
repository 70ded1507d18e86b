"""The report's topic sections: a topic map and topics over time (after ``analyze topics``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

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


@dataclass(frozen=True, slots=True)
class TopicsView:
    """The topics (label, size, keywords, representative texts, map position x/y), posts per period
    of the largest ``TOP`` topics (``unit`` is ``None`` without them), and ``caveats``."""

    topics: list[dict[str, Any]]
    unit: str | None
    over_time: dict[str, list[tuple[datetime, int]]]  # topic label -> [(period, posts)]
    caveats: list[str]


def topics_view(store: Store, selection: Selection | None = None) -> TopicsView | None:
    from socialens.store.results import read_results

    topics = [payload for _, payload in read_results(store, "topics") if isinstance(payload, dict)]
    if not topics:
        return None
    rows = read_results(store, "topics_over_time")
    largest = sorted(rows, key=lambda kv: -sum(n for _, n in kv[1]["series"]))[:TOP]
    over_time = {p["label"]: [(datetime.fromisoformat(str(b)), int(n)) for b, n in p["series"]] for _, p in largest}
    caveats = []
    if len(topics) == 1:
        caveats.append("only one topic was found: the posts did not fall into groups")
    return TopicsView(topics, largest[0][1]["unit"] if largest else None, over_time, caveats)


@report_view("topics", topics_view, order=45)
def render_topics(view: TopicsView) -> Section:
    from socialens.report.html import caveat_note, chart, table

    topics = view.topics
    rows = [
        (t["label"], t["size"], ", ".join(t["keywords"][:10]), (t["representative_texts"] or [""])[0])
        for t in topics[:20]
    ]
    parts = [
        caveat_note(view.caveats),
        chart(
            lambda: _topic_map_svg(topics),
            table(["Topic", "Posts"], [(t["label"], t["size"]) for t in topics], numeric=[1]),
            "Topic map: each circle is a topic centroid (2-D projection), its area the number of posts.",
        ),
        table(["Topic", "Posts", "Keywords", "Representative post"], rows, numeric=[1], text=3),
        _over_time(view),
    ]
    note = (
        '<p class="note">Topics from <code>socialens analyze topics</code>: embeddings, reduction, '
        "clustering and class-based TF-IDF keywords; outliers (topic -1) are not shown.</p>"
    )
    return Section(title="Topics", html="".join(parts) + note)


def _over_time(view: TopicsView) -> str:
    from socialens.report import plots
    from socialens.report.html import chart, table

    series, unit = view.over_time, view.unit
    if not series or unit is None:
        return ""
    flat = sorted((b, label, n) for label, points in series.items() for b, n in points)
    return chart(
        lambda: plots.line_chart(series, ylabel=f"posts per {unit}", label="Topics over time", unit=unit),
        table(["Period", "Topic", "Posts"], flat, numeric=[2]),
        f"Posts per {unit} in the {len(series)} largest topics.",
    )


def topics_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = topics_view(store)
    return None if view is None else render_topics(view)
