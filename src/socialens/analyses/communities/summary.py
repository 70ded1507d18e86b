"""What each community is: its size, top members, ties, hashtags, topics and sentiment.

Topics and sentiment come from ``post_scores`` (tasks ``topic`` and ``sentiment``) when those
analyses have run; a summary leaves them empty otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from socialens.graph.build import InteractionGraph, undirected

if TYPE_CHECKING:
    from socialens.store import Store


def _ties(graph: InteractionGraph, membership: list[int]) -> tuple[dict[int, float], dict[int, dict[int, float]]]:
    """Weight inside each community, and weight between each pair of communities."""
    inside: dict[int, float] = defaultdict(float)
    between: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    if graph.n_edges == 0:
        return inside, between
    g = undirected(graph)
    for (s, t), w in zip(g.get_edgelist(), g.es["weight"], strict=True):
        a, b = membership[s], membership[t]
        if a == b:
            inside[a] += w
        else:
            between[a][b] += w
            between[b][a] += w
    return inside, between


def summarize(
    store: Store,
    graph: InteractionGraph,
    membership: list[int],
    pagerank: list[float],
    top_members: int = 10,
    min_size: int = 2,
) -> list[dict[str, Any]]:
    """One summary per community of at least ``min_size`` accounts, largest first."""
    from socialens.store.graph_queries import (
        community_hashtags,
        community_labels,
        community_post_counts,
        members_table,
        user_handles,
    )

    groups: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(membership):
        groups[c].append(i)
    kept = sorted((c for c, members in groups.items() if len(members) >= min_size), key=lambda c: (-len(groups[c]), c))
    if not kept:
        return []
    members = members_table([(*graph.user_ids[i], c) for c in kept for i in groups[c]])
    hashtags = community_hashtags(store, members)
    topics = community_labels(store, members, "topic")
    sentiment = community_labels(store, members, "sentiment")
    posts = community_post_counts(store, members)
    inside, between = _ties(graph, membership)
    leaders = {c: sorted(groups[c], key=lambda i: (-pagerank[i], graph.user_ids[i]))[:top_members] for c in kept}
    handles = user_handles(store, [graph.user_ids[i] for c in kept for i in leaders[c]])
    summaries = []
    for c in kept:
        links = sorted(between.get(c, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        mood = sentiment.get(c, [])
        scored = sum(n for _, n in mood)
        summaries.append(
            {
                "community": c,
                "size": len(groups[c]),
                "posts": posts.get(c, 0),
                "internal_weight": inside.get(c, 0.0),
                "external_weight": sum(between.get(c, {}).values()),
                "links": [{"community": other, "weight": w} for other, w in links],
                "top_members": [
                    {
                        "platform": graph.user_ids[i][0],
                        "user_id": graph.user_ids[i][1],
                        "handle": handles.get(graph.user_ids[i]),
                        "pagerank": round(pagerank[i], 6),
                    }
                    for i in leaders[c]
                ],
                "hashtags": hashtags.get(c, []),
                "topics": topics.get(c, []),
                "sentiment": {label: round(n / scored, 3) for label, n in mood} if scored else {},
            }
        )
    return summaries


def describe(summary: dict[str, Any]) -> str:
    """One line for a community: size, leading hashtags, dominant sentiment.

    >>> describe({"community": 0, "size": 12, "posts": 40, "hashtags": [["ai", 9]], "sentiment": {"positive": 0.6}})
    'community 0: 12 accounts, 40 posts, #ai, mostly positive (60%)'
    """
    parts = [f"community {summary['community']}: {summary['size']:,} accounts, {summary.get('posts', 0):,} posts"]
    tags = [f"#{tag}" for tag, _ in summary.get("hashtags", [])[:3]]
    if tags:
        parts.append(" ".join(tags))
    if summary.get("sentiment"):
        label, share = max(summary["sentiment"].items(), key=lambda kv: kv[1])
        parts.append(f"mostly {label} ({share:.0%})")
    return ", ".join(parts)
