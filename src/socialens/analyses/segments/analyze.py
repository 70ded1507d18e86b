"""``socialens analyze segments``: cluster accounts, name each segment, write them back.

Writes ``user_scores`` task 'segment' (label = segment id, score = closeness to the segment's
centre in (0, 1], details = the segment's name) and ``analysis_results`` task 'segments' (one
item per segment: name, size, distinguishing features, busiest members, common interests).
Options: ``k`` (default: chosen by silhouette), ``embed`` (yes/no: add node2vec embeddings of
the interaction graph; default yes when there is one), ``dim`` (embedding size, 16),
``embedding_weight`` (how much the embeddings count against the profile features, 0.5), ``seed``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "segment"
RESULTS = "segments"
OPTIONS = ("k", "embed", "dim", "seed", "max_k", "embedding_weight")


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    import numpy as np

    from socialens.analyses.profiles.build import build_profiles
    from socialens.analyses.segments.cluster import EMBEDDING_PREFIX, KMeansSegments, profile_matrix
    from socialens.errors import ConfigError
    from socialens.store.results import write_results, write_user_scores

    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ConfigError(f"analyze segments: unknown option(s) {unknown}; known: {', '.join(OPTIONS)}")
    bar = progress or NoProgress()
    bar.start("building user profiles", None)
    profiles = [p for p in build_profiles(store) if p["events"] > 0]
    names, X = profile_matrix(profiles)
    weights = np.ones(X.shape[1])
    seed = int(options.get("seed", 0))
    if options.get("embed", "yes") != "no" and profiles:
        bar.start("learning graph embeddings (node2vec)", None)
        E = graph_embeddings(store, profiles, dim=int(options.get("dim", 16)), seed=seed)
        if E is not None:
            names += [f"{EMBEDDING_PREFIX}{j}" for j in range(E.shape[1])]
            X = np.hstack([X, E])
            # However many dimensions it has, the embedding block counts for `embedding_weight`
            # times the profile block in the k-means distances (each standardised column has variance 1).
            share = float(options.get("embedding_weight", 0.5)) * len(weights) / E.shape[1]
            weights = np.concatenate([weights, np.full(E.shape[1], np.sqrt(share))])
    bar.start("clustering accounts", None)
    k = int(options["k"]) if "k" in options else None
    model = KMeansSegments(k=k, max_k=int(options.get("max_k", 8)), seed=seed).fit(X, weights)
    segments = summarise(profiles, X, names, model.labels_)
    rows = user_rows(profiles, model, segments)
    write_user_scores(store, TASK, rows, model=KMeansSegments.registry_name)
    write_results(store, RESULTS, [(str(s["segment"]), s) for s in segments])
    listing = "; ".join(f"{s['segment']}: {s['name']} ({s['size']})" for s in segments)
    return {
        "task": TASK,
        "users": len(rows),
        "segments": segments,
        "summary": f"{len(segments)} segments of {len(rows):,} accounts: {listing}" if rows else "no active accounts",
    }


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
