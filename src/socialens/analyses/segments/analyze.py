"""``socialens analyze segments``: cluster accounts, name each segment, write them back.

Writes ``user_scores`` task 'segment' (label = segment id, score = closeness to the segment's
centre in (0, 1], details = the segment's name) and ``analysis_results`` task 'segments' (one
item per segment: name, size, distinguishing features, busiest members, common interests).
It clusters the stored profiles (``socialens analyze profiles`` first, or ``socialens run
segments`` runs both). Settings: ``k`` (default: chosen by silhouette), ``embed`` (yes/no: add
node2vec embeddings of the interaction graph; default yes when there is one), ``dim`` (embedding
size, 16), ``embedding_weight`` (how much the embeddings count against the profile features,
0.5), ``seed``, ``max_k``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.pipeline.task import Task, TaskResult
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "segment"
RESULTS = "segments"


@dataclass(frozen=True, slots=True)
class SegmentsSettings:
    k: int | None = None  # segments; None: chosen by silhouette up to max_k
    embed: bool = True  # add node2vec embeddings of the interaction graph (when there is one)
    dim: int = 16
    seed: int = 0
    max_k: int = 8
    embedding_weight: float = 0.5

    def __post_init__(self) -> None:
        from socialens.errors import ConfigError

        if self.k is not None and self.k < 1:
            raise ConfigError(f"segments setting k={self.k}: must be at least 1")
        if self.dim < 1 or self.max_k < 2:
            raise ConfigError("segments settings dim must be at least 1 and max_k at least 2")


class SegmentsTask(Task):
    name = RESULTS
    kind = "account"
    Settings = SegmentsSettings
    requires = ("user_scores.profile", "interactions")
    assigns = ("user_scores.segment", "results.segments")

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_accounts
        from socialens.store.results import read_user_details, write_results

        ctx.progress.start("reading user profiles", None)
        profiles = [p for p in read_user_details(ctx.store, "profile") if p and p["events"] > 0]
        segments, rows = segment_accounts(ctx, profiles, self.settings)
        written = score_accounts(ctx, TASK, rows, model="segments.kmeans_segments.v1")
        write_results(ctx.store, RESULTS, [(str(s["segment"]), s) for s in segments])
        from socialens.analyses.adequacy import MIN_ACCOUNTS_SEGMENTS, too_few_accounts, with_caveats

        listing = "; ".join(f"{s['segment']}: {s['name']} ({s['size']})" for s in segments)
        caveats = too_few_accounts(len(rows), MIN_ACCOUNTS_SEGMENTS, "segments")
        summary = f"{len(segments)} segments of {len(rows):,} accounts: {listing}" if rows else "no active accounts"
        data = {
            "task": TASK,
            "users": len(rows),
            "segments": segments,
            "caveats": caveats,
            "summary": with_caveats(summary, caveats),
        }
        return self.result(data, rows=written)


def segment_accounts(
    ctx: Context, profiles: list[dict[str, Any]], settings: SegmentsSettings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(segment summaries, user_scores rows) of the profiled accounts."""
    import numpy as np

    from socialens.analyses.segments.cluster import EMBEDDING_PREFIX, KMeansSegments, profile_matrix

    names, X = profile_matrix(profiles)
    weights = np.ones(X.shape[1])
    if settings.embed and profiles:
        ctx.progress.start("learning graph embeddings (node2vec)", None)
        E = graph_embeddings(ctx.store, profiles, dim=settings.dim, seed=settings.seed)
        if E is not None:
            names += [f"{EMBEDDING_PREFIX}{j}" for j in range(E.shape[1])]
            X = np.hstack([X, E])
            # However many dimensions it has, the embedding block counts for `embedding_weight`
            # times the profile block in the k-means distances (each standardised column has variance 1).
            share = settings.embedding_weight * len(weights) / E.shape[1]
            weights = np.concatenate([weights, np.full(E.shape[1], np.sqrt(share))])
    ctx.progress.start("clustering accounts", None)
    model = KMeansSegments(k=settings.k, max_k=settings.max_k, seed=settings.seed).fit(X, weights)
    segments = summarise(profiles, X, names, model.labels_)
    return segments, user_rows(profiles, model, segments)


def graph_embeddings(store: Store, profiles: list[dict[str, Any]], dim: int, seed: int) -> Any:
    """node2vec vectors of the profiled accounts (zeros for accounts without edges), or None
    when the store holds no interactions between them."""
    from socialens.models.node2vec import Node2Vec
    from socialens.store.user_queries import user_edges

    index = {(p["platform"], p["user_id"]): i for i, p in enumerate(profiles)}
    edges = [
        (index[(pl, s)], index[(pl, d)], float(n))
        for pl, s, d, n in user_edges(store)
        if (pl, s) in index and (pl, d) in index
    ]
    if not edges:
        return None
    return Node2Vec(dim=dim, seed=seed).fit(edges, n_nodes=len(profiles)).embeddings_


def summarise(profiles: list[dict[str, Any]], X: Any, names: list[str], labels: Any) -> list[dict[str, Any]]:
    """One summary per segment. A segment no profile feature sets apart, found through the graph
    embeddings, is a 'connected group': what its accounts share is whom they interact with."""
    from socialens.analyses.segments.cluster import EMBEDDING_PREFIX, distinguishing, name_segment, unique_names

    graph = any(n.startswith(EMBEDDING_PREFIX) for n in names)
    segments = []
    for s in sorted(set(labels.tolist())):
        members = [p for p, label in zip(profiles, labels.tolist(), strict=True) if label == s]
        features = distinguishing(X, names, labels, s)
        interests: Counter[str] = Counter()
        for p in members:
            interests.update(i["label"] for i in p["interests"][:3])
        busiest = sorted(members, key=lambda p: (-p["events"], p["platform"], p["user_id"]))[:5]
        segments.append(
            {
                "segment": s,
                "name": name_segment(features, "connected group" if graph else "typical accounts"),
                "size": len(members),
                "share": round(len(members) / len(profiles), 4),
                "features": [{"feature": f, "effect": e} for f, e in features],
                "top_members": [
                    {"platform": p["platform"], "user_id": p["user_id"], "handle": p["handle"], "events": p["events"]}
                    for p in busiest
                ],
                "interests": [k for k, _ in interests.most_common(5)],
                "hours": [sum(p["hours"][h] for p in members) for h in range(24)],
            }
        )
    for segment, name in zip(segments, unique_names([s["name"] for s in segments]), strict=True):
        segment["name"] = name
    return segments


def user_rows(profiles: list[dict[str, Any]], model: Any, segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    named = {s["segment"]: s["name"] for s in segments}
    return [
        {
            "platform": p["platform"],
            "user_id": p["user_id"],
            "label": str(int(model.labels_[i])),
            "score": round(1.0 / (1.0 + float(model.distances_[i])), 6),
            "details": {"segment": int(model.labels_[i]), "name": named[int(model.labels_[i])]},
        }
        for i, p in enumerate(profiles)
    ]
