"""The report's profiles section: who the most influential accounts are, as their profiles show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.report.sections import Section, report_view
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection

PROFILED = 5


@dataclass(frozen=True, slots=True)
class ProfilesView:
    """Profiles (``account_profile``) of the top accounts of the influence ranking."""

    profiles: list[dict[str, Any]]


def profiles_view(store: Store, selection: Selection | None = None) -> ProfilesView | None:
    from socialens.analyses.profiles.build import account_profile
    from socialens.store.results import read_user_scores

    top = read_user_scores(store, "influence", limit=PROFILED)
    if not top:
        return None
    return ProfilesView([account_profile(store, (r["platform"], r["user_id"])) for r in top])


@report_view("profiles", profiles_view, order=81)
def render_profiles(view: ProfilesView) -> Section:
    from socialens.report.html import table

    rows = [
        (
            f"{p['platform']}:{p['user_id']}",
            p["posts"],
            _addressed(p),
            _rhythm(p),
            "; ".join(i["label"] for i in p["interests"][:3]) or "–",
            ", ".join(f"{k} {v:.0%}" for k, v in list(p["languages"].items())[:3]) or "–",
            ", ".join(f"{k} {v:.0%}" for k, v in (p["sentiment"] or {}).get("shares", {}).items()) or "–",
            (p.get("segment") or {}).get("details", {}).get("name") or "–",
        )
        for p in view.profiles
    ]
    headers = ["Account", "Posts", "Addressed by", "Most active", "Interests", "Languages", "Sentiment", "Segment"]
    note = (
        '<p class="note">The most influential accounts, as <code>socialens profile ACCOUNT</code> shows them '
        "(any account in the store can be profiled, also one known only because others address it).</p>"
    )
    return Section(title="Profiles of the top accounts", html=table(headers, rows, numeric=[1]) + note)


def _addressed(profile: dict[str, Any]) -> str:
    addressed = profile.get("addressed") or {}
    if not addressed.get("accounts"):
        return "–"
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in addressed["by_kind"].items())
    accounts = addressed["accounts"]
    return f"{accounts:,} account{'' if accounts == 1 else 's'} ({kinds})"


def _rhythm(profile: dict[str, Any]) -> str:
    if profile["peak_hour"] is None:
        return "–"
    return f"{profile['peak_weekday']}, {profile['peak_hour']:02d}h UTC"


def profiles_section(store: Store) -> Section | None:
    """The section as the report builds it (view, then renderer)."""
    view = profiles_view(store)
    return None if view is None else render_profiles(view)
