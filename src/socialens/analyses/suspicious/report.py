"""The report's suspicious-accounts table (shown once ``socialens suspicious`` or ``analyze suspicious`` ran)."""

from __future__ import annotations

from socialens.report.analysis_views import AccountsView, suspicious_view
from socialens.report.sections import Section, report_view


@report_view("suspicious", suspicious_view, order=88)
def suspicious_section(view: AccountsView) -> Section | None:
    from html import escape

    from socialens.report.html import stat_grid, table

    top, flagged = view.accounts, view.flagged
    scorer = top[0]["model"] or "heuristic"
    rows = [
        (
            f"{r['platform']}:{r['user_id']}",
            round(r["score"], 3),
            r["label"],
            ", ".join(r["details"]["reasons"]) or "–",
            r["details"]["events"],
        )
        for r in top
    ]
    parts = [
        stat_grid([("Accounts scored", view.scored, ""), ("Flagged", flagged, "score at or above the threshold")]),
        "<h3>Most bot-like accounts</h3>",
        table(["Account", "Score", "Label", "Why", "Activity events"], rows, numeric=[1, 4]),
        f'<p class="note">Scored by <code>{escape(scorer)}</code>. Behavioural signals only (posting regularity, '
        "duplicated and shared texts, burst participation, follow ratio, account age, reciprocity): a high score "
        "is a reason to look, not proof. The trained model was evaluated on bots injected into real accounts, "
        "not on real bots (none are available offline).</p>",
    ]
    return Section(title="Suspicious accounts", html="".join(parts))
