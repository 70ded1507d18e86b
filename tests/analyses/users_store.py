"""A hand-built store of five accounts whose profiles and behaviour are known exactly.

* alice: 6 posts at 09:xx UTC on weekdays (2 on Tuesdays), all different, #python, English; sentiment scored.
* bob: 5 posts at 21:xx, one text posted twice (duplicate ratio 1 - 4/5 = 0.2), #music.
* carol: 4 posts at 14:xx on the weekend, Chinese.
* dave: 4 posts, an old account.
* bot: 20 identical posts exactly 10 minutes apart, created an hour before, follows 2,000 and
  is followed by 1; follows alice, bob and carol, none follows back.
Humans follow each other both ways.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from socialens.schema import Interaction, Post, User
from socialens.store import Store
from socialens.store.results import write_user_scores
from socialens.store.scores import write_scores

P = "x"
MONDAY = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def tiny_records() -> dict[type, list]:
    posts = []
    for i, (day, minute) in enumerate(((0, 5), (1, 41), (3, 12), (4, 58), (8, 30), (9, 17))):  # weekdays
        posts.append(Post(id=f"a{i}", platform=P, author="alice", created_at=_at(day, 9, minute),
                          text=f"learning #python lesson {i} today", hashtags=["python"], lang="en"))  # fmt: skip
    for i, text in enumerate(["new #music mix", "late #music session", "new #music mix", "jazz night", "vinyl haul"]):
        day, minute = ((1, 2), (2, 49), (7, 15), (8, 33), (14, 8))[i]
        posts.append(Post(id=f"b{i}", platform=P, author="bob", created_at=_at(day, 21, minute), text=text,
                          hashtags=["music"] if "#music" in text else [], lang="en"))  # fmt: skip
    for i, day in enumerate((5, 6, 12, 13)):  # weekends
        posts.append(Post(id=f"c{i}", platform=P, author="carol", created_at=_at(day, 14, 11 * i),
                          text=f"今天天气很好 第{i}次", lang="zh"))  # fmt: skip
    for i in range(4):
        posts.append(Post(id=f"d{i}", platform=P, author="dave", created_at=_at(2 * i, 11 + i, 13 * i),
                          text=f"gardening notes {i}: tomatoes", lang="en"))  # fmt: skip
    start = _at(8, 2)
    for i in range(20):
        posts.append(Post(id=f"z{i}", platform=P, author="bot", created_at=start + timedelta(minutes=10 * i),
                          text="Buy cheap followers now http://spam.example", lang="en"))  # fmt: skip
    users = [
        User(id="alice", platform=P, handle="alice", created_at=_at(-400, 0), followers=120, following=100),
        User(id="bob", platform=P, handle="bob", created_at=_at(-300, 0), followers=80, following=90),
        User(id="carol", platform=P, handle="carol", created_at=_at(-500, 0), followers=60, following=50),
        User(id="dave", platform=P, handle="dave", created_at=_at(-900, 0), followers=10, following=12),
        User(id="bot", platform=P, handle="bot", created_at=start - timedelta(hours=1), followers=1, following=2000),
    ]
    humans = ("alice", "bob", "carol", "dave")
    follows = [Interaction(actor=a, kind="follow", platform=P, target_user=b) for a in humans for b in humans if a != b]
    follows += [Interaction(actor="bot", kind="follow", platform=P, target_user=h) for h in humans]
    return {Post: posts, User: users, Interaction: follows}


def build_tiny_store(store: Store) -> Store:
    store.write_records(tiny_records())
    labels = ["positive", "positive", "negative", "positive", "neutral", "positive"]
    write_scores(
        store,
        pa.table(
            {
                "platform": [P] * 6,
                "post_id": [f"a{i}" for i in range(6)],
                "task": ["sentiment"] * 6,
                "label": labels,
                "score": [0.8, 0.6, -0.7, 0.9, 0.0, 0.5],
                "probabilities": [None] * 6,
                "model": ["test"] * 6,
            }
        ),
    )
    # As the influence analysis writes it: label = rank, details with the centralities and reasons.
    details = {"pagerank": 0.3, "in_degree": 3, "k_core": 2, "reasons": ["#1", "most followed"]}
    write_user_scores(store, "influence", [{"platform": P, "user_id": "alice", "label": "1", "score": 0.9,
                                            "details": details}])  # fmt: skip
    return store
