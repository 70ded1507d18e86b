"""Is there enough data for a who-matters analysis to mean something? Plain sentences saying why not.

The analyses still run on thin data (a user may want the numbers anyway), but their results, the
CLI, the JSON and the report carry these *caveats* so nobody reads a ranking of the accounts one
author mentioned as "influencers", or a 100% share computed from three posts. Pure functions of
counts: the counting is SQL in ``socialens.store.user_queries.graph_shape``.
"""

from __future__ import annotations

from typing import Any

#: Fewer accounts than this, and clustering them into segments says little.
MIN_ACCOUNTS_SEGMENTS = 30
#: Fewer accounts than this, and "most bot-like" compares an account with too few others.
MIN_ACCOUNTS_SUSPICIOUS = 20
#: Fewer distinct accounts in the interaction graph than this, and rankings and communities are noise.
MIN_ACCOUNTS_GRAPH = 20
#: A graph where this share of all ties touch the one or two busiest accounts is a star...
STAR_SHARE = 0.8
#: ...once it has this many ties (below, "too few accounts" says what matters).
MIN_TIES_FOR_STAR = 10
#: An account with fewer activity events than this is not listed among the "most bot-like": one or
#: two posts give every behavioural signal its extreme value (a lone reply is "never reciprocated").
MIN_EVENTS_TO_JUDGE = 5
#: A period with fewer scored posts than this gets no share (it is shown greyed, with its count).
MIN_POSTS_FOR_SHARE = 20


def graph_caveats(shape: dict[str, Any]) -> list[str]:
    """Why the interaction graph cannot support influence or community findings (empty: it can).

    ``shape`` is ``graph_shape``'s answer: accounts, ties (distinct account pairs) and the share of
    ties that touch the one and the two best-connected accounts.
    """
    accounts, ties = int(shape.get("accounts", 0)), int(shape.get("ties", 0))
    if ties == 0:
        return ["no account replies to, mentions, reposts or quotes another: there is no interaction graph"]
    caveats = []
    hubs = star_hubs(shape)
    if hubs:
        share = shape["top1_share"] if hubs == 1 else shape["top2_share"]
        who = "one account" if hubs == 1 else "two accounts"
        caveats.append(
            f"the interaction graph is a star: {share:.0%} of its {ties:,} ties touch {who}, so rankings and "
            "communities mostly reflect whom that account addressed, not who matters"
        )
    if accounts < MIN_ACCOUNTS_GRAPH:
        caveats.append(
            f"only {accounts:,} accounts interact (at least {MIN_ACCOUNTS_GRAPH} are needed for rankings and "
            "communities to mean much)"
        )
    return caveats


def star_hubs(shape: dict[str, Any]) -> int:
    """1 or 2 when the graph is a star around that many accounts (``STAR_SHARE`` of its ties touch
    them, and there are at least ``MIN_TIES_FOR_STAR`` ties), else 0."""
    if int(shape.get("ties", 0)) < MIN_TIES_FOR_STAR:
        return 0
    if shape.get("top1_share", 0.0) >= STAR_SHARE:
        return 1
    return 2 if shape.get("top2_share", 0.0) >= STAR_SHARE else 0


def too_few_accounts(accounts: int, minimum: int, what: str) -> list[str]:
    """A caveat when ``accounts`` is under ``minimum`` for ``what`` (e.g. 'segments')."""
    if accounts >= minimum:
        return []
    return [f"only {accounts:,} accounts to compare: {what} need at least {minimum} to mean much"]


def thin_activity(events: list[int]) -> list[str]:
    """A caveat when most accounts have too little activity for their bot-likeness to mean much."""
    thin = sum(n < MIN_EVENTS_TO_JUDGE for n in events)
    if not events or thin / len(events) < 0.5:
        return []
    return [
        f"{thin:,} of {len(events):,} accounts have fewer than {MIN_EVENTS_TO_JUDGE} activity events: their "
        "scores rest on one or two posts, and they are not listed among the most bot-like"
    ]


def with_caveats(summary: str, caveats: list[str]) -> str:
    """A task summary with its caveats appended, each as a plain 'note:' sentence."""
    return summary + "".join(f"; note: {c}" for c in caveats)
