from __future__ import annotations

import pytest

from socialens.analyses.influence import metrics
from socialens.analyses.influence.ranking import InfluenceRanker
from socialens.analyses.influence.report import influencers_section
from socialens.errors import ConfigError
from socialens.graph.build import InteractionGraph
from socialens.store.results import read_user_scores
from tests.conftest import run_analysis
from tests.graph.network import write_network


def _graph(pairs: list[tuple[str, str, int]]) -> InteractionGraph:
    return InteractionGraph.from_edges([(("x", s), ("x", t), "reply", w) for s, t, w in pairs])


def _power_iteration(n: int, edges: list[tuple[int, int, float]], damping: float = 0.85) -> list[float]:
    """PageRank by the textbook iteration: dangling vertices spread their rank over all vertices."""
    out = [0.0] * n
    for s, _, w in edges:
        out[s] += w
    rank = [1.0 / n] * n
    for _ in range(500):
        dangling = sum(rank[v] for v in range(n) if out[v] == 0)
        new = [(1 - damping) / n + damping * dangling / n] * n
        for s, t, w in edges:
            new[t] += damping * rank[s] * w / out[s]
        rank = new
    return rank


def test_pagerank_matches_power_iteration_with_weights_and_a_dangling_vertex():
    # a -> b (2), a -> c (1), b -> c, c -> a, c -> d; d points nowhere (dangling).
    graph = _graph([("a", "b", 2), ("a", "c", 1), ("b", "c", 1), ("c", "a", 1), ("c", "d", 1)])
    expected = _power_iteration(4, [(0, 1, 2.0), (0, 2, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 1.0)])
    got = metrics.pagerank(graph, tol=1e-12)
    assert got == pytest.approx(expected, abs=1e-9) and sum(got) == pytest.approx(1.0)
    unweighted = _power_iteration(4, [(0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 1.0)])
    assert metrics.pagerank(graph, weighted=False, tol=1e-12) == pytest.approx(unweighted, abs=1e-9)


def test_pagerank_default_tolerance_bounds_the_l1_error_and_edge_order_does_not_matter():
    import random

    rng = random.Random(7)
    pairs = {(rng.randrange(60), rng.randrange(60)) for _ in range(400)}
    edges = [(s, t, float(rng.randint(1, 3))) for s, t in sorted(pairs) if s != t]
    graph = _graph([(f"u{s:02d}", f"u{t:02d}", int(w)) for s, t, w in edges])
    exact = _power_iteration(graph.n_nodes, [(int(s), int(t), w) for (s, t), w in _indexed(graph)], damping=0.85)
    rough = metrics.pagerank(graph)  # tol 1e-6: the L1 distance to the exact ranks is at most that
    assert sum(abs(a - b) for a, b in zip(rough, exact, strict=True)) <= 1e-6
    for tol in (1e-2, 1e-4, 1e-8):  # the change is measured only now and then: the bound must still hold
        ranks = metrics.pagerank(graph, tol=tol)
        assert sum(abs(a - b) for a, b in zip(ranks, exact, strict=True)) <= tol
    sources, targets = graph.edge_arrays()
    shuffled = InteractionGraph(
        graph.graph, graph.user_ids, graph.weights[::-1], graph.kinds, [], (sources[::-1].copy(), targets[::-1].copy())
    )
    assert metrics.pagerank(shuffled, tol=1e-12) == pytest.approx(exact, abs=1e-12)


def test_transition_columns_sum_to_damping_and_repeated_edges_add_up():
    import numpy as np
    from scipy import sparse

    # vertex 0 -> 1 twice (two parallel edges), 0 -> 2, 2 -> 0; vertex 1 dangling
    sources, targets = np.array([0, 2, 0, 0], dtype=np.int32), np.array([1, 0, 1, 2], dtype=np.int32)
    graph = InteractionGraph(_graph([("a", "b", 1)]).graph, [("x", str(i)) for i in range(3)], [1.0] * 4, (), [])
    graph.edge_index = (sources, targets)
    matrix, order = metrics._transition(graph, 0.5, weighted=False)
    assert order.tolist() == [1, 0, 2]  # by falling in-degree, ties by index
    dense = np.zeros((3, 3))
    dense[np.ix_(order, order)] = matrix.toarray()
    assert dense.tolist() == [[0, 0, 0.5], [2 / 6, 0, 0], [1 / 6, 0, 0]]
    assert matrix.format == "csr"
    public = sparse.coo_matrix(([1.0, 2.0], ([0, 1], [1, 1])), shape=(2, 2)).toarray()
    built = metrics._csr(2, np.array([0, 1]), np.array([1, 1]), np.array([1.0, 2.0]))
    assert built.toarray().tolist() == public.tolist()


def _indexed(graph: InteractionGraph) -> list[tuple[tuple[int, int], float]]:
    return list(zip(graph.graph.get_edgelist(), graph.weights, strict=True))


def test_pagerank_rejects_settings_it_cannot_honour():
    graph = _graph([("a", "b", 1)])
    with pytest.raises(ConfigError, match="damping"):
        metrics.pagerank(graph, damping=1.0)
    with pytest.raises(ConfigError, match="tolerance"):
        metrics.pagerank(graph, tol=0)


