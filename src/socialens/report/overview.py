"""The built-in report sections: what is in the store, when, in which languages, about what.

Each is a view (``view(store, selection) -> dataclass | None``: the data, which the REST API can
serve as JSON) and a renderer (view -> HTML section). They need nothing but the store: every
view works on any platform's data and returns ``None`` (left out) when the store holds nothing
for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialens.report import plots
from socialens.report.html import chart, stat_grid, table
from socialens.report.sections import Section, report_view
from socialens.store import Store, queries

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

TOP_N = 20
ENGAGED_N = 10
_MAX_TEXT = 400


# -- views: what each section shows, as data (the REST API serves these as JSON) -------------
@dataclass(frozen=True, slots=True)
class SummaryView:
    counts: dict[str, int]
    ingests: dict[str, int]
    stats: dict[str, Any]
    platforms: list[tuple[str, int]]
    kinds: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class VolumeView:
    unit: str
    first: datetime
    last: datetime
    untimed: int
    series: dict[str, list[tuple[datetime, int]]]


@dataclass(frozen=True, slots=True)
class CountsView:
    """Posts per language, hashtag or mentioned account, most first."""

    items: list[tuple[str, int]]
    pseudonymised: bool = False
    public: bool = False  # some items are accounts kept readable on purpose ([privacy] public_accounts)


@dataclass(frozen=True, slots=True)
class EngagedView:
    posts: list[dict[str, Any]]


def summary_view(store: Store, selection: Selection | None = None) -> SummaryView | None:
    counts = queries.table_counts(store)
    ingests = queries.ingest_stats(store)
    if not any(counts.values()) and ingests["files"] == 0:
        return None
    platforms = queries.posts_by_platform(store)
    return SummaryView(counts, ingests, queries.post_stats(store), platforms, queries.interactions_by_kind(store))


def volume_view(store: Store, selection: Selection | None = None) -> VolumeView | None:
    stats = queries.post_stats(store)
    first, last = stats["first"], stats["last"]
    if first is None or last is None:
        return None
    unit = choose_time_unit(first, last)
    return VolumeView(unit, first, last, stats["untimed"], queries.posts_over_time(store, unit))


def languages_view(store: Store, selection: Selection | None = None) -> CountsView | None:
    langs = queries.language_counts(store, limit=TOP_N)
    return CountsView(langs) if langs else None


def hashtags_view(store: Store, selection: Selection | None = None) -> CountsView | None:
    tags = [(f"#{tag}", n) for tag, n in queries.top_entities(store, "hashtags", limit=TOP_N)]
    return CountsView(tags) if tags else None


def mentions_view(store: Store, selection: Selection | None = None) -> CountsView | None:
    # accounts kept readable on purpose ([privacy] public_accounts) are marked as such
    public = {p.rpartition(":")[2] for p in (store.get_meta("public_accounts") or "").split(",") if p}
    top = queries.top_entities(store, "mentions", limit=TOP_N)
    mentions = [(f"@{handle}" + (" (public)" if handle in public else ""), n) for handle, n in top]
    pseudonymised = store.get_meta("identity_mode") != "raw"
    return CountsView(mentions, pseudonymised, public=bool(public)) if mentions else None


def engaged_view(store: Store, selection: Selection | None = None) -> EngagedView | None:
    posts = queries.most_engaged_posts(store, limit=ENGAGED_N)
    return EngagedView(posts) if posts else None


# -- renderers ---------------------------------------------------------------------------------
@report_view("summary", summary_view, order=10)
def render_summary(view: SummaryView) -> Section:
    counts, ingests, stats = view.counts, view.ingests, view.stats
    items: list[tuple[str, object, str]] = [
        ("Posts", counts["posts"], _authors(stats["authors"])),
        ("User profiles", counts["users"], ""),
        ("Interactions", counts["interactions"], _breakdown(view.kinds)),
        ("Platforms", len(view.platforms), _breakdown(view.platforms)),
        ("First post", stats["first"], "UTC"),
        ("Last post", stats["last"], f"{stats['untimed']:,} posts without a time" if stats["untimed"] else "UTC"),
        ("Files ingested", ingests["files"], _runs(ingests)),
        ("Records read", ingests["read"], ""),
        ("Rejected", ingests["rejected"], _reject_share(ingests)),
    ]
    note = (
        '<p class="note">Rejected records were malformed and set aside in the rejects file '
        "beside the store, with file, line and reason.</p>"
        if ingests["rejected"]
        else ""
    )
    return Section(title="Summary", html=stat_grid(items) + note)


@report_view("volume", volume_view, order=20)
def render_volume(view: VolumeView) -> Section:
    unit, series = view.unit, view.series
    rows = _merge_series(series)
    platforms = sorted(series)
    data = table(["Period", *platforms], rows, numeric=range(1, len(platforms) + 1))
    html = chart(
        lambda: plots.line_chart(series, ylabel=f"posts per {unit}", label=f"Posts per {unit}"),
        data,
        f"Posts per {unit} (UTC), {view.first:%Y-%m-%d} to {view.last:%Y-%m-%d}; empty periods count as 0.",
    )
    if view.untimed:
        html += f'<p class="note">{view.untimed:,} posts carry no time and are not counted here.</p>'
    return Section(title="Volume over time", html=html)


@report_view("languages", languages_view, order=30)
def render_languages(view: CountsView) -> Section:
    langs = view.items
    data = table(["Language", "Posts"], langs, numeric=[1])
    html = chart(
        lambda: plots.bar_chart(langs, xlabel="posts", label="Posts per language"),
        data,
        "Posts per language (ISO 639-1 code as detected; 'und' = undetermined, e.g. only links or emoji).",
    )
    return Section(title="Languages", html=html)


@report_view("hashtags", hashtags_view, order=50)
def render_hashtags(view: CountsView) -> Section:
    tags = view.items
    data = table(["Hashtag", "Posts"], tags, numeric=[1])
    html = chart(
        lambda: plots.bar_chart(tags, xlabel="posts", label="Top hashtags"),
        data,
        f"The {len(tags)} most used hashtags (lower-cased), by number of posts using them.",
    )
    return Section(title="Top hashtags", html=html)


@report_view("mentions", mentions_view, order=55)
def render_mentions(view: CountsView) -> Section:
    mentions = view.items
    what = "Mentioned account (pseudonym)" if view.pseudonymised else "Mentioned account"
    public = view.public
    data = table([what, "Posts"], mentions, numeric=[1])
    caption = f"The {len(mentions)} most mentioned accounts, by number of posts mentioning them."
    html = chart(lambda: plots.bar_chart(mentions, xlabel="posts", label="Top mentions"), data, caption)
    if view.pseudonymised:
        html += (
            '<p class="note">Accounts appear as pseudonyms (<code>h_…</code>): one account always gets the '
            "same pseudonym under the same key, but the handle cannot be read back from it."
            + (" Accounts marked (public) are kept readable on purpose ([privacy] public_accounts)." if public else "")
            + "</p>"
        )
    return Section(title="Top mentions", html=html)


@report_view("engaged", engaged_view, order=60)
def render_engaged(view: EngagedView) -> Section:
    rows = [
        (shorten(p["text"] or ""), p["platform"], p["created_at"], p["like_count"], p["repost_count"])
        for p in view.posts
    ]
    html = table(["Text", "Platform", "Posted (UTC)", "Likes", "Reposts"], rows, numeric=[3, 4], text=0)
    html += '<p class="note">Ranked by likes plus reposts; reposts themselves are left out.</p>'
    return Section(title="Most engaged posts", html=html)


def choose_time_unit(first: datetime, last: datetime) -> queries.TimeUnit:
    """Days for up to three months, weeks for up to three years, months beyond.

    >>> choose_time_unit(datetime(2020, 1, 1), datetime(2020, 2, 1))
    'day'
    >>> choose_time_unit(datetime(2009, 5, 4), datetime(2018, 1, 1))
    'month'
    """
    days = (last - first).days
    if days <= 92:
        return "day"
    if days <= 3 * 366:
        return "week"
    return "month"


def _merge_series(series: dict[str, list[tuple[datetime, int]]]) -> list[list[object]]:
    """Rows of ``[period, count per platform...]``; the series share their periods."""
    platforms = sorted(series)
    if not platforms:
        return []
    periods = [period for period, _ in series[platforms[0]]]
    return [[period.date(), *(series[p][i][1] for p in platforms)] for i, period in enumerate(periods)]


def _breakdown(pairs: list[tuple[str, int]], most: int = 4) -> str:
    shown = ", ".join(f"{name} {n:,}" for name, n in pairs[:most])
    return shown + (", …" if len(pairs) > most else "")


def _authors(n: int) -> str:
    return f"by {n:,} author{'s' if n != 1 else ''}" if n else ""


def _runs(ingests: dict[str, int]) -> str:
    text = f"in {ingests['runs']:,} run{'s' if ingests['runs'] != 1 else ''}"
    return text + (f"; {ingests['failed']:,} failed" if ingests["failed"] else "")


def _reject_share(ingests: dict[str, int]) -> str:
    if not ingests["rejected"] or not ingests["read"]:
        return ""
    return f"{ingests['rejected'] / ingests['read']:.1%} of records read"


def shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
