"""Kleinberg's burst model for counts in time bins (Kleinberg 2002, "Bursty and hierarchical
structure in streams", section 4: batched arrivals, two states).

In bin ``t``, ``r_t`` of ``d_t`` posts carry the term. The base state emits the term with the
overall share ``p0 = sum(r) / sum(d)``; the burst state with ``p1 = s * p0``. Entering the
burst state costs ``gamma * ln(n)`` (``n`` bins); leaving it is free. The cheapest state
sequence (Viterbi) marks the bursts, and a burst's weight is how much cheaper the burst
state explains its bins than the base state does (Kleinberg's ranking of bursts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from socialens.component import Component
from socialens.registry import register


@dataclass(slots=True, frozen=True)
class Burst:
    """Bins ``start`` to ``end`` (inclusive) in the burst state, and the burst's weight."""

    start: int
    end: int
    weight: float


def _cost(r: int, d: int, p: float) -> float:
    """Negative log-likelihood of ``r`` of ``d`` under share ``p`` (the binomial coefficient is
    the same in both states and cancels)."""
    return -(r * math.log(p) + (d - r) * math.log1p(-p))


@register("trends.kleinberg.v1")
class KleinbergBursts(Component):
    """Two-state Kleinberg bursts over ``(relevant, totals)`` count series.

    >>> bursts = KleinbergBursts().fit([1, 0, 1, 9, 8, 1, 0], [10] * 7).bursts_
    >>> [(b.start, b.end) for b in bursts]
    [(3, 4)]
    """

    def __init__(self, s: float = 2.0, gamma: float = 1.0) -> None:
        self.s = s
        self.gamma = gamma
        self.states_: list[int] = []
        self.bursts_: list[Burst] = []

    def fit(self, relevant: Sequence[int], totals: Sequence[int]) -> Self:
        if len(relevant) != len(totals):
            raise ValueError(f"relevant ({len(relevant)}) and totals ({len(totals)}) differ in length")
        if any(r > d or r < 0 for r, d in zip(relevant, totals, strict=True)):
            raise ValueError("each relevant count must lie between 0 and its total")
        n, hits, total = len(relevant), sum(relevant), sum(totals)
        self.states_, self.bursts_ = [0] * n, []
        if n == 0 or hits == 0 or hits == total:
            return self
        p0 = hits / total
        p1 = min(self.s * p0, 1 - 1e-9)
        costs = [(_cost(r, d, p0), _cost(r, d, p1)) for r, d in zip(relevant, totals, strict=True)]
        self.states_ = _viterbi(costs, self.gamma * math.log(n))
        self.bursts_ = _spans(self.states_, costs)
        return self


def _viterbi(costs: list[tuple[float, float]], up: float) -> list[int]:
    best = [0.0, math.inf]  # before the first bin the process is in the base state
    back: list[tuple[int, int]] = []
    for base, burst in costs:
        from_base = (best[0], 0) if best[0] <= best[1] else (best[1], 1)  # leaving a burst is free
        into_burst = (best[0] + up, 0) if best[0] + up < best[1] else (best[1], 1)
        best = [from_base[0] + base, into_burst[0] + burst]
        back.append((from_base[1], into_burst[1]))
    state = 0 if best[0] <= best[1] else 1
    states = [0] * len(costs)
    for t in range(len(costs) - 1, -1, -1):
        states[t] = state
        state = back[t][state]
    return states


def _spans(states: list[int], costs: list[tuple[float, float]]) -> list[Burst]:
    bursts: list[Burst] = []
    start = None
    for t, state in enumerate([*states, 0]):
        if state == 1 and start is None:
            start = t
        elif state == 0 and start is not None:
            weight = sum(costs[i][0] - costs[i][1] for i in range(start, t))
            bursts.append(Burst(start, t - 1, round(weight, 6)))
            start = None
    return bursts
