"""One profile per account, assembled from the store.

A profile holds the account's interests (its topics when ``socialens analyze topics`` has
run, else its hashtags, else its most used words), its activity rhythm (events per UTC hour
and weekday), its sentiment profile (``post_scores`` task 'sentiment'), its influence
(``user_scores`` task 'influence') and its languages. Everything is plain JSON-able data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from socialens.store import Store

Key = tuple[str, str]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Function words that would otherwise top every account's word list.
_STOPWORD_TEXT = """
the and for that this with you your are was were have has had not but all can will just from they
them their there what when who how out about more some into than then its it's our get got one would
could should been being also very too only over here amp rt via did does don't i'm you're can't 的 了
是 在 我 有 和 就 不 人 都 一个 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def build_profiles(store: Store, user_id: str | None = None, interests: int = 5) -> list[dict[str, Any]]:
    """Profiles of every account (or of ``user_id`` on any platform), in key order."""
    from socialens.store import user_queries as q

    profiles: dict[Key, dict[str, Any]] = {}
    for platform, uid, posts, events, first, last, created, followers, following, handle in q.accounts(store):
        if user_id is None or uid == user_id:
            profiles[(platform, uid)] = _empty_profile(platform, uid, posts, events, first, last, handle)
            profiles[(platform, uid)]["account"] = {
                "created_at": created,
                "followers": followers,
                "following": following,
            }
    if not profiles:
        return []
    _add_rhythm(profiles, q.activity_hours(store, user_id))
    _add_shares(profiles, q.languages(store, user_id), "languages")
    _add_interests(store, profiles, user_id, interests)
    _add_sentiment(profiles, q.sentiment(store, user_id))
    _add_influence(store, profiles)
    return list(profiles.values())


def profile_of(store: Store, user: str, privacy: Any = None) -> dict[str, Any]:
    """The profile of the account ``user`` names: its stored id or handle, or its raw id or
    handle (pseudonymised with the key of ``privacy``, a ``PrivacyConfig``)."""
    from socialens.pipeline.selection import resolve_account

    return account_profile(store, resolve_account(store, user, privacy))


def account_profile(store: Store, account: tuple[str, str]) -> dict[str, Any]:
    """One account's profile with its stored segment and suspicion (``None`` where not run)."""
    from socialens.store import user_queries
    from socialens.store.results import read_user_scores

    platform, user_id = account
    built = [p for p in build_profiles(store, user_id=user_id) if p["platform"] == platform]
    addressed = user_queries.addressed(store, platform, user_id)
    if built:
        profile = built[0]
        profile["known_from"] = "activity"
    else:
        # Known only because others mention, reply to or repost it: say what is known, not fail.
        profile = _empty_profile(platform, user_id, 0, 0, addressed["first"], addressed["last"], None)
        profile["account"] = {"created_at": None, "followers": None, "following": None}
        profile["known_from"] = "others"
        _add_influence(store, {(platform, user_id): profile})
    profile["addressed"] = addressed
    for task in ("segment", "suspicious"):
        scored = [r for r in read_user_scores(store, task, user_id=user_id) if r["platform"] == platform]
        profile[task] = scored[0] if scored else None
    return profile


def _empty_profile(
    platform: str, uid: str, posts: int, events: int, first: Any, last: Any, handle: str | None
) -> dict[str, Any]:
    return {
        "platform": platform,
        "user_id": uid,
        "handle": handle,
        "posts": int(posts),
        "events": int(events),
        "first_seen": first,
        "last_seen": last,
        "hours": [0] * 24,
        "weekdays": [0] * 7,
        "peak_hour": None,
        "peak_weekday": None,
        "languages": {},
        "interests": [],
        "interest_source": None,
        "sentiment": None,
        "influence": None,
    }


def _add_rhythm(profiles: dict[Key, dict[str, Any]], rows: list[tuple[Any, ...]]) -> None:
    for platform, uid, hour, isodow, n in rows:
        profile = profiles.get((platform, uid))
        if profile is not None:
            profile["hours"][int(hour)] += int(n)
            profile["weekdays"][int(isodow) - 1] += int(n)
    for profile in profiles.values():
        if sum(profile["hours"]):
            profile["peak_hour"] = max(range(24), key=lambda h: (profile["hours"][h], -h))
            profile["peak_weekday"] = WEEKDAYS[max(range(7), key=lambda d: (profile["weekdays"][d], -d))]


