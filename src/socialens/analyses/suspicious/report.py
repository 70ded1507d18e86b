"""The report's suspicious-accounts table (shown once ``socialens suspicious`` or ``analyze suspicious`` ran)."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store


@report_section("suspicious", order=88)
def suspicious_section(store: Store) -> Section | None:
    from html import escape

    from socialens.report.html import stat_grid, table
    from socialens.store.results import read_user_scores

    top = read_user_scores(store, "suspicious", limit=20)
    if not top:
        return None
    every = read_user_scores(store, "suspicious")
    flagged = sum(r["label"] == "suspicious" for r in every)
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
        stat_grid([("Accounts scored", len(every), ""), ("Flagged", flagged, "score at or above the threshold")]),
        "<h3>Most bot-like accounts</h3>",
        table(["Account", "Score", "Label", "Why", "Activity events"], rows, numeric=[1, 4]),
        f'<p class="note">Scored by <code>{escape(scorer)}</code>. Behavioural signals only (posting regularity, '
        "duplicated and shared texts, burst participation, follow ratio, account age, reciprocity): a high score "
        "is a reason to look, not proof. The trained model was evaluated on bots injected into real accounts, "
        "not on real bots (none are available offline).</p>",
    ]
    return Section(title="Suspicious accounts", html="".join(parts))
