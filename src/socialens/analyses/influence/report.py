"""The report's influencer table (found and registered automatically by the report)."""

from __future__ import annotations

from socialens.report.analysis_views import AccountsView, influencers_view
from socialens.report.sections import Section, report_view


@report_view("influencers", influencers_view, order=80)
def influencers_section(view: AccountsView) -> Section | None:
    from socialens.report.html import table

    rows = view.accounts
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
        for r in rows
    ]
    note = (
        '<p class="note">Score: mean of the shares of accounts each one beats on reach (followers or distinct '
        "accounts addressing it), engagement received and PageRank in the reply/mention/repost/quote graph "
        "(<code>socialens influencers</code>).</p>"
    )
    html = table(["#", "Account", "Score", "PageRank", "In-degree", "k-core", "Why"], body, numeric=[0, 2, 3, 4, 5])
    return Section(title="Influencers", html=html + note)
