"""The built-in report sections: what is in the store, when, in which languages, about what.

They need nothing but the store: every section here works on any platform's data, and
returns ``None`` (left out) when the store holds nothing for it.
"""

from __future__ import annotations

from datetime import datetime

from socialens.report import plots
from socialens.report.html import chart, stat_grid, table
from socialens.report.sections import Section, report_section
from socialens.store import Store, queries

TOP_N = 20
ENGAGED_N = 10
_MAX_TEXT = 400


@report_section("summary", order=10)
def summary_section(store: Store) -> Section | None:
    counts = queries.table_counts(store)
    ingests = queries.ingest_stats(store)
    if not any(counts.values()) and ingests["files"] == 0:
        return None
    stats = queries.post_stats(store)
    platforms = queries.posts_by_platform(store)
    kinds = queries.interactions_by_kind(store)
    items: list[tuple[str, object, str]] = [
        ("Posts", counts["posts"], _authors(stats["authors"])),
        ("User profiles", counts["users"], ""),
        ("Interactions", counts["interactions"], _breakdown(kinds)),
        ("Platforms", len(platforms), _breakdown(platforms)),
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


@report_section("volume", order=20)
def volume_section(store: Store) -> Section | None:
    stats = queries.post_stats(store)
    first, last = stats["first"], stats["last"]
    if first is None or last is None:
        return None
    unit = choose_time_unit(first, last)
    series = queries.posts_over_time(store, unit)
    rows = _merge_series(series)
    platforms = sorted(series)
    data = table(["Period", *platforms], rows, numeric=range(1, len(platforms) + 1))
    html = chart(
        lambda: plots.line_chart(series, ylabel=f"posts per {unit}", label=f"Posts per {unit}"),
        data,
        f"Posts per {unit} (UTC), {first:%Y-%m-%d} to {last:%Y-%m-%d}; empty periods count as 0.",
    )
    if stats["untimed"]:
        html += f'<p class="note">{stats["untimed"]:,} posts carry no time and are not counted here.</p>'
    return Section(title="Volume over time", html=html)


@report_section("languages", order=30)
def languages_section(store: Store) -> Section | None:
    langs = queries.language_counts(store, limit=TOP_N)
    if not langs:
        return None
    data = table(["Language", "Posts"], langs, numeric=[1])
    html = chart(
        lambda: plots.bar_chart(langs, xlabel="posts", label="Posts per language"),
        data,
        "Posts per language (ISO 639-1 code as detected; 'und' = undetermined, e.g. only links or emoji).",
    )
    return Section(title="Languages", html=html)


@report_section("hashtags", order=50)
def hashtags_section(store: Store) -> Section | None:
    tags = [(f"#{tag}", n) for tag, n in queries.top_entities(store, "hashtags", limit=TOP_N)]
    if not tags:
        return None
    data = table(["Hashtag", "Posts"], tags, numeric=[1])
    html = chart(
        lambda: plots.bar_chart(tags, xlabel="posts", label="Top hashtags"),
        data,
        f"The {len(tags)} most used hashtags (lower-cased), by number of posts using them.",
    )
    return Section(title="Top hashtags", html=html)


@report_section("mentions", order=55)
def mentions_section(store: Store) -> Section | None:
    # accounts kept readable on purpose ([privacy] public_accounts) are marked as such
    public = {p.rpartition(":")[2] for p in (store.get_meta("public_accounts") or "").split(",") if p}
    top = queries.top_entities(store, "mentions", limit=TOP_N)
    mentions = [(f"@{handle}" + (" (public)" if handle in public else ""), n) for handle, n in top]
    if not mentions:
        return None
    raw = store.get_meta("identity_mode") == "raw"
    what = "Mentioned account" if raw else "Mentioned account (pseudonym)"
    data = table([what, "Posts"], mentions, numeric=[1])
    caption = f"The {len(mentions)} most mentioned accounts, by number of posts mentioning them."
    html = chart(lambda: plots.bar_chart(mentions, xlabel="posts", label="Top mentions"), data, caption)
    if not raw:
        html += (
            '<p class="note">Accounts appear as pseudonyms (<code>h_…</code>): one account always gets the '
            "same pseudonym under the same key, but the handle cannot be read back from it."
            + (" Accounts marked (public) are kept readable on purpose ([privacy] public_accounts)." if public else "")
            + "</p>"
        )
    return Section(title="Top mentions", html=html)


@report_section("engaged", order=60)
def engaged_section(store: Store) -> Section | None:
    posts = queries.most_engaged_posts(store, limit=ENGAGED_N)
    if not posts:
        return None
    rows = [
        (shorten(p["text"] or ""), p["platform"], p["created_at"], p["like_count"], p["repost_count"]) for p in posts
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
