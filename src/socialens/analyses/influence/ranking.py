"""Rank accounts by influence: reach, engagement and centrality, each row with its reasons.

Each part is turned into the share of accounts it beats (so followers, counts and PageRank,
on very different scales, weigh alike) and the score is their weighted mean:

* reach: the larger of the followers the platform reported and the distinct accounts that
  addressed the account in the graph;
* engagement: likes, reposts, replies and quotes the account's posts received (platform
  counters) plus the interactions addressed to it in the graph;
* centrality: PageRank in the graph.

k-core and betweenness do not enter the score; they are reported as reasons (a broker
between groups, a member of the dense core).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from socialens.analyses.influence import metrics
from socialens.errors import ConfigError
from socialens.graph.base import GraphAnalysis
from socialens.graph.build import InteractionGraph, UserKey
from socialens.registry import register

_ENGAGEMENT = ("likes", "reposts", "replies", "quotes")
_PARTS = ("reach", "engagement", "centrality")
_REPORTED = (
    "pagerank",
    "pagerank_rank",
    "in_degree",
    "in_weight",
    "k_core",
    "betweenness",
    "betweenness_rank",
    "followers",
    "engagement_received",
)


@register("influence.influence_ranker.v1")
class InfluenceRanker(GraphAnalysis):
    """Influencer ranking over an :class:`InteractionGraph`.

    >>> from socialens.graph.build import InteractionGraph
    >>> edges = [(("x", "a"), ("x", "hub"), "reply", 2), (("x", "b"), ("x", "hub"), "mention", 1)]
    >>> ranker = InfluenceRanker().fit(InteractionGraph.from_edges(edges))
    >>> ranker.rows()[0]["user_id"], ranker.rows()[0]["rank"]
    ('hub', 1)
    """

    def __init__(
        self,
        damping: float = 0.85,
        reach_weight: float = 1.0,
        engagement_weight: float = 1.0,
        centrality_weight: float = 1.0,
        betweenness_cutoff: int = 0,
        betweenness_sources: int = metrics.SAMPLED_SOURCES,
    ) -> None:
        self.damping = damping
        self.reach_weight = reach_weight
        self.engagement_weight = engagement_weight
        self.centrality_weight = centrality_weight
        self.betweenness_cutoff = betweenness_cutoff
        self.betweenness_sources = betweenness_sources

    def fit(
        self, graph: InteractionGraph, reach: Mapping[UserKey, Mapping[str, int]] | None = None, **context: Any
    ) -> Self:
        """Score every account of ``graph``; ``reach`` adds followers and post engagement per account."""
        weights = (self.reach_weight, self.engagement_weight, self.centrality_weight)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ConfigError(f"influence weights {weights} must be >= 0 and not all 0")
        counters = [(reach or {}).get(key, {}) for key in graph.user_ids]
        columns = self._columns(graph, counters)
        shares = {name: metrics.share_below(columns[name]) for name in _PARTS}
        scores = [
            sum(w * shares[name][i] for w, name in zip(weights, _PARTS, strict=True)) / sum(weights)
            for i in range(graph.n_nodes)
        ]
        order = sorted(range(graph.n_nodes), key=lambda i: (-scores[i], -columns["pagerank"][i], graph.user_ids[i]))
        max_core = max(columns["k_core"], default=0)
        self.rows_ = []
        for position, i in enumerate(order, start=1):
            values: dict[str, Any] = {name: columns[name][i] for name in _REPORTED}
            values.update({f"{name}_share": round(shares[name][i], 4) for name in _PARTS})
            values["reasons"] = _reasons(values, counters[i], graph.n_nodes, max_core, self.betweenness_exact_)
            platform, user = graph.user_ids[i]
            self.rows_.append({"platform": platform, "user_id": user, "rank": position, "score": scores[i], **values})
        return self

    def _columns(self, graph: InteractionGraph, counters: list[Mapping[str, int]]) -> dict[str, list[Any]]:
        """Every metric as a column over the vertices, and the three parts of the score."""
        pagerank = metrics.pagerank(graph, self.damping)
        degree, in_weight = metrics.in_degree(graph)
        between, self.betweenness_exact_ = metrics.betweenness(graph, self.betweenness_cutoff, self.betweenness_sources)
        followers = [int(c.get("followers", 0)) for c in counters]
        received = [sum(int(c.get(k, 0)) for k in _ENGAGEMENT) for c in counters]
        return {
            "pagerank": pagerank,
            "pagerank_rank": _ranks(pagerank),
            "in_degree": degree,
            "in_weight": in_weight,
            "k_core": metrics.k_core(graph),
            "betweenness": between,
            "betweenness_rank": _ranks(between),
            "followers": followers,
            "engagement_received": received,
            "reach": [float(max(f, d)) for f, d in zip(followers, degree, strict=True)],
            "engagement": [r + w for r, w in zip(received, in_weight, strict=True)],
            "centrality": pagerank,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per account, most influential first."""
        return self.rows_


def _ranks(values: list[float]) -> list[int]:
    """1 for the highest value; equal values share the better rank."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for position, i in enumerate(order):
        tied = position and values[i] == values[order[position - 1]]
        ranks[i] = ranks[order[position - 1]] if tied else position + 1
    return ranks


def _reasons(values: Mapping[str, Any], counters: Mapping[str, int], n: int, max_core: int, exact: bool) -> list[str]:
    """Why an account ranks where it does, one short sentence per signal."""
    reasons = [f"PageRank {values['pagerank']:.4g}, #{values['pagerank_rank']:,} of {n:,} accounts"]
    reach = f"addressed by {_count(values['in_degree'], 'account')}"
    if values["followers"]:
        reach += f", {values['followers']:,} followers"
    reasons.append(reach)
    engagement = f"{values['in_weight']:,.0f} interactions received in the graph"
    if values["engagement_received"]:
        split = ", ".join(f"{counters[k]:,} {k}" for k in _ENGAGEMENT if counters.get(k))
        engagement += f"; {values['engagement_received']:,} on its {counters.get('posts', 0):,} posts ({split})"
    reasons.append(engagement)
    if max_core >= 2 and values["k_core"] == max_core:
        reasons.append(f"in the innermost core of the network (k-core {max_core})")
    if values["betweenness"] > 0 and values["betweenness_rank"] <= max(1, n // 100):
        how = "" if exact else " (estimated)"
        reasons.append(f"bridges groups: betweenness #{values['betweenness_rank']:,}{how}")
    return reasons


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
