from __future__ import annotations

import pyarrow as pa
import pytest

from socialens.analyses.communities.detect import Leiden, Louvain, relabel_by_size
from socialens.analyses.communities.report import communities_section
from socialens.errors import ConfigError
from socialens.graph.build import InteractionGraph
from socialens.store.results import read_results, read_user_scores
from socialens.store.scores import write_scores
from tests.conftest import run_analysis
from tests.graph.network import write_network

# Two triangles joined by one edge: the textbook two-community graph.
PAIRS = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")]


def _two_triangles() -> InteractionGraph:
    return InteractionGraph.from_edges([(("x", s), ("x", t), "reply", 1) for s, t in PAIRS])


def _modularity_by_hand(pairs: list[tuple[str, str]], community: dict[str, int]) -> float:
    """Newman's Q = sum over communities of (internal edges / m - (degree sum / 2m)^2)."""
    m = len(pairs)
    degree: dict[str, int] = {}
    for s, t in pairs:
        degree[s] = degree.get(s, 0) + 1
        degree[t] = degree.get(t, 0) + 1
    q = 0.0
    for c in set(community.values()):
        inside = sum(1 for s, t in pairs if community[s] == community[t] == c)
        total = sum(d for v, d in degree.items() if community[v] == c)
        q += inside / m - (total / (2 * m)) ** 2
    return q


@pytest.mark.parametrize("detector", [Leiden(), Louvain()], ids=["leiden", "louvain"])
def test_two_triangles_split_in_two(detector):
    fitted = detector.fit(_two_triangles())
    assert fitted.membership_ == [0, 0, 0, 1, 1, 1] and fitted.n_communities_ == 2
    expected = _modularity_by_hand(PAIRS, {v: 0 if v in "abc" else 1 for v in "abcdef"})
    assert fitted.modularity_ == pytest.approx(expected) and expected == pytest.approx(5 / 14)
    assert fitted.rows()[3] == {"platform": "x", "user_id": "d", "community": 1}


def test_same_seed_same_communities_and_resolution_matters():
    graph = _two_triangles()
    assert Leiden(seed=3).fit(graph).membership_ == Leiden(seed=3).fit(graph).membership_
    assert Leiden(resolution=5.0).fit(graph).n_communities_ > 2


def test_empty_one_node_and_edgeless_graphs():
    assert Leiden().fit(InteractionGraph.from_edges([])).rows() == []
    lone = Louvain().fit(InteractionGraph.from_edges([], nodes=[("x", "a"), ("x", "b")]))
    assert lone.membership_ == [0, 1] and lone.modularity_ == 0.0


def test_relabel_by_size():
    assert relabel_by_size([9, 4, 4, 9, 4, 1]) == [1, 0, 0, 1, 0, 2]


def _score(store, task: str, labels: dict[str, str]) -> None:
    write_scores(
        store,
        pa.table(
            {
                "platform": ["x"] * len(labels),
                "post_id": list(labels),
                "task": [task] * len(labels),
                "label": list(labels.values()),
                "score": [None] * len(labels),
                "probabilities": [None] * len(labels),
                "model": ["test"] * len(labels),
            },
            schema=pa.schema(
                [
                    ("platform", pa.string()),
                    ("post_id", pa.string()),
                    ("task", pa.string()),
                    ("label", pa.string()),
                    ("score", pa.float64()),
                    ("probabilities", pa.string()),
                    ("model", pa.string()),
                ]
            ),
        ),
    )


def test_analyze_writes_labels_and_summaries_and_the_report_draws_them(store):
    assert communities_section(store) is None
    write_network(store)
    _score(store, "topic", {"p1": "3", "p2": "3", "p3": "7"})
    _score(store, "sentiment", {"p1": "positive", "p2": "positive", "p3": "negative", "p4": "neutral"})
    result = run_analysis(store, "communities", {"method": "louvain", "kind": "all"})
    assert result["communities"] == 2 and result["accounts"] == 6 and "louvain" in result["summary"]
    labels = {r["user_id"]: r["label"] for r in read_user_scores(store, "community")}
    assert labels == {"a": "0", "b": "0", "c": "0", "d": "0", "e": "1", "f": "1"}
    (_, first), (_, second) = read_results(store, "communities")
    assert first["size"] == 4 and first["posts"] == 5 and first["hashtags"] == [["cats", 2]]
    assert first["topics"] == [["3", 2], ["7", 1]]
    assert first["sentiment"] == {"positive": 0.5, "negative": 0.25, "neutral": 0.25}
    assert first["top_members"][0]["user_id"] == "a" and first["top_members"][0]["handle"] == "ha"
    assert second["size"] == 2 and second["topics"] == [] and second["sentiment"] == {}
    assert first["links"] == [] and first["internal_weight"] == 4.0
    section = communities_section(store)
    assert section is not None and "<svg" in section.html and "#cats" in section.html


def test_unknown_method_is_a_config_error(store):
    with pytest.raises(ConfigError, match="louvain"):
        run_analysis(store, "communities", {"method": "spectral"})
