from __future__ import annotations

import numpy as np

from socialens.analyses.segments.cluster import KMeansSegments, distinguishing, name_segment
from socialens.models.node2vec import Node2Vec
from socialens.store.results import read_results, read_user_scores
from tests.analyses.users_store import build_tiny_store
from tests.conftest import run_analysis


def test_kmeans_picks_two_blobs_largest_first():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(5, 0.1, (4, 2)), rng.normal(0, 0.1, (10, 2))])
    model = KMeansSegments(seed=0).fit(X)
    assert model.k_ == 2
    assert model.labels_.tolist() == [1] * 4 + [0] * 10


def test_segment_named_by_what_sets_it_apart():
    names = ["active 20-24h", "activity", "language zh", "graph 0"]
    X = np.array([[0.9, 1.0, 0.0, 9.0], [0.8, 1.2, 0.0, 9.0], [0.1, 4.0, 1.0, 0.0], [0.0, 4.2, 1.0, 0.0]])
    labels = np.array([0, 0, 1, 1])
    features = distinguishing(X, names, labels, 1)
    assert {f for f, _ in features} == {"active 20-24h", "activity", "language zh"}  # never the graph column
    assert set(name_segment(features).split(", ")) == {"very active", "writes zh"}
    assert set(name_segment(distinguishing(X, names, labels, 0)).split(", ")) == {"evening 20-24h", "occasional"}


def test_node2vec_places_cliques_apart():
    clique = [(a, b, 1.0) for a in range(4) for b in range(a + 1, 4)]
    edges = clique + [(a + 4, b + 4, 1.0) for a, b, _ in clique] + [(0, 4, 1.0)]
    E = Node2Vec(dim=8, seed=1, epochs=5).fit(edges).embeddings_
    E = E / np.linalg.norm(E, axis=1, keepdims=True)
    within = np.mean([E[a] @ E[b] for a, b, _ in clique[1:]])
    across = np.mean([E[a] @ E[b + 4] for a in range(1, 4) for b in range(1, 4)])
    assert within > across + 0.2
    biased = Node2Vec(dim=8, seed=1, p=0.5, q=2.0).fit(edges, n_nodes=10).embeddings_
    assert biased.shape == (10, 8) and not biased[9].any()  # an isolated node stays at zero


def test_analyze_writes_segments(store):
    build_tiny_store(store)
    result = run_analysis(store, "segments", {"k": "2"}, prerequisites=True)
    assert len(result["segments"]) == 2
    assert sum(s["size"] for s in result["segments"]) == 5
    assert all(s["name"] for s in result["segments"])
    stored = read_results(store, "segments")
    assert [item for item, _ in stored] == ["0", "1"] and stored[0][1]["size"] >= stored[1][1]["size"]
    users = read_user_scores(store, "segment")
    assert len(users) == 5 and all(0 < u["score"] <= 1 for u in users)
    assert {u["details"]["name"] for u in users} == {s["name"] for s in result["segments"]}


def test_analyze_is_deterministic(store):
    build_tiny_store(store)
    first = run_analysis(store, "segments", {"k": "2", "seed": "3"}, prerequisites=True)["segments"]
    assert run_analysis(store, "segments", {"k": "2", "seed": "3"}, prerequisites=True)["segments"] == first


def test_empty_store(store):
    result = run_analysis(store, "segments", prerequisites=True)
    assert result["segments"] == [] and result["users"] == 0
    assert read_results(store, "segments") == []


def test_report_sections(store):
    from socialens.analyses.segments.report import segments_section
    from socialens.analyses.suspicious.report import suspicious_section

    build_tiny_store(store)
    assert segments_section(store) is None and suspicious_section(store) is None  # not run yet
    run_analysis(store, "segments", {"k": "2", "embed": "no"}, prerequisites=True)
    run_analysis(store, "suspicious", {"model": "none"})
    segments, flagged = segments_section(store), suspicious_section(store)
    assert segments is not None and "What sets it apart" in segments.html
    assert flagged is not None and "x:bot" in flagged.html and "not on real bots" in flagged.html
    # five accounts: both sections say plainly that this is too few, and draw no segment chart
    assert "Only 5 accounts to compare: bot-likeness rankings need at least 20" in flagged.html
    assert "Only 5 accounts to compare: segments need at least 30" in segments.html
    assert '<p class="explain">No chart of segment sizes is drawn' in segments.html and "<svg" not in segments.html
