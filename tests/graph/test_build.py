from __future__ import annotations

from datetime import UTC, datetime

import networkx as nx
import pytest

from socialens.errors import ConfigError
from socialens.graph.build import GRAPH_KINDS, InteractionGraph, build_graph, graph_stats, parse_kinds
from socialens.graph.export import export_graph
from tests.conftest import FIXTURES, run_ingest
from tests.graph.network import DEFAULT_EDGES, FEB, edge_map, write_network


def test_graph_from_the_store_has_the_expected_edges(store):
    write_network(store)
    graph = build_graph(store)
    assert edge_map(graph) == DEFAULT_EDGES  # the self-reply of a is left out
    assert graph.weights == [1.0] * 5 and graph.graph.is_directed()
    assert graph.user_ids == [("x", u) for u in "abcdef"]
    assert graph.graph.vs["name"][0] == "x:a"


def test_follow_and_kind_selection(store):
    write_network(store)
    everything = edge_map(build_graph(store, kinds="all"))
    assert everything[(("x", "f"), ("x", "e"))] == {"follow": 1} and len(everything) == 6
    mentions = edge_map(build_graph(store, kinds=["mention"]))
    assert set(mentions) == {(("x", "b"), ("x", "c")), (("x", "e"), ("x", "f"))}


def test_time_window(store):
    write_network(store)
    february = build_graph(store, kinds="all", since=FEB)
    assert set(edge_map(february)) == {(("x", "d"), ("x", "a")), (("x", "e"), ("x", "f")), (("x", "f"), ("x", "e"))}
    january = build_graph(store, until=FEB)
    assert set(edge_map(january)) == {(("x", "b"), ("x", "a")), (("x", "b"), ("x", "c")), (("x", "c"), ("x", "a"))}
    with pytest.raises(ConfigError):
        build_graph(store, since=FEB, until=datetime(2024, 1, 1, tzinfo=UTC))


def test_repeated_interactions_add_weight():
    a, b = ("x", "a"), ("x", "b")
    graph = InteractionGraph.from_edges([(a, b, "reply", 2), (a, b, "mention", 1), (b, a, "reply", 1)])
    assert graph.weights == [3.0, 1.0] and graph.kind_counts == [{"mention": 1, "reply": 2}, {"reply": 1}]
    stats = graph_stats(graph)
    assert stats["reciprocity"] == 1.0 and stats["interactions_by_kind"] == {"mention": 1, "reply": 3}
    assert stats["top_in_degree"][0] == {"platform": "x", "user_id": "b", "interactions": 3}


def test_empty_store_gives_an_empty_graph(store):
    graph = build_graph(store, kinds="all")
    assert graph.n_nodes == 0 and graph.n_edges == 0
    stats = graph_stats(graph)
    assert stats["nodes"] == 0 and stats["density"] == 0.0 and stats["top_in_degree"] == []


def test_one_node_graph():
    graph = InteractionGraph.from_edges([], nodes=[("x", "a")])
    stats = graph_stats(graph)
    assert (stats["nodes"], stats["edges"], stats["weak_components"]) == (1, 0, 1)


def test_parse_kinds():
    assert parse_kinds(None) == ("reply", "mention", "repost", "quote")
    assert parse_kinds(["reply, follow"]) == ("reply", "follow")
    assert parse_kinds("all") == GRAPH_KINDS
    with pytest.raises(ConfigError, match="like"):
        parse_kinds("reply,like")


def test_real_ingest_gives_a_graph(store):
    run_ingest(store, FIXTURES / "ingest" / "mastodon" / "valid.json", FIXTURES / "ingest" / "reddit" / "valid.ndjson")
    graph = build_graph(store, kinds="all")
    assert graph.n_edges > 0
    assert {p for p, _ in graph.user_ids} == {"mastodon", "reddit"}
    assert all(s != t for s, t in graph.graph.get_edgelist())


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_export_reads_back_in_networkx(store, tmp_path, suffix):
    write_network(store)
    graph = build_graph(store, kinds="all")
    score = [0.5, None, 0.25, 0.0, 1.0, 0.75]
    path = export_graph(graph, tmp_path / f"out{suffix}", {"influence": score, "community": [0, 0, 0, 0, 1, 1]})
    back = nx.read_gexf(path) if suffix == ".gexf" else nx.read_graphml(path)
    assert back.is_directed() and back.number_of_nodes() == 6 and back.number_of_edges() == 6
    by_user = {data["user_id"]: node for node, data in back.nodes(data=True)}
    assert back.nodes[by_user["e"]]["community"] == 1 and back.nodes[by_user["a"]]["influence"] == 0.5
    reply = back.edges[by_user["b"], by_user["a"]]
    assert reply["weight"] == 1.0 and reply["reply"] == 1
    assert not list(tmp_path.glob("*.partial"))


def test_export_refuses_unknown_suffix(tmp_path):
    with pytest.raises(ConfigError, match="gexf"):
        export_graph(InteractionGraph.from_edges([]), tmp_path / "out.csv")


def test_time_window_bounds_in_another_zone(store):
    from datetime import timedelta, timezone

    write_network(store)
    # 2024-02-01 00:00 UTC written as 09:00 in UTC+9: the same instant, the same window.
    tokyo = FEB.astimezone(timezone(timedelta(hours=9)))
    assert edge_map(build_graph(store, since=tokyo)) == edge_map(build_graph(store, since=FEB))
    store.con.execute("SET TimeZone = 'Asia/Tokyo'")
    assert len(edge_map(build_graph(store, since=FEB))) == 2
