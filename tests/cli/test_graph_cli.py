"""``socialens graph``, ``influencers`` and ``communities`` run as real subprocesses on a small store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from socialens.store import Store
from socialens.store.results import read_results, read_user_scores
from tests.cli.test_cli import run_cli
from tests.graph.network import write_network


@pytest.fixture
def network_store(tmp_path: Path) -> Path:
    path = tmp_path / "net.duckdb"
    with Store(path) as store:
        write_network(store)
    return path


def test_graph_stats_and_export(tmp_path, network_store):
    done = run_cli(tmp_path, "graph", "-s", network_store, "--kind", "all", "--export", "net.gexf", "--json")
    assert done.code == 0, done.stderr
    stats = done.json()
    assert (stats["nodes"], stats["edges"], stats["interactions_by_kind"]["follow"]) == (6, 6, 1)
    assert stats["top_in_degree"][0] == {"platform": "x", "user_id": "a", "interactions": 3}
    assert nx.read_gexf(tmp_path / "net.gexf").number_of_edges() == 6


def test_influencers_and_communities_are_saved_and_listed(tmp_path, network_store):
    done = run_cli(tmp_path, "influencers", "-s", network_store, "-k", "2", "--json")
    assert done.code == 0, done.stderr
    result = done.json()
    assert result["ranked"] == 6 and [r["user_id"] for r in result["influencers"]][:1] == ["a"]
    assert len(result["influencers"]) == 2 and result["influencers"][0]["reasons"]
    done = run_cli(tmp_path, "communities", "-s", network_store, "--method", "louvain", "--kind", "all")
    assert done.code == 0 and "community 0: 4 accounts, 5 posts, #cats" in done.stderr, done.stderr
    with Store(network_store, read_only=True) as store:
        assert len(read_user_scores(store, "influence")) == 6 and len(read_results(store, "communities")) == 2


def test_bad_kind_is_one_error_line(tmp_path, network_store):
    done = run_cli(tmp_path, "influencers", "-s", network_store, "--kind", "likes")
    assert done.code == 2 and len(done.error_lines) == 1 and "likes" in done.error_lines[0]


def test_influencers_and_communities_on_a_star_say_so(tmp_path):
    from tests.analyses.test_adequacy import _star

    path = tmp_path / "star.duckdb"
    with Store(path) as store:
        _star(store)
    text = run_cli(tmp_path, "influencers", "-s", path, "--kind", "all")
    assert text.code == 0, text.stderr
    said = " ".join(text.stderr.split())
    assert "note: the interaction graph is a star: 100% of its 30 ties touch one account" in said
    data = run_cli(tmp_path, "influencers", "-s", path, "--kind", "all", "--json").json()
    assert len(data["caveats"]) == 1 and "star" in data["caveats"][0]
    assert data["view"]["caveats"] == data["caveats"]  # the report's and the API's view of the same ranking
    assert [r["user_id"] for r in data["view"]["rows"]][:3] == [r["user_id"] for r in data["influencers"]][:3]
    for save in ("--save", "--no-save"):
        found = run_cli(tmp_path, "communities", "-s", path, save, "--json")
        assert found.code == 0, found.stderr
        assert "star" in found.json()["caveats"][0]
        view = found.json().get("view")
        assert view["star"] is True if save == "--save" else view is None  # nothing stored: no view
    report = run_cli(tmp_path, "report", "-s", path, "-o", tmp_path / "star.html", "--json")
    assert report.code == 0, report.stderr
    caveats, views = report.json()["caveats"], report.json()["views"]
    assert "star" in caveats["influencers"][0] and "star" in caveats["communities"][0]
    assert views["influencers"]["caveats"] == caveats["influencers"] and views["summary"]["counts"]["posts"] > 0
    assert "Read with care" in (tmp_path / "star.html").read_text(encoding="utf-8")


def test_the_python_api_reaches_the_same_views_as_the_commands(tmp_path, network_store):
    import orjson

    import socialens as sl

    def as_json(view):  # what --json prints
        return orjson.loads(orjson.dumps(view, default=str))

    cli = {
        "graph": run_cli(tmp_path, "graph", "-s", network_store, "--kind", "all", "--json").json(),
        "influencers": run_cli(tmp_path, "influencers", "-s", network_store, "--no-save", "-k", "3", "--json").json(),
        "communities": run_cli(
            tmp_path, "communities", "-s", network_store, "--no-save", "--method", "louvain", "--json"
        ).json(),
    }
    with sl.Store(network_store) as api:
        assert as_json(api.graph(kind="all")) == cli["graph"]
        assert as_json(api.influencers(top=3, save=False)) == cli["influencers"]
        assert as_json(api.communities(save=False, method="louvain")) == cli["communities"]
        assert api.db.count("user_scores") == 0  # --no-save wrote nothing, either way
