"""Streaming alert detectors: ``update(event)`` per post, constant work, bounded memory.

Each detector keeps the posts of its recent window (at most ``max_window``) and a baseline
that only sees posts once they leave the window, so a surge never inflates the baseline it is
measured against. An alert is raised on the post that tips the score over ``sensitivity``;
then the same key stays quiet for ``cooldown`` seconds. ``pop_alerts()`` hands over (and
forgets) what the last updates raised; ``get()`` gives the current numbers.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from socialens.analyses.alerts.events import Alert, Event
from socialens.analyses.trends.baseline import SeasonalRate, poisson_z, share_score
from socialens.analyses.trends.sketch import DecayedCountMin
from socialens.component import Component
from socialens.registry import register

DAY = 86_400.0


class Detector(Component):
    """The shared window, cooldown and alert hand-over. Subclasses score and explain."""

    kind: ClassVar[str] = ""

    def __init__(
        self, window: float = 3600.0, sensitivity: float = 4.0, cooldown: float = 3600.0, max_window: int = 5000
    ) -> None:
        self.window = window
        self.sensitivity = sensitivity
        self.cooldown = cooldown
        self.max_window = max_window
        self.events_: deque[Event] = deque()
        self.now_ = -math.inf
        self.last_alert_: dict[str, float] = {}
        self.alerts_: list[Alert] = []
        self.seen_ = 0

    def update(self, x: Event) -> Self:
        self.seen_ += 1
        self.now_ = max(self.now_, x.time)
        if not self._admits(x):
            return self
        self.events_.append(x)
        self._enter(x)
        while self.events_ and (self.events_[0].time < self.now_ - self.window or len(self.events_) > self.max_window):
            self._leave(self.events_.popleft())
        self._check(x)
        return self

    def pop_alerts(self) -> list[Alert]:
        alerts, self.alerts_ = self.alerts_, []
        return alerts

    def get(self) -> dict[str, Any]:
        return {"window_posts": len(self.events_), "seen": self.seen_}

    # -- for subclasses --------------------------------------------------------------------
    def _admits(self, x: Event) -> bool:
        return True

    def _enter(self, x: Event) -> None:
        pass

    def _leave(self, x: Event) -> None:
        pass

    def _check(self, x: Event) -> None:
        raise NotImplementedError

    def _cooling(self, key: str) -> bool:
        last = self.last_alert_.get(key)
        return last is not None and self.now_ - last < self.cooldown

    def _raise(
        self, x: Event, key: str, severity: float, summary: str, numbers: dict[str, Any], posts: list[Event]
    ) -> None:
        if len(self.last_alert_) > 4096:  # keys past their cooldown need no memory
            self.last_alert_ = {k: t for k, t in self.last_alert_.items() if self.now_ - t < self.cooldown}
        self.last_alert_[key] = self.now_
        ranked = sorted(posts, key=lambda e: (-e.engagement, -e.time, e.key))
        terms = Counter(t for e in posts for t in e.terms)
        self.alerts_.append(
            Alert(
                kind=self.kind,
                key=key,
                raised_at=x.time,
                window_start=self.events_[0].time if self.events_ else x.time,
                window_end=x.time,
                severity=severity,
                summary=summary,
                numbers={k: round(v, 4) if isinstance(v, float) else v for k, v in numbers.items()},
                top_posts=[e.summary() for e in ranked[:5]],
                top_terms=sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
                trigger=x.key,
            )
        )


def _decay(value: float, since: float, now: float, half_life: float) -> float:
    return value * 2.0 ** (-(now - since) / half_life) if now > since else value


@register("alerts.negative_surge.v1")
class NegativeSurge(Detector):
    """The share of negative posts in the window against its decayed baseline share (binomial z)."""

    kind: ClassVar[str] = "negative_surge"

    def __init__(
        self,
        window: float = 3600.0,
        sensitivity: float = 4.0,
        cooldown: float = 3 * 3600.0,
        max_window: int = 5000,
        half_life: float = 14 * DAY,
        min_posts: int = 10,
        min_share: float = 0.6,
        warm_up: int = 100,
    ) -> None:
        super().__init__(window, sensitivity, cooldown, max_window)
        self.half_life = half_life
        self.min_posts = min_posts
        self.min_share = min_share
        self.warm_up = warm_up
        self.negative_ = 0
        self.base_negative_ = 0.0
        self.base_all_ = 0.0
        self.base_time_ = 0.0
        self.base_seen_ = 0

    def _admits(self, x: Event) -> bool:
        return x.sentiment is not None

    def _enter(self, x: Event) -> None:
        self.negative_ += x.sentiment == "negative"

    def _leave(self, x: Event) -> None:
        negative = x.sentiment == "negative"
        self.negative_ -= negative
        self.base_negative_ = _decay(self.base_negative_, self.base_time_, x.time, self.half_life) + negative
        self.base_all_ = _decay(self.base_all_, self.base_time_, x.time, self.half_life) + 1.0
        self.base_time_ = max(self.base_time_, x.time)
        self.base_seen_ += 1

    def baseline_share(self) -> float:
        # Two pseudo-posts at a 1/3 share keep an early baseline off 0 and 1.
        return (self.base_negative_ + 2 / 3) / (self.base_all_ + 2)

    def get(self) -> dict[str, Any]:
        n = len(self.events_)
        return {
            **super().get(),
            "negative": self.negative_,
            "share": self.negative_ / n if n else 0.0,
            "baseline_share": self.baseline_share(),
        }

    def _check(self, x: Event) -> None:
        n, k = len(self.events_), self.negative_
        if x.sentiment != "negative" or n < self.min_posts or self.base_seen_ < self.warm_up:
            return
        p = self.baseline_share()
        z = (k - n * p) / math.sqrt(n * p * (1 - p))
        if z < self.sensitivity or k / n < self.min_share or self._cooling("negative"):
            return
        summary = f"negative posts {k}/{n} ({k / n:.0%}) in the last {self.window / 60:.0f} min vs {p:.0%} usually"
        numbers = {"negative": k, "posts": n, "share": k / n, "baseline_share": p, "z": z, "window_s": self.window}
        negatives = [e for e in self.events_ if e.sentiment == "negative"]
        self._raise(x, "negative", z, summary, numbers, negatives)


@register("alerts.volume_spike.v1")
class VolumeSpike(Detector):
    """Posts in the window against the volume expected for this hour and weekday (Poisson z)."""

    kind: ClassVar[str] = "volume_spike"

    def __init__(
        self,
        window: float = 3600.0,
        sensitivity: float = 5.0,
        cooldown: float = 3 * 3600.0,
        max_window: int = 50_000,
        half_life: float = 14 * DAY,
        min_posts: int = 15,
        min_ratio: float = 3.0,
        warm_up_bins: int = 24 * 7,
    ) -> None:
        super().__init__(window, sensitivity, cooldown, max_window)
        self.half_life = half_life
        self.min_posts = min_posts
        self.min_ratio = min_ratio
        self.warm_up_bins = warm_up_bins
        self.rate_ = SeasonalRate(bin_seconds=window, half_life=half_life / window, warm_up=warm_up_bins)
        self.bin_start_: float | None = None
        self.bin_count_ = 0

    def _enter(self, x: Event) -> None:
        if self.bin_start_ is None:
            self.bin_start_ = x.time - x.time % self.window
        # Close finished bins, empty ones too; a gap longer than two weeks of bins is skipped.
        closed = 0
        while x.time >= self.bin_start_ + self.window:
            if closed < 14 * DAY / self.window:
                self.rate_.update((self.bin_start_, self.bin_count_))
            closed += 1
            self.bin_count_ = 0
            self.bin_start_ += self.window
        self.bin_count_ += 1

    def get(self) -> dict[str, Any]:
        expected = self.rate_.expected(self.now_, self.window) if self.now_ > -math.inf else 0.0
        return {**super().get(), "expected": expected}

    def _check(self, x: Event) -> None:
        n = len(self.events_)
        if n < self.min_posts or not self.rate_.ready:
            return
        expected = self.rate_.expected(x.time, self.window)
        z = poisson_z(n, expected)
        if z < self.sensitivity or n < self.min_ratio * expected or self._cooling("volume"):
            return
        minutes = self.window / 60
        summary = f"{n} posts in the last {minutes:.0f} min vs {expected:.1f} expected at this hour and weekday"
        numbers = {"posts": n, "expected": expected, "ratio": n / max(expected, 1e-9), "z": z, "window_s": self.window}
        self._raise(x, "volume", z, summary, numbers, list(self.events_))


@register("alerts.term_burst.v1")
class TermBurst(Detector):
    """A hashtag or term far above its baseline share of posts (count-min baseline with decay)."""

    kind: ClassVar[str] = "term_burst"

    def __init__(
        self,
        window: float = 3600.0,
        sensitivity: float = 6.0,
        cooldown: float = 6 * 3600.0,
        max_window: int = 5000,
        half_life: float = 14 * DAY,
        min_count: int = 8,
        min_ratio: float = 5.0,
        hashtags_only: bool = False,
        warm_up: int = 200,
        sketch_width: int = 4096,
    ) -> None:
        super().__init__(window, sensitivity, cooldown, max_window)
        self.half_life = half_life
        self.min_count = min_count
        self.min_ratio = min_ratio
        self.hashtags_only = hashtags_only
        self.warm_up = warm_up
        self.sketch_width = sketch_width
        self.counts_: Counter[str] = Counter()
        self.baseline_ = DecayedCountMin(width=sketch_width, depth=4, half_life=half_life)
        self.base_seen_ = 0

    def _terms(self, x: Event) -> Iterable[str]:
        return (t for t in x.terms if t.startswith("#")) if self.hashtags_only else x.terms

    def _enter(self, x: Event) -> None:
        self.counts_.update(self._terms(x))

    def _leave(self, x: Event) -> None:
        self.baseline_.add_total(x.time)
        for term in self._terms(x):
            self.baseline_.add(term, x.time)
            self.counts_[term] -= 1
            if self.counts_[term] <= 0:
                del self.counts_[term]
        self.base_seen_ += 1

    def get(self) -> dict[str, Any]:
        return {**super().get(), "top_terms": self.counts_.most_common(5)}

    def _check(self, x: Event) -> None:
        if self.base_seen_ < self.warm_up:
            return
        n = len(self.events_)
        total = self.baseline_.total(x.time)
        firing = []
        for term in self._terms(x):
            count = self.counts_[term]
            if count < self.min_count:
                continue
            share = (self.baseline_.estimate(term, x.time) + 0.5) / (total + 1.0)
            expected, z = share_score(count, n, share)
            if z >= self.sensitivity and count >= self.min_ratio * expected and not self._cooling(term):
                firing.append((not term.startswith("#"), -z, term, count, expected, share))
        if firing:
            self._raise_burst(x, sorted(firing), n)

    def _raise_burst(self, x: Event, firing: list[tuple[bool, float, str, int, float, float]], n: int) -> None:
        """One alert for the terms of one burst: led by a hashtag if one fired, else the strongest term.
        The others ride along (``with_terms``) and cool down with it, so one burst raises one alert."""
        _, minus_z, term, count, expected, share = firing[0]
        others = [t for _, _, t, *_ in firing[1:]]
        what = "hashtag" if term.startswith("#") else "term"
        minutes = self.window / 60
        summary = f"{what} {term}: {count} of {n} posts in the last {minutes:.0f} min vs {expected:.1f} expected"
        numbers = {
            "term": term,
            "count": count,
            "posts": n,
            "expected": expected,
            "baseline_share": share,
            "z": -minus_z,
            "with_terms": others,
        }
        posts = [e for e in self.events_ if term in e.terms]
        self._raise(x, term, -minus_z, summary, numbers, posts)
        # Words that come with the burst (in half its posts or more) are part of it, not bursts of their own.
        companions = Counter(t for e in posts for t in set(e.terms))
        for other in {*others, *(t for t, k in companions.items() if 2 * k >= len(posts))}:
            self.last_alert_[other] = self.now_


@register("alerts.new_topic.v1")
class NewTopic(Detector):
    """A topic id never seen before that gathers ``min_posts`` posts within the window.

    Topic ids come on the events (``Event.topic``), from whatever incremental topic model the
    stream runs; without one, events carry no topic and this detector stays silent.
    """

    kind: ClassVar[str] = "new_topic"

    def __init__(
        self,
        window: float = 6 * 3600.0,
        sensitivity: float = 0.0,
        cooldown: float = 365 * DAY,
        max_window: int = 5000,
        min_posts: int = 5,
        known_topics: tuple[int, ...] = (),
    ) -> None:
        super().__init__(window, sensitivity, cooldown, max_window)
        self.min_posts = min_posts
        self.known_topics = known_topics
        self.counts_: Counter[int] = Counter()
        self.reported_: set[int] = set(known_topics)

    def _admits(self, x: Event) -> bool:
        return x.topic is not None and x.topic >= 0

    def _enter(self, x: Event) -> None:
        self.counts_[x.topic] += 1  # type: ignore[index]

    def _leave(self, x: Event) -> None:
        self.counts_[x.topic] -= 1  # type: ignore[index]
        if self.counts_[x.topic] <= 0:  # type: ignore[index]
            del self.counts_[x.topic]  # type: ignore[arg-type]

    def _check(self, x: Event) -> None:
        topic = x.topic
        assert topic is not None
        count = self.counts_[topic]
        if topic in self.reported_ or count < self.min_posts:
            return
        self.reported_.add(topic)
        posts = [e for e in self.events_ if e.topic == topic]
        summary = f"new topic {topic}: {count} posts in the last {self.window / 3600:.0f} h"
        self._raise(x, f"topic:{topic}", float(count), summary, {"topic": topic, "posts": count}, posts)


def default_detectors(
    sensitivity: float | None = None, cooldown: float | None = None, window: float | None = None
) -> list[Detector]:
    """One of each detector; ``sensitivity`` scales every threshold (1.0 = defaults, higher = fewer alerts)."""
    detectors: list[Detector] = [NegativeSurge(), VolumeSpike(), TermBurst(), NewTopic()]
    for detector in detectors:
        if sensitivity is not None and detector.sensitivity:
            detector.sensitivity *= sensitivity
        if cooldown is not None and not isinstance(detector, NewTopic):
            detector.cooldown = cooldown
        if window is not None and not isinstance(detector, NewTopic):
            detector.set_params(window=window)
            if isinstance(detector, VolumeSpike):
                detector.rate_ = SeasonalRate(bin_seconds=window, half_life=detector.half_life / window)
    return detectors
