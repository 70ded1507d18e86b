"""The report's suspicious-accounts table (shown once ``socialens suspicious`` or ``analyze suspicious`` ran)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

TOP = 20


@dataclass(frozen=True, slots=True)
class SuspiciousView:
    """The most bot-like accounts, how many were scored and flagged, and ``caveats``."""

    top: list[dict[str, Any]]
    scored: int
    flagged: int
    scorer: str
    caveats: list[str]


def suspicious_view(store: Store, selection: Selection | None = None) -> SuspiciousView | None:
    from socialens.analyses.adequacy import MIN_ACCOUNTS_SUSPICIOUS, too_few_accounts
    from socialens.store.results import read_user_scores

    every = read_user_scores(store, "suspicious")
    if not every:
        return None
    flagged = sum(r["label"] == "suspicious" for r in every)
    caveats = too_few_accounts(len(every), MIN_ACCOUNTS_SUSPICIOUS, "bot-likeness rankings")
    return SuspiciousView(every[:TOP], len(every), flagged, every[0]["model"] or "heuristic", caveats)


@report_view("suspicious", suspicious_view, order=88)
def render_suspicious(view: SuspiciousView) -> Section:
    from html import escape

    from socialens.report.html import caveat_note, stat_grid, table

    rows = [
        (
            f"{r['platform']}:{r['user_id']}",
            round(r["score"], 3),
            r["label"],
            ", ".join(r["details"]["reasons"]) or "–",
            r["details"]["events"],
        )
        for r in view.top
    ]
    parts = [
        caveat_note(view.caveats),
        stat_grid([("Accounts scored", view.scored, ""), ("Flagged", view.flagged, "score at or above the threshold")]),
        "<h3>Most bot-like accounts</h3>",
        table(["Account", "Score", "Label", "Why", "Activity events"], rows, numeric=[1, 4]),
        f'<p class="note">Scored by <code>{escape(view.scorer)}</code>. Behavioural signals only (posting '
        "regularity, duplicated and shared texts, burst participation, follow ratio, account age, reciprocity): a "
        "high score is a reason to look, not proof. The trained model was evaluated on bots injected into real "
        "accounts, not on real bots (no labelled ones are available offline); the demo's recorded Reddit "
        "threads score it against the bot accounts present, as weak labels (benchmarks/RESULTS.md).</p>",
    ]
    return Section(title="Suspicious accounts", html="".join(parts))


def suspicious_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = suspicious_view(store)
    return None if view is None else render_suspicious(view)