def _add_shares(profiles: dict[Key, dict[str, Any]], rows: list[tuple[Any, ...]], field: str) -> None:
    grouped: dict[Key, list[tuple[str, int]]] = defaultdict(list)
    for platform, uid, key, n in rows:
        grouped[(platform, uid)].append((str(key), int(n)))
    for key, items in grouped.items():
        if key in profiles:
            total = sum(n for _, n in items)
            profiles[key][field] = {k: round(n / total, 4) for k, n in items}


def _add_interests(store: Store, profiles: dict[Key, dict[str, Any]], user_id: str | None, limit: int) -> None:
    """Topics where scored, else hashtags, else top words: each account gets the richest it has."""
    from socialens.store import user_queries as q

    labels = _topic_labels(store)
    sources = (
        ("topic", q.topics(store, user_id, limit), lambda k: labels.get(k, f"topic {k}")),
        ("hashtag", q.hashtags(store, user_id, limit), lambda k: f"#{k}"),
        ("term", _top_terms(q.texts(store, user_id), limit), lambda k: k),
    )
    for source, rows, name in sources:
        grouped: dict[Key, list[tuple[str, int]]] = defaultdict(list)
        for platform, uid, key, n in rows:
            grouped[(platform, uid)].append((str(key), int(n)))
        for key, items in grouped.items():
            profile = profiles.get(key)
            if profile is None or profile["interests"]:
                continue
            total = sum(n for _, n in items)
            profile["interest_source"] = source
            profile["interests"] = [
                {"key": k, "label": name(k), "n": n, "share": round(n / total, 4)} for k, n in items[:limit]
            ]


def _topic_labels(store: Store) -> dict[str, str]:
    from socialens.store.results import read_results

    labels = {}
    for item, payload in read_results(store, "topics"):
        if isinstance(payload, dict) and payload.get("label"):
            labels[str(item)] = str(payload["label"])
    return labels


def _top_terms(rows: list[tuple[Any, ...]], limit: int) -> list[tuple[str, str, str, int]]:
    """(platform, author, term, n): the words each author uses most, function words left out."""
    from socialens.text.tokenize import tokenize

    counts: dict[Key, Counter[str]] = defaultdict(Counter)
    for platform, author, text, lang in rows:
        counts[(platform, author)].update(t for t in tokenize(text, lang) if _is_term(t))
    return [(p, a, term, n) for (p, a), c in counts.items() for term, n in c.most_common(limit)]


def _is_term(token: str) -> bool:
    if token in _STOPWORDS or token.startswith(("http", "www.", "@", "#")):
        return False
    cjk = any("\u3400" <= ch <= "\u9fff" for ch in token)
    return token.isalpha() and len(token) >= (2 if cjk else 3)


def _add_sentiment(profiles: dict[Key, dict[str, Any]], rows: list[tuple[Any, ...]]) -> None:
    grouped: dict[Key, list[tuple[str, int, float | None]]] = defaultdict(list)
    for platform, uid, label, n, mean in rows:
        grouped[(platform, uid)].append((str(label), int(n), mean))
    for key, items in grouped.items():
        if key not in profiles:
            continue
        total = sum(n for _, n, _ in items)
        scored = [(n, m) for _, n, m in items if m is not None]
        mean = sum(n * m for n, m in scored) / sum(n for n, _ in scored) if scored else None
        profiles[key]["sentiment"] = {
            "posts": total,
            "shares": {label: round(n / total, 4) for label, n, _ in items},
            "mean_score": None if mean is None else round(mean, 4),
        }


def _add_influence(store: Store, profiles: dict[Key, dict[str, Any]]) -> None:
    from socialens.store.results import read_user_scores

    for row in read_user_scores(store, "influence"):
        profile = profiles.get((row["platform"], row["user_id"]))
        if profile is not None:
            profile["influence"] = {"score": row["score"], "label": row["label"]}
