"""Caveats on thin data: a star graph, too few accounts, too few posts in a period."""

from __future__ import annotations

from datetime import datetime

from socialens.analyses.adequacy import MIN_ACCOUNTS_GRAPH, graph_caveats, too_few_accounts, with_caveats
from socialens.analyses.communities.report import communities_section
from socialens.analyses.influence.report import influencers_section
from socialens.schema import Interaction, Post
from socialens.store.user_queries import graph_shape
from tests.conftest import run_analysis

P = "x"


def _star(store, hub: str = "hub", leaves: int = 30) -> None:
    """One account mentions ``leaves`` others, once each (the one-author demo's shape)."""
    when = datetime(2024, 1, 1)
    posts = [Post(id=f"p{i}", platform=P, author=hub, created_at=when, text=f"hi @leaf{i}") for i in range(leaves)]
    mentions = [
        Interaction(actor=hub, kind="mention", platform=P, target_user=f"leaf{i}", target_post=f"p{i}", timestamp=when)
        for i in range(leaves)
    ]
    store.write_records({Post: posts, Interaction: mentions})


def _web(store, accounts: int = 40) -> None:
    """A ring where each account also replies to the one three ahead: no hub."""
    when = datetime(2024, 1, 1)
    ties = [(i, (i + 1) % accounts) for i in range(accounts)] + [(i, (i + 3) % accounts) for i in range(accounts)]
    store.write_records(
        {
            Interaction: [
                Interaction(actor=f"a{s}", kind="mention", platform=P, target_user=f"a{t}", timestamp=when)
                for s, t in ties
            ]
        }
    )


def test_a_star_is_named_as_one():
    star = {"accounts": 31, "ties": 30, "top1_share": 1.0, "top2_share": 1.0}
    (caveat,) = graph_caveats(star)
    assert caveat.startswith("the interaction graph is a star: 100% of its 30 ties touch one account")
    two = graph_caveats({"accounts": 50, "ties": 100, "top1_share": 0.5, "top2_share": 0.9})
    assert "star" not in " ".join(graph_caveats({"accounts": 6, "ties": 5, "top1_share": 0.8, "top2_share": 1.0}))
    assert len(two) == 1 and "90% of its 100 ties touch two accounts" in two[0]
    assert graph_caveats({"accounts": 50, "ties": 100, "top1_share": 0.1, "top2_share": 0.2}) == []
    few = graph_caveats({"accounts": 4, "ties": 5, "top1_share": 0.4, "top2_share": 0.6})
    assert few == [f"only 4 accounts interact (at least {MIN_ACCOUNTS_GRAPH} are needed for rankings and "
                   "communities to mean much)"]  # fmt: skip
    assert "no interaction graph" in graph_caveats({"accounts": 0, "ties": 0})[0]


def test_too_few_accounts_and_summaries():
    assert too_few_accounts(30, 30, "segments") == []
    assert too_few_accounts(3, 30, "segments") == ["only 3 accounts to compare: segments need at least 30 to mean much"]
    assert with_caveats("done", ["a", "b"]) == "done; note: a; note: b" and with_caveats("done", []) == "done"


def test_graph_shape_of_a_star_and_of_a_web(store, tmp_path):
    _star(store)
    assert graph_shape(store) == {"accounts": 31, "ties": 30, "top1_share": 1.0, "top2_share": 1.0}
    from socialens.store import Store

    with Store(tmp_path / "web.duckdb") as web:
        _web(web)
        shape = graph_shape(web)
        assert shape["accounts"] == 40 and shape["ties"] == 80
        assert shape["top1_share"] == 4 / 80 and shape["top2_share"] < 0.15
        assert graph_caveats(shape) == []


def test_influence_and_communities_on_a_star_say_so_in_result_and_report(store):
    _star(store)
    influence = run_analysis(store, "influence", {"kind": "all"})
    assert len(influence["caveats"]) == 1 and "star" in influence["caveats"][0]
    assert "; note: the interaction graph is a star" in influence["summary"]
    communities = run_analysis(store, "communities")
    assert communities["caveats"] == influence["caveats"]
    ranked = influencers_section(store)
    assert ranked is not None and 'class="caveat"' in ranked.html and "is a star" in ranked.html
    grouped = communities_section(store)
    assert grouped is not None and "is a star" in grouped.html
    # the picture is replaced by the reason; the table is still there
    assert '<p class="explain">No picture of the communities is drawn' in grouped.html and "<svg" not in grouped.html


def test_a_real_web_has_no_caveat(store):
    _web(store)
    assert run_analysis(store, "influence", {"kind": "all"})["caveats"] == []
    section = communities_section(store) if run_analysis(store, "communities") else None
    assert section is not None and 'class="caveat"' not in section.html and "<svg" in section.html


def test_accounts_with_too_little_activity_are_not_listed_as_most_bot_like(store):
    from socialens.analyses.adequacy import thin_activity
    from socialens.analyses.suspicious.report import suspicious_view
    from tests.analyses.users_store import build_tiny_store

    assert thin_activity([1, 2, 10]) == [
        "2 of 3 accounts have fewer than 5 activity events: their scores rest on one or two posts, "
        "and they are not listed among the most bot-like"
    ]
    assert thin_activity([1, 10, 10]) == [] and thin_activity([]) == []
    build_tiny_store(store)  # carol and dave posted 4 times each: too little to judge
    run_analysis(store, "suspicious", {"model": "none"})
    view = suspicious_view(store)
    assert view is not None and view.scored == 5 and view.unjudged == 2
    assert {r["user_id"] for r in view.top} == {"alice", "bob", "bot"} and view.top[0]["user_id"] == "bot"
