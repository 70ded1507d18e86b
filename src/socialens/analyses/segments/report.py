"""The report's user-segments section (shown once ``socialens segments`` or ``analyze segments`` ran)."""

from __future__ import annotations

from socialens.report.analysis_views import ItemsView, segments_view
from socialens.report.sections import Section, report_view


@report_view("segments", segments_view, order=87)
def segments_section(view: ItemsView) -> Section | None:
    from socialens.report import plots
    from socialens.report.html import chart, table

    segments = view.items
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
    parts = [
        chart(
            lambda: plots.bar_chart(sizes, xlabel="accounts", label="User segments"),
            table(["Segment", "Accounts"], sizes, numeric=[1]),
            "Accounts per segment.",
        ),
        table(["Segment", "Name", "Accounts", "Share", "What sets it apart", "Common interests"], rows, numeric=[2, 3]),
        '<p class="note">Accounts clustered (k-means) on their activity rhythm, sentiment, languages, interests '
        "and influence, plus node2vec embeddings of who interacts with whom. A segment is named after the "
        "profile features where its mean differs most from all accounts (in standard deviations).</p>",
    ]
    return Section(title="User segments", html="".join(parts))
