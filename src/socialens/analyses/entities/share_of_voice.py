"""Share of voice: how often each of a list of brands or accounts is mentioned, over time, and with
which sentiment (from ``socialens analyze entities``). ``socialens compare @united @Delta``, the
report's section and ``Store.compare`` all build this one view.

A brand is an ``@handle`` (matched as the store holds it: the handle's pseudonym, or the handle
itself for a public account or a store with raw identifiers) or a name (``Delta``, matched
case-insensitively against the named entities). Only public accounts are shown by name; any other
account is shown as its pseudonym, so the view never repeats a raw handle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from socialens.analyses.entities.extract import entity_key

if TYPE_CHECKING:
    from socialens.config import PrivacyConfig
    from socialens.store import Store

LAST_COMPARED = "compare_brands"
#: A period with fewer mentions of the compared brands than this has its shares greyed out (noise).
MIN_MENTIONS = 10


@dataclass(frozen=True, slots=True)
class BrandVoice:
    brand: str  # as shown: a public account or name as given, any other account as its pseudonym
    keys: list[str]  # the entity keys it stands for (an account's pseudonym on each platform)
    mentions: int
    share: float  # percent of the compared brands' mentions
    positive: int
    neutral: int
    negative: int
    net: float | None  # (positive - negative) / mentions with a sentiment, -1..1


@dataclass(frozen=True, slots=True)
class VoicePeriod:
    period: str
    mentions: dict[str, int]  # brand -> mentions in the period
    share: dict[str, float]  # brand -> percent of the period's mentions
    net: dict[str, float | None]
    thin: bool  # fewer than MIN_MENTIONS mentions in all: shares are shown greyed


@dataclass(frozen=True, slots=True)
class ShareOfVoiceView:
    brands: list[BrandVoice]
    unit: str
    periods: list[VoicePeriod] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_brands(store: Store, brands: list[str], privacy: PrivacyConfig | None = None) -> list[tuple[str, str]]:
    """(shown name, entity key) pairs of the brands, as the store holds them (see the module text);
    an account has one pair per platform of the store (its pseudonym differs by platform)."""
    out = []
    for brand in brands:
        if not brand.strip():
            continue
        if brand.startswith(("@", "＠")):
            out.extend(_account(store, brand.lstrip("@＠"), privacy))
        else:
            out.append((brand.strip(), entity_key(brand)))
    return out


def _account(store: Store, handle: str, privacy: PrivacyConfig | None) -> list[tuple[str, str]]:
    from socialens.store import user_queries

    mode = store.get_meta("identity_mode")
    if mode in (None, "raw"):
        return [("@" + handle, "@" + handle.lower())]
    public = {p.strip().lower() for p in (store.get_meta("public_accounts") or "").split(",") if p.strip()}
    platforms = user_queries.platforms(store) or ["x"]
    if handle.lower() in public or any(f"{p}:{handle.lower()}" in public for p in platforms):
        return [("@" + handle.lower(), "@" + handle.lower())]
    from socialens.config import PrivacyConfig
    from socialens.errors import ConfigError
    from socialens.privacy import Pseudonymizer, key_fingerprint, load_or_create_key

    config = privacy or PrivacyConfig()
    key = load_or_create_key(config.key_file, config.key)
    if key_fingerprint(key) != mode:
        raise ConfigError(
            f"{store.path} was pseudonymised with another key, so @{handle} cannot be matched; "
            "use the key the store was built with ([privacy] key or key_file)"
        )
    pseudo = Pseudonymizer(key)
    keys = ["@" + (pseudo.handle(platform, handle) or handle).lower() for platform in platforms]
    return [(keys[0], k) for k in dict.fromkeys(keys)]


def share_of_voice(store: Store, brands: list[tuple[str, str]], unit: str | None = None) -> ShareOfVoiceView | None:
    """The view for ``brands`` (from :func:`resolve_brands`) over the selected posts; None when the
    store has no entities (``socialens analyze entities`` has not run)."""
    from socialens.store.entity_queries import entity_span, mention_totals, mentions_over_time

    first, last, total = entity_span(store)
    if total == 0:
        return None
    unit = unit or _unit(first, last)
    name_of = {key: name for name, key in brands}
    names = list(dict.fromkeys(name_of.values()))
    rows = mentions_over_time(store, list(name_of), unit)
    totals: dict[str, list[int]] = {name: [0, 0, 0, 0] for name in names}
    periods: dict[str, dict[str, list[int]]] = {}
    for key, *found in mention_totals(store, list(name_of)):  # posts without a time count here too
        totals[name_of[key]] = [a + b for a, b in zip(totals[name_of[key]], found, strict=True)]
    for key, bucket, *found in rows:
        counts = periods.setdefault(_period(bucket, unit), {}).setdefault(name_of[key], [0, 0, 0, 0])
        counts[:] = [a + b for a, b in zip(counts, found, strict=True)]
    everything = sum(c[0] for c in totals.values())
    voices = [
        BrandVoice(
            name,
            [k for k, shown in name_of.items() if shown == name],
            c[0],
            _percent(c[0], everything),
            c[1],
            c[2],
            c[3],
            _net(c[1], c[3], c[1] + c[2] + c[3]),
        )
        for name, c in totals.items()
    ]
    timeline = [_voice_period(period, counts, names) for period, counts in sorted(periods.items())]
    notes = [] if everything else ["none of these brands is mentioned in the selected posts"]
    untimed = everything - sum(sum(p.mentions.values()) for p in timeline)
    if untimed:
        notes.append(f"{untimed:,} mentions are in posts without a time: counted in the totals, not per {unit}")
    if any(p.thin for p in timeline):
        notes.append(f"periods with fewer than {MIN_MENTIONS} mentions are marked thin")
    note = "; ".join(notes)
    return ShareOfVoiceView(voices, unit, timeline, note)


def _voice_period(period: str, counts: dict[str, list[int]], names: list[str]) -> VoicePeriod:
    total = sum(c[0] for c in counts.values())
    return VoicePeriod(
        period,
        {n: counts.get(n, [0])[0] for n in names},
        {n: _percent(counts.get(n, [0])[0], total) for n in names},
        {n: _net(c[1], c[3], c[1] + c[2] + c[3]) if (c := counts.get(n)) else None for n in names},
        total < MIN_MENTIONS,
    )


def _unit(first: Any, last: Any) -> str:
    if first is None or last is None:
        return "month"
    days = (last - first).days
    return "day" if days <= 45 else "week" if days <= 365 else "month"


def _period(bucket: Any, unit: str) -> str:
    return (
        bucket.strftime("%Y-%m")
        if unit == "month"
        else bucket.strftime("%Y")
        if unit == "year"
        else bucket.strftime("%Y-%m-%d")
    )


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _net(positive: int, negative: int, scored: int) -> float | None:
    return round((positive - negative) / scored, 3) if scored else None


def compare(
    store: Store,
    brands: list[str],
    selection: Any = None,
    privacy: PrivacyConfig | None = None,
    unit: str | None = None,
) -> ShareOfVoiceView:
    """What ``socialens compare`` shows: the share of voice of ``brands`` over ``selection``."""
    from socialens.errors import ConfigError
    from socialens.pipeline.selection import Selection
    from socialens.store.selection import scoped

    if unit not in (None, "day", "week", "month", "year"):
        raise ConfigError(f"unknown time unit {unit!r}; use day, week, month or year")
    resolved = resolve_brands(store, brands, privacy)
    if not resolved:
        raise ConfigError(
            "name the brands or accounts to compare, e.g. socialens compare @united @Delta, or [compare] brands"
        )
    with scoped(store, selection or Selection()):
        view = share_of_voice(store, resolved, unit)
    if view is None:
        raise ConfigError(f"{store.path} has no entities yet: run socialens analyze entities first")
    if not store.read_only:  # the report compares what was compared last (names as shown: no raw handle)
        store.set_meta(LAST_COMPARED, orjson.dumps(resolved).decode())
    return view


def last_compared(store: Store) -> list[tuple[str, str]]:
    """The brands of the latest ``compare`` on this store, as resolved then (empty if none)."""
    stored = store.get_meta(LAST_COMPARED)
    return [(str(shown), str(key)) for shown, key in orjson.loads(stored)] if stored else []
