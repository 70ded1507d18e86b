"""The window-versus-baseline score, aware of daily and weekly rhythm.

Posting volume has a daily and a weekly cycle, so "more posts than usual" must mean more than
usual *for this hour of this weekday*. ``SeasonalRate`` learns, one count per time bin, a
level (exponentially weighted) and multiplicative hour-of-day and day-of-week factors
(Holt-Winters without trend, both cycles at once): expected = level x hour factor x weekday
factor. Work per bin is constant (24 + 7 factors are renormalised).

Terms are scored against their *share* of posts instead (``share_score``): their expected
count in a window is their baseline share times the window's actual volume, so a term
follows the volume's rhythm without a sparse rhythm of its own.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, Self

from socialens.component import Component
from socialens.registry import register


def half_life_rate(half_life: float) -> float:
    """The smoothing factor whose weights halve every ``half_life`` steps."""
    return 1.0 - 2.0 ** (-1.0 / half_life)


def poisson_z(observed: float, expected: float) -> float:
    """How many standard deviations ``observed`` lies above a Poisson ``expected`` (floor 0.5)."""
    expected = max(expected, 0.5)
    return (observed - expected) / math.sqrt(expected)


def share_score(count: int, window_posts: int, baseline_share: float) -> tuple[float, float]:
    """(expected count, z) of a term seen ``count`` times among ``window_posts`` posts.

    >>> share_score(12, 40, 0.01)[0], round(share_score(12, 40, 0.01)[1], 2)
    (0.4, 16.26)
    """
    expected = window_posts * baseline_share
    return expected, poisson_z(count, expected)


@register("trends.seasonal_rate.v1")
class SeasonalRate(Component):
    """Expected events per bin, by hour of day and day of week; ``update((bin_start, count))``.

    Bins are ``bin_seconds`` long and fed in time order, empty ones included (the caller
    closes them). ``half_life`` is in bins; ``seasonal_half_life`` in days for the hour
    factors and in weeks for the weekday factors. ``warm_up`` bins pass before ``ready``.
    """

    def __init__(
        self,
        bin_seconds: float = 3600.0,
        half_life: float = 24 * 14.0,
        seasonal_half_life: float = 3.0,
        warm_up: int = 24 * 7,
    ) -> None:
        self.bin_seconds = bin_seconds
        self.half_life = half_life
        self.seasonal_half_life = seasonal_half_life
        self.warm_up = warm_up
        self.level_ = 0.0
        self.hour_ = [1.0] * 24
        self.weekday_ = [1.0] * 7
        self.bins_ = 0

    @staticmethod
    def _slots(time: float) -> tuple[int, int]:
        moment = datetime.fromtimestamp(time, UTC)
        return moment.hour, moment.weekday()

    def update(self, x: tuple[float, float]) -> Self:
        time, count = x
        hour, weekday = self._slots(time)
        season = self.hour_[hour] * self.weekday_[weekday]
        alpha = half_life_rate(self.half_life)
        self.level_ += alpha * (count / season - self.level_) if self.bins_ else count / season
        if self.level_ > 0:
            # An hour slot is updated once a day, a weekday slot 24 times a week: both forget
            # half of what they knew over ``seasonal_half_life`` days (or weeks).
            hourly, daily = half_life_rate(self.seasonal_half_life), half_life_rate(24 * self.seasonal_half_life)
            ratio = count / self.level_
            hour_ratio, day_ratio = ratio / self.weekday_[weekday], ratio / self.hour_[hour]
            self.hour_[hour] = max(0.05, self.hour_[hour] + hourly * (hour_ratio - self.hour_[hour]))
            self.weekday_[weekday] = max(0.05, self.weekday_[weekday] + daily * (day_ratio - self.weekday_[weekday]))
            if self.bins_ % 24 == 0:  # factors drift slowly: renormalising once a day is enough
                _normalise(self.hour_)
                _normalise(self.weekday_)
        self.bins_ += 1
        return self

    @property
    def ready(self) -> bool:
        return self.bins_ >= self.warm_up

    def expected(self, time: float, seconds: float | None = None) -> float:
        """Expected events in the ``seconds`` (one bin by default) that end at ``time``, each part
        of the span weighted by its own hour and weekday."""
        span = seconds or self.bin_seconds
        start, total = time - span, 0.0
        while start < time:
            bin_end = min(time, start - start % self.bin_seconds + self.bin_seconds)
            hour, weekday = self._slots(start)
            total += self.hour_[hour] * self.weekday_[weekday] * (bin_end - start) / self.bin_seconds
            start = bin_end
        return self.level_ * total

    def get(self) -> dict[str, Any]:
        return {
            "level": round(self.level_, 6),
            "hour_factors": [round(f, 4) for f in self.hour_],
            "weekday_factors": [round(f, 4) for f in self.weekday_],
            "bins": self.bins_,
        }


def _normalise(factors: list[float]) -> None:
    mean = sum(factors) / len(factors)
    for i, f in enumerate(factors):
        factors[i] = f / mean