def test_pagerank_of_a_two_cycle_by_hand():
    # Symmetric: each vertex gets half, whatever the damping.
    assert metrics.pagerank(_graph([("a", "b", 1), ("b", "a", 1)]), damping=0.5) == pytest.approx([0.5, 0.5])


def test_in_degree_k_core_betweenness_by_hand():
    # Triangle a-b-c plus a pendant d hanging off c; d -> c twice.
    graph = _graph([("a", "b", 1), ("b", "c", 1), ("c", "a", 1), ("d", "c", 2)])
    degree, weight = metrics.in_degree(graph)
    assert degree == [1, 1, 2, 0] and weight == [1.0, 1.0, 3.0, 0.0]
    assert metrics.k_core(graph) == [2, 2, 2, 1]
    path = _graph([("a", "b", 1), ("b", "c", 1)])
    between, exact = metrics.betweenness(path)
    # Only a -> c passes through b: 1 path / ((n-1)(n-2) = 2).
    assert exact and between == pytest.approx([0.0, 0.5, 0.0])


def test_sampled_betweenness_is_unbiased_and_exact_when_every_source_is_drawn(monkeypatch):
    import random

    rng = random.Random(3)
    pairs = {(rng.randrange(120), rng.randrange(120)) for _ in range(600)}
    graph = _graph([(f"u{s:03d}", f"u{t:03d}", 1) for s, t in sorted(pairs) if s != t])
    exact, is_exact = metrics.betweenness(graph)
    assert is_exact
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_NODES", 10)  # sample on this small graph too
    one, is_exact = metrics.betweenness(graph, sources=40, seed=1)
    assert not is_exact and one == metrics.betweenness(graph, sources=40, seed=1)[0] != exact
    assert metrics.betweenness(graph, sources=graph.n_nodes)[0] == pytest.approx(exact)
    runs = [metrics.betweenness(graph, sources=40, seed=seed)[0] for seed in range(40)]
    mean = [sum(column) / len(runs) for column in zip(*runs, strict=True)]
    assert sum(mean) == pytest.approx(sum(exact), rel=0.03)  # unbiased: the average closes in
    top = sorted(range(graph.n_nodes), key=exact.__getitem__)[-10:]
    assert [mean[i] for i in top] == pytest.approx([exact[i] for i in top], rel=0.15)
    with pytest.raises(ConfigError):
        metrics.betweenness(graph, sources=0)


def test_empty_and_one_node_graphs():
    empty = InteractionGraph.from_edges([])
    assert metrics.pagerank(empty) == [] and metrics.k_core(empty) == [] and metrics.in_degree(empty) == ([], [])
    assert InfluenceRanker().fit(empty).rows() == []
    lone = InteractionGraph.from_edges([], nodes=[("x", "a")])
    assert (
        metrics.pagerank(lone) == [1.0] and metrics.k_core(lone) == [0] and metrics.betweenness(lone) == ([0.0], True)
    )
    (row,) = InfluenceRanker().fit(lone).rows()
    assert row["rank"] == 1 and row["score"] == 0.0


def test_ranking_combines_reach_engagement_and_centrality():
    graph = _graph([("b", "a", 1), ("c", "a", 1), ("d", "a", 1), ("a", "b", 1), ("e", "d", 1)])
    reach = {("x", "e"): {"followers": 10_000, "posts": 1, "likes": 900}}
    rows = InfluenceRanker().fit(graph, reach=reach).rows()
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["user_id"] == "a" and rows[0]["in_degree"] == 3
    by_user = {r["user_id"]: r for r in rows}
    assert by_user["e"]["reach_share"] == 0.8 and by_user["e"]["engagement_share"] == 0.8
    assert "10,000 followers" in by_user["e"]["reasons"][1] and "900 likes" in by_user["e"]["reasons"][2]
    centrality_only = InfluenceRanker(reach_weight=0, engagement_weight=0).fit(graph, reach=reach).rows()
    assert centrality_only[0]["score"] == pytest.approx(centrality_only[0]["centrality_share"])
    with pytest.raises(ConfigError):
        InfluenceRanker(reach_weight=-1).fit(graph)


def test_analyze_writes_scores_with_reasons_and_the_report_shows_them(store):
    assert influencers_section(store) is None
    write_network(store)
    result = run_analysis(store, "influence", {"kind": "all"})
    assert result["ranked"] == 6 and "ranked 6 accounts" in result["summary"]
    stored = read_user_scores(store, "influence")
    assert stored[0]["user_id"] == "a" and stored[0]["label"] == "1"
    assert (
        stored[0]["details"]["reasons"][0].startswith("PageRank")
        and "500 followers" in stored[0]["details"]["reasons"][1]
    )
    section = influencers_section(store)
    assert section is not None and "x:a" in section.html and "500 followers" in section.html


def test_analyze_rejects_bad_options(store):
    with pytest.raises(ConfigError, match="damping"):
        run_analysis(store, "influence", {"damping": "high"})
    with pytest.raises(ConfigError, match="since"):
        run_analysis(store, "influence", since="yesterday")
