"""The report's user-segments section (shown once ``socialens segments`` or ``analyze segments`` ran)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection


@dataclass(frozen=True, slots=True)
class SegmentsView:
    """The segments, how many accounts they cover, and why they may mean little (``caveats``)."""

    segments: list[dict[str, Any]]
    accounts: int
    caveats: list[str]


def segments_view(store: Store, selection: Selection | None = None) -> SegmentsView | None:
    from socialens.analyses.adequacy import MIN_ACCOUNTS_SEGMENTS, too_few_accounts
    from socialens.store.results import read_results

    segments = [payload for _, payload in read_results(store, "segments") if isinstance(payload, dict)]
    if not segments:
        return None
    accounts = sum(int(s["size"]) for s in segments)
    caveats = too_few_accounts(accounts, MIN_ACCOUNTS_SEGMENTS, "segments")
    if len(segments) == 1 and not caveats:
        caveats = [f"all {accounts:,} accounts fell into one segment: no grouping stood out"]
    return SegmentsView(segments, accounts, caveats)


@report_view("segments", segments_view, order=87)
def render_segments(view: SegmentsView) -> Section:
    from socialens.report import plots
    from socialens.report.html import caveat_note, chart, explanation, table

    segments = view.segments
    sizes = [(f"{s['segment']}: {s['name']}", int(s["size"])) for s in segments]
    rows = [
        (
            s["segment"],
            s["name"],
            s["size"],
            f"{s['share']:.0%}",
            ", ".join(f"{f['feature']} {f['effect']:+.1f} sd" for f in s["features"]) or "–",
            ", ".join(s["interests"][:4]) or "–",
        )
        for s in segments
    ]
    sizes_chart = (
        explanation(view.caveats[0], "chart of segment sizes")
        if view.caveats
        else chart(
            lambda: plots.bar_chart(sizes, xlabel="accounts", label="User segments"),
            table(["Segment", "Accounts"], sizes, numeric=[1]),
            "Accounts per segment.",
        )
    )
    parts = [
        caveat_note(view.caveats),
        sizes_chart,
        table(["Segment", "Name", "Accounts", "Share", "What sets it apart", "Common interests"], rows, numeric=[2, 3]),
        '<p class="note">Accounts clustered (k-means) on their activity rhythm, sentiment, languages, interests '
        "and influence, plus node2vec embeddings of who interacts with whom. A segment is named after the "
        "profile features where its mean differs most from all accounts (in standard deviations).</p>",
    ]
    return Section(title="User segments", html="".join(parts))


def segments_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = segments_view(store)
    return None if view is None else render_segments(view)
