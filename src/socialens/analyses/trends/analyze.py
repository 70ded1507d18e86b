"""``socialens trends`` / ``socialens analyze trends``: ranked bursts of hashtags, terms and topics.

A corpus pass (:func:`socialens.pipeline.runners.corpus_pass`) that reads the selection's timed
posts twice, oldest first. The first pass counts posts per time bin and each term's posts per
bin; every frequent term then goes through Kleinberg's burst model, and each burst gets the
rhythm-aware window score (its posts against the term's share before the burst times the
burst's actual volume). The second pass collects the posts and co-occurring terms behind the
highest-ranked bursts. Results: ``analysis_results`` task ``trends``.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from socialens.analyses.trends.baseline import half_life_rate, poisson_z
from socialens.analyses.trends.burst import KleinbergBursts
from socialens.analyses.trends.terms import post_terms
from socialens.pipeline.task import Task, TaskResult
from socialens.progress import Progress

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import CorpusOutput
    from socialens.store.trend_queries import TimedPosts

TASK = "trends"
BIN_SECONDS = {"hour": 3600, "day": 86_400, "week": 7 * 86_400}


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """Settings of the trends analysis."""

    bin: Literal["auto", "hour", "day", "week"] = "auto"  # auto: hours up to 60 days of data, then days, then weeks
    min_count: int = 10  # a term needs this many posts in all to be a candidate
    max_terms: int = 500  # the most frequent candidates go through the burst model
    top: int = 50  # bursts kept, by weight
    s: float = 2.0  # Kleinberg: the burst state's share is s times the base share
    gamma: float = 1.0  # Kleinberg: cost of entering a burst, times ln(bins)
    baseline_bins: float = 30.0  # half-life (bins) of the share a burst is compared with
    hashtags_only: bool = False


class TrendsTask(Task):
    name = TASK
    kind = "corpus"
    Settings = TrendSettings
    requires = ("posts",)
    uses = ("post_scores.topic",)
    assigns = ("results.trends",)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import corpus_pass
        from socialens.store.trend_queries import timed_posts

        output, _ = corpus_pass(ctx, timed_posts, self.find)
        return self.result(output.data, rows=len(output.data["trends"]))

    def find(self, posts: TimedPosts, progress: Progress) -> CorpusOutput:
        """The ranked bursts in ``posts`` (kept in ``analysis_results`` task ``trends``)."""
        from socialens.pipeline.runners import CorpusOutput

        trends = detect_trends(posts, self.settings, progress)
        top = ", ".join(f"{t['term']} ({t['start'][:10]})" for t in trends[:5])
        data = {
            "bursts": len(trends),
            "trends": trends,
            "summary": f"{len(trends)} bursts found" + (f"; strongest: {top}" if top else ""),
        }
        return CorpusOutput(data, results={TASK: [(t["key"], t) for t in trends]})


@dataclass(slots=True)
class _Counts:
    origin: float
    bin_seconds: int
    totals: Counter[int]
    by_term: dict[str, Counter[int]]


def detect_trends(posts: TimedPosts, settings: TrendSettings, progress: Progress) -> list[dict[str, Any]]:
    first, last, n_posts = posts.first, posts.last, posts.count
    if first is None or last is None or n_posts == 0:
        return []
    bin_seconds = _bin_seconds(settings.bin, first, last)
    progress.start("counting terms per time bin", n_posts)
    counts = _count(posts, settings, bin_seconds, _epoch(first), progress)
    candidates = sorted(
        (t for t, c in counts.by_term.items() if sum(c.values()) >= settings.min_count),
        key=lambda t: (-sum(counts.by_term[t].values()), t),
    )[: settings.max_terms]
    progress.start("finding bursts", len(candidates))
    bursts = []
    for term in candidates:
        bursts.extend(_term_bursts(term, counts, settings))
        progress.advance()
    bursts.sort(key=lambda b: (-b["weight"], b["term"], b["start"]))
    bursts = bursts[: settings.top]
    progress.start("collecting the posts behind the bursts", n_posts)
    _attach_posts(posts, bursts, settings, progress)
    return bursts


def _bin_seconds(unit: str, first: datetime, last: datetime) -> int:
    if unit != "auto":
        return BIN_SECONDS[unit]
    days = (last - first).total_seconds() / 86_400
    return BIN_SECONDS["hour" if days <= 60 else "day" if days <= 5 * 365 else "week"]


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _iter_posts(
    posts: TimedPosts, settings: TrendSettings, progress: Progress
) -> Iterator[tuple[dict[str, Any], tuple]]:
    for batch in posts.batches():
        for row in batch.to_pylist():
            terms = post_terms(row["text"] or "", row["hashtags"] or (), row["lang"])
            if settings.hashtags_only:
                terms = tuple(t for t in terms if t.startswith("#"))
            if row["topic"] is not None and row["topic"] != "-1":
                terms = (*terms, f"topic:{row['topic']}")
            yield row, terms
        progress.advance(batch.num_rows)


def _count(posts: TimedPosts, settings: TrendSettings, bin_seconds: int, origin: float, progress: Progress) -> _Counts:
    origin -= origin % bin_seconds
    counts = _Counts(origin, bin_seconds, Counter(), defaultdict(Counter))
    for row, terms in _iter_posts(posts, settings, progress):
        index = int((_epoch(row["created_at"]) - origin) // bin_seconds)
        counts.totals[index] += 1
        for term in terms:
            counts.by_term[term][index] += 1
    return counts


def _term_bursts(term: str, counts: _Counts, settings: TrendSettings) -> list[dict[str, Any]]:
    bins = sorted(counts.totals)  # empty bins cost nothing in either state: left out
    series = counts.by_term[term]
    relevant = [series.get(b, 0) for b in bins]
    totals = [counts.totals[b] for b in bins]
    model = KleinbergBursts(s=settings.s, gamma=settings.gamma).fit(relevant, totals)
    if not model.bursts_:
        return []
    # The term's share before each bin (exponentially weighted), for the window-versus-baseline score.
    overall = sum(relevant) / sum(totals)
    alpha, share_r, share_d = half_life_rate(settings.baseline_bins), 0.0, 0.0
    before: list[float] = []
    for r, d in zip(relevant, totals, strict=True):
        before.append((share_r + 0.5 * alpha) / (share_d + alpha) if share_d else overall)
        share_r, share_d = share_r + alpha * (r - share_r), share_d + alpha * (d - share_d)
    out = []
    for burst in model.bursts_:
        observed = sum(relevant[burst.start : burst.end + 1])
        volume = sum(totals[burst.start : burst.end + 1])
        baseline = before[burst.start]
        expected = volume * baseline
        start = counts.origin + bins[burst.start] * counts.bin_seconds
        end = counts.origin + (bins[burst.end] + 1) * counts.bin_seconds
        out.append(
            {
                "key": f"{term}@{_iso(start)}",
                "term": term,
                "kind": "hashtag" if term.startswith("#") else "topic" if term.startswith("topic:") else "term",
                "start": _iso(start),
                "end": _iso(end),
                "bin": _unit(counts.bin_seconds),
                "weight": round(burst.weight, 3),
                "posts": observed,
                "volume": volume,
                "share": round(observed / volume, 4),
                "baseline_share": round(baseline, 4),
                "expected": round(expected, 2),
                "z": round(poisson_z(observed, expected), 2),
            }
        )
    return out


def _attach_posts(posts: TimedPosts, bursts: list[dict[str, Any]], settings: TrendSettings, progress: Progress) -> None:
    spans: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for i, burst in enumerate(bursts):
        spans[burst["term"]].append((_parse(burst["start"]), _parse(burst["end"]), i))
    top: list[list[tuple[int, float, str, dict[str, Any]]]] = [[] for _ in bursts]
    co_terms: list[Counter[str]] = [Counter() for _ in bursts]
    for row, terms in _iter_posts(posts, settings, progress):
        when = _epoch(row["created_at"])
        for term in terms:
            for start, end, i in spans.get(term, ()):
                if start <= when < end:
                    co_terms[i].update(t for t in terms if t != term)
                    post = {"id": row["id"], "time": _iso(when), "text": (row["text"] or "")[:280]}
                    item = (int(row["engagement"]), -when, row["id"], post | {"engagement": int(row["engagement"])})
                    (heapq.heappush if len(top[i]) < 5 else heapq.heappushpop)(top[i], item)
    for i, burst in enumerate(bursts):
        burst["top_posts"] = [item[3] for item in sorted(top[i], reverse=True)]
        burst["top_terms"] = [[t, n] for t, n in sorted(co_terms[i].items(), key=lambda kv: (-kv[1], kv[0]))[:10]]


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _unit(seconds: int) -> str:
    return next(name for name, s in BIN_SECONDS.items() if s == seconds)
