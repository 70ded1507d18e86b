"""Behavioural features of each account, each a suspicion in [0, 1] (or None when unknown).

| feature | 1 means | from |
|---|---|---|
| regularity | clockwork posting: share of consecutive gaps that repeat the previous one within 10% | activity times |
| duplicate_ratio | the account repeats its own texts | its posts |
| shared_content | its texts are also posted by other accounts (copypasta) | all posts |
| burst_share | its activity falls in hours when unusually many accounts act at once | all activity |
| follow_skew | it follows far more accounts than follow it (log ratio; 1 at 1000:1) | users row or follows |
| youth | its account was created just before it acted (exp(-age / 30 days)) | users.created_at |
| non_reciprocity | the accounts it interacts with do not interact back | the user graph |

Human activity is bursty: a person's gaps between events hardly ever repeat, a scheduler's do,
even when the scheduler also takes part in a few bursts (which would ruin a spread-of-gaps measure).
"""

from __future__ import annotations

import math
from typing import Any

from socialens.store import Store

FEATURES = (
    "regularity",
    "duplicate_ratio",
    "shared_content",
    "burst_share",
    "follow_skew",
    "youth",
    "non_reciprocity",
)
# Below these counts a feature says too little to be used.
MIN_POSTS = 3
MIN_PARTNERS = 3
YOUTH_DAYS = 30.0
SKEW_SCALE = math.log(1000.0)


def behaviour_features(store: Store) -> list[dict[str, Any]]:
    """One row per account: ``platform``, ``user_id``, ``events`` and each of ``FEATURES``."""
    from socialens.store import user_queries as q

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    follows = {(p, u): (int(out_n), int(in_n)) for p, u, out_n, in_n in q.follow_counts(store)}
    for platform, uid, posts, events, _first, last, created, followers, following, _handle in q.accounts(store):
        row: dict[str, Any] = {"platform": platform, "user_id": uid, "posts": int(posts), "events": int(events)}
        row.update(dict.fromkeys(FEATURES))
        counted = follows.get((platform, uid))
        if following is None and followers is None and counted is not None:
            following, followers = counted
        row["follow_skew"] = _follow_skew(following, followers)
        row["youth"] = _youth(created, last)
        rows[(platform, uid)] = row
    for platform, uid, pairs, regular in q.interval_stats(store):
        if pairs >= MIN_POSTS:
            _set(rows, platform, uid, "regularity", regular / pairs)
    for platform, uid, n, distinct, shared in q.duplicate_stats(store):
        if n >= MIN_POSTS:
            _set(rows, platform, uid, "duplicate_ratio", 1.0 - distinct / n)
            _set(rows, platform, uid, "shared_content", shared / n)
    for platform, uid, n, in_burst in q.burst_stats(store):
        if n >= MIN_POSTS:
            _set(rows, platform, uid, "burst_share", in_burst / n)
    for platform, uid, partners, back in q.reciprocity_stats(store):
        if partners >= MIN_PARTNERS:
            _set(rows, platform, uid, "non_reciprocity", 1.0 - back / partners)
    return list(rows.values())


def _set(rows: dict[tuple[str, str], dict[str, Any]], platform: str, uid: str, name: str, value: float) -> None:
    row = rows.get((platform, uid))
    if row is not None:
        row[name] = round(min(1.0, max(0.0, float(value))), 6)


def _follow_skew(following: int | None, followers: int | None) -> float | None:
    if following is None and followers is None:
        return None
    skew = (math.log1p(following or 0) - math.log1p(followers or 0)) / SKEW_SCALE
    return round(min(1.0, max(0.0, skew)), 6)


def _youth(created: Any, last_seen: Any) -> float | None:
    if created is None or last_seen is None:
        return None
    age_days = max(0.0, (last_seen - created).total_seconds() / 86_400)
    return round(math.exp(-age_days / YOUTH_DAYS), 6)
