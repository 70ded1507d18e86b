"""A hand-built store whose account graph is known exactly.

Accounts a..f on platform "x". Posts: a writes p1 (#cats, 10 likes); b replies to p1 and
mentions @hc (c's handle); c reposts p1; d quotes p1 (February); e mentions @hf (February);
a replies to its own post (a self-loop, dropped); f follows e (February). Default kinds give
b->a reply, b->c mention, c->a repost, d->a quote, e->f mention; ``all`` adds f->e follow.
"""

from __future__ import annotations

from datetime import UTC, datetime

from socialens.schema import Interaction, Post, User
from socialens.store import Store

P = "x"
JAN = datetime(2024, 1, 1, tzinfo=UTC)
FEB = datetime(2024, 2, 1, tzinfo=UTC)


def _day(month: datetime, day: int) -> datetime:
    return month.replace(day=day)


DEFAULT_EDGES = {
    (("x", "b"), ("x", "a")): {"reply": 1},
    (("x", "b"), ("x", "c")): {"mention": 1},
    (("x", "c"), ("x", "a")): {"repost": 1},
    (("x", "d"), ("x", "a")): {"quote": 1},
    (("x", "e"), ("x", "f")): {"mention": 1},
}


def write_network(store: Store) -> None:
    users = [
        User(id=u, platform=P, handle=f"h{u}", followers=f)
        for u, f in zip("abcdef", (500, 5, 50, 1, 2, 3), strict=True)
    ]
    posts = [
        Post(id="p1", platform=P, author="a", created_at=_day(JAN, 1), text="#cats", hashtags=["cats"], like_count=10),
        Post(id="p2", platform=P, author="b", created_at=_day(JAN, 2), text="yes @hc", reply_to="p1", mentions=["hc"]),
        Post(id="p3", platform=P, author="c", created_at=_day(JAN, 3), text="", repost_of="p1", hashtags=["cats"]),
        Post(id="p4", platform=P, author="d", created_at=_day(FEB, 1), text="hm", quote_of="p1"),
        Post(id="p5", platform=P, author="e", created_at=_day(FEB, 2), text="hi @hf", mentions=["hf"]),
        Post(id="p6", platform=P, author="a", created_at=_day(JAN, 4), text="me again", reply_to="p1"),
    ]
    follows = [Interaction(actor="f", kind="follow", platform=P, target_user="e", timestamp=_day(FEB, 3))]
    store.write_records({User: users, Post: posts, Interaction: follows})


def edge_map(graph) -> dict:
    """``{(source key, target key): kind counts}`` of an InteractionGraph."""
    return {(graph.user_ids[e.source], graph.user_ids[e.target]): graph.kind_counts[e.index] for e in graph.graph.es}
