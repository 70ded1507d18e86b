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
    unjudged: int = 0  # accounts with too little activity to be listed (adequacy.MIN_EVENTS_TO_JUDGE)


def suspicious_view(store: Store, selection: Selection | None = None) -> SuspiciousView | None:
    from socialens.analyses.adequacy import (
        MIN_ACCOUNTS_SUSPICIOUS,
        MIN_EVENTS_TO_JUDGE,
        thin_activity,
        too_few_accounts,
    )
    from socialens.store.results import read_user_scores

    every = read_user_scores(store, "suspicious")
    if not every:
        return None
    flagged = sum(r["label"] == "suspicious" for r in every)
    events = [int(r["details"]["events"]) for r in every]
    caveats = too_few_accounts(len(every), MIN_ACCOUNTS_SUSPICIOUS, "bot-likeness rankings") + thin_activity(events)
    judged = [r for r, n in zip(every, events, strict=True) if n >= MIN_EVENTS_TO_JUDGE]
    scorer = every[0]["model"] or "heuristic"
    return SuspiciousView(judged[:TOP], len(every), flagged, scorer, caveats, unjudged=len(every) - len(judged))


@report_view("suspicious", suspicious_view, order=88)
def render_suspicious(view: SuspiciousView) -> Section:
    from html import escape

    from socialens.analyses.adequacy import MIN_EVENTS_TO_JUDGE
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
        table(["Account", "Score", "Label", "Why", "Activity events"], rows, numeric=[1, 4])
        if rows
        else '<p class="explain">No account has enough activity to be judged.</p>',
        f'<p class="note">{view.unjudged:,} accounts with fewer than {MIN_EVENTS_TO_JUDGE} activity events are '
        "not listed: one or two posts give every signal its extreme value.</p>"
        if view.unjudged
        else "",
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
