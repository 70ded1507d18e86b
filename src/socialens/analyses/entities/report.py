"""The report's share-of-voice section: the brands of the latest ``socialens compare`` on the store,
else of ``[compare] brands``, else the five most mentioned accounts, organisations and products;
their mentions over time and their sentiment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialens.analyses.entities.share_of_voice import ShareOfVoiceView
from socialens.report.sections import Section, report_view

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection
    from socialens.store import Store


def share_of_voice_view(store: Store, selection: Selection | None = None) -> ShareOfVoiceView | None:
    from socialens.analyses.entities.share_of_voice import last_compared, resolve_brands, share_of_voice
    from socialens.config import load_config
    from socialens.errors import SocialensError
    from socialens.store.entity_queries import entity_span, top_entities

    if entity_span(store)[2] == 0:
        return None  # entities have not run (or found nothing): no section, and no key or config read
    brands = last_compared(store)
    if not brands:
        try:
            config = load_config()
            brands = resolve_brands(store, config.compare_brands, config.privacy)
        except SocialensError:
            brands = []  # a configuration this store cannot use: the report still shows the top entities
    if not brands:
        top = top_entities(store, limit=5, kinds=("account", "organisation", "product"))
        brands = [(str(t["entity"]), str(t["key"])) for t in top]
    return share_of_voice(store, brands) if brands else None


@report_view("share-of-voice", share_of_voice_view, order=48)
def render_share_of_voice(view: ShareOfVoiceView) -> Section:
    from socialens.report import plots
    from socialens.report.html import chart, table

    brands = table(
        ["Brand", "Mentions", "Share %", "Positive", "Neutral", "Negative", "Net"],
        [
            (b.brand, b.mentions, b.share, b.positive, b.neutral, b.negative, "-" if b.net is None else b.net)
            for b in view.brands
        ],
        numeric=[1, 2, 3, 4, 5, 6],
    )
    parts = [
        chart(
            lambda: plots.bar_chart([(b.brand, b.mentions) for b in view.brands], xlabel="mentions", label="Mentions"),
            brands,
            "Mentions of each brand in the selected posts; Net = (positive - negative) / mentions, "
            "from the sentiment of the clause around each mention.",
        )
    ]
    names = [b.brand for b in view.brands]
    rows = [
        (p.period + (" (thin)" if p.thin else ""), *(f"{p.mentions[n]} ({p.share[n]}%)" for n in names))
        for p in view.periods
    ]
    parts.append(f"<h3>Mentions per {view.unit} (share of the compared brands)</h3>")
    # a long timeline scrolls inside the card instead of stretching the page
    scroll = 'style="max-height:420px;overflow:auto"'
    parts.append(f"<div {scroll}>" + table(["Period", *names], rows) + "</div>")
    if view.note:
        parts.append(f'<p class="note">{view.note.capitalize()}.</p>')
    return Section(title="Share of voice", html="".join(parts))
