"""The report's community section: a picture of the largest communities and their ties, and a table."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

TOP = 12


@dataclass(frozen=True, slots=True)
class CommunitiesView:
    """The largest communities' summaries, and why they may mean little (``caveats``)."""

    summaries: list[dict[str, Any]]
    caveats: list[str]
    star: bool = False  # a star's "communities" are whom its hub addressed: no picture is drawn


def communities_view(store: Store, selection: Selection | None = None) -> CommunitiesView | None:
    from socialens.analyses.adequacy import graph_caveats, star_hubs
    from socialens.store.results import read_results
    from socialens.store.user_queries import graph_shape

    summaries = [payload for _, payload in read_results(store, "communities", limit=TOP)]
    if not summaries:
        return None
    shape = graph_shape(store)
    return CommunitiesView(summaries, graph_caveats(shape), star=star_hubs(shape) > 0)


def community_picture(summaries: list[dict[str, Any]]) -> str:
    """Communities as circles (area ~ accounts) on a ring, joined by lines as thick as their ties."""
    from socialens.report.plots import COLORS, new_figure, to_svg

    figure = new_figure(5.0)
    axes = figure.add_subplot()
    n = len(summaries)
    where = {
        s["community"]: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) if n > 1 else (0.0, 0.0)
        for i, s in enumerate(summaries)
    }
    heaviest = max((link["weight"] for s in summaries for link in s["links"]), default=1.0) or 1.0
    for s in summaries:
        for link in s["links"]:
            other = link["community"]
            if other in where and s["community"] < other:
                (x0, y0), (x1, y1) = where[s["community"]], where[other]
                axes.plot([x0, x1], [y0, y1], color="#999999", linewidth=0.5 + 4 * link["weight"] / heaviest, zorder=1)
    biggest = max(s["size"] for s in summaries)
    for i, s in enumerate(summaries):
        x, y = where[s["community"]]
        # The palette's last colour is black: skip it so no circle hides its neighbours' lines.
        axes.scatter([x], [y], s=200 + 2000 * s["size"] / biggest, color=COLORS[i % (len(COLORS) - 1)], zorder=2)
        tags = " ".join(f"#{tag}" for tag, _ in s["hashtags"][:2])
        label = f"C{s['community']} ({s['size']:,})\n{tags}"
        axes.annotate(label, (1.5 * x, 1.38 * y), ha="center", va="center", fontsize=8)
    axes.set_xlim(-2.0, 2.0)
    axes.set_ylim(-1.6, 1.6)
    axes.set_axis_off()
    with warnings.catch_warnings():
        # Text stays text in the SVG (the browser's fonts draw any script): a glyph missing
        # from matplotlib's own font only affects its size estimate.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return str(to_svg(figure, "Communities and their ties"))


@report_view("communities", communities_view, order=85)
def render_communities(view: CommunitiesView) -> Section:
    from socialens.report.html import caveat_note, chart, explanation, table

    summaries = view.summaries
    rows = [
        (
            f"C{s['community']}",
            s["size"],
            s["posts"],
            ", ".join(m["handle"] or m["user_id"] for m in s["top_members"][:3]),
            " ".join(f"#{tag}" for tag, _ in s["hashtags"][:5]),
            ", ".join(f"{label} ({n})" for label, n in s["topics"][:3]),
            ", ".join(f"{label} {share:.0%}" for label, share in s["sentiment"].items()),
        )
        for s in summaries
    ]
    data = table(["Community", "Accounts", "Posts", "Top members", "Hashtags", "Topics", "Sentiment"], rows, [1, 2])
    links = [(f"C{s['community']}", f"C{link['community']}", link["weight"]) for s in summaries for link in s["links"]]
    if view.star:
        # A picture of a star's "communities" would suggest structure that is not there.
        picture = explanation(view.caveats[0], "picture of the communities")
    else:
        picture = chart(
            lambda: community_picture(summaries),
            table(["Community", "Tied to", "Interactions"], links, [2]),
            f"The {len(summaries)} largest communities; circle area grows with accounts, line width with the "
            "interactions between two communities.",
        )
    note = (
        '<p class="note">Communities: Leiden (or Louvain) on the account graph with directions dropped '
        f"(<code>socialens communities</code>). {escape('Topics and sentiment appear once those analyses ran.')}</p>"
    )
    return Section(title="Communities", html=caveat_note(view.caveats) + picture + data + note)


def communities_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = communities_view(store)
    return None if view is None else render_communities(view)
