"""The report's influencer table (found and registered automatically by the report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

TOP = 20


@dataclass(frozen=True, slots=True)
class InfluencersView:
    """The top of the influence ranking, and why it may mean little (``caveats``: plain sentences)."""

    rows: list[dict[str, Any]]
    caveats: list[str]


def influencers_view(store: Store, selection: Selection | None = None) -> InfluencersView | None:
    from socialens.analyses.adequacy import graph_caveats
    from socialens.store.results import read_user_scores
    from socialens.store.user_queries import graph_shape

    rows = read_user_scores(store, "influence", limit=TOP)
    if not rows:
        return None
    return InfluencersView(rows, graph_caveats(graph_shape(store)))


@report_view("influencers", influencers_view, order=80)
def render_influencers(view: InfluencersView) -> Section:
    from socialens.report.html import caveat_note, table

    body = [
        (
            int(r["label"]),
            f"{r['platform']}:{r['user_id']}",
            round(r["score"], 3),
            round(r["details"]["pagerank"], 5),
            r["details"]["in_degree"],
            r["details"]["k_core"],
            "; ".join(r["details"]["reasons"][1:]),
        )
        for r in view.rows
    ]
    note = (
        '<p class="note">Score: mean of the shares of accounts each one beats on reach (followers or distinct '
        "accounts addressing it), engagement received and PageRank in the reply/mention/repost/quote graph "
        "(<code>socialens influencers</code>).</p>"
    )
    html = table(["#", "Account", "Score", "PageRank", "In-degree", "k-core", "Why"], body, numeric=[0, 2, 3, 4, 5])
    return Section(title="Influencers", html=caveat_note(view.caveats) + html + note)


def influencers_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = influencers_view(store)
    return None if view is None else render_influencers(view)
