"""Label shares over time that do not swing on a handful of posts.

A period with fewer scored posts than ``MIN_POSTS_FOR_SHARE`` gets no share: its line has a gap
there, the chart marks it grey with its count ("too few posts to show a share"), and the data table
shows its count with "too few". Every share comes with the number of posts it is a share of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from socialens.analyses.adequacy import MIN_POSTS_FOR_SHARE


@dataclass(frozen=True, slots=True)
class SharesOverTime:
    """Percent of posts per label and period, only for periods with at least ``minimum`` posts."""

    unit: str
    minimum: int
    series: dict[str, list[tuple[datetime, float]]]  # label -> [(period, percent)]
    totals: list[tuple[datetime, int]]  # every period with its scored posts, thin ones included
    counts: dict[str, list[tuple[datetime, int]]]  # label -> [(period, posts)]

    @property
    def thin(self) -> list[tuple[datetime, int]]:
        """Periods left without a share: too few posts."""
        return [(b, n) for b, n in self.totals if n < self.minimum]

    def renamed(self, name: Callable[[str], str]) -> SharesOverTime:
        """The same shares with every label passed through ``name`` (e.g. a gloss for display)."""
        return replace(
            self,
            series={name(k): v for k, v in self.series.items()},
            counts={name(k): v for k, v in self.counts.items()},
        )


def shares_over_time(
    counts: dict[str, list[tuple[datetime, int]]], unit: str, minimum: int = MIN_POSTS_FOR_SHARE
) -> SharesOverTime:
    """Shares from per-label counts (``scores.label_counts_over_time``)."""
    totals: dict[datetime, int] = defaultdict(int)
    for points in counts.values():
        for bucket, n in points:
            totals[bucket] += n
    series = {
        label: [(b, round(100.0 * n / totals[b], 1)) for b, n in points if totals[b] >= minimum]
        for label, points in counts.items()
    }
    return SharesOverTime(unit, minimum, {k: v for k, v in series.items() if v}, sorted(totals.items()), counts)


def rows(shares: SharesOverTime) -> list[tuple[str, str, int, str]]:
    """Table rows (period, label, posts, share or 'too few'), periods in order."""
    total = dict(shares.totals)
    out = []
    for label, points in shares.counts.items():
        for bucket, n in points:
            enough = total[bucket] >= shares.minimum
            share = f"{100.0 * n / total[bucket]:.0f}% of {total[bucket]:,}" if enough else f"too few ({total[bucket]})"
            out.append((f"{bucket:%Y-%m-%d}", label, n, share))
    return sorted(out)


def thin_caveat(shares: SharesOverTime) -> list[str]:
    """The periods left without a share, as a caveat (empty when there are none)."""
    thin = shares.thin
    if not thin:
        return []
    return [
        f"{len(thin):,} of {len(shares.totals):,} {shares.unit}s have fewer than {shares.minimum} scored posts: "
        "they get no share over time and are drawn grey with their counts"
    ]


def caption(shares: SharesOverTime, what: str) -> str:
    thin = shares.thin
    hidden = (
        f" {len(thin):,} of {len(shares.totals):,} {shares.unit}s had fewer than {shares.minimum} scored posts "
        "and show no share: they are drawn grey at the bottom with their counts (gaps in the lines)."
        if thin
        else ""
    )
    return f"Share of each {what} among the scored posts of each {shares.unit} (UTC).{hidden}"
