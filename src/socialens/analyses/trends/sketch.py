"""Bounded memory for unbounded vocabularies: a count-min sketch whose counts decay with time.

Counts are kept scaled by ``2 ** ((t - origin) / half_life)`` so that decaying every cell at
each event (linear in the sketch size) is replaced by one multiplication at query time;
the cells are rescaled once the scale factor grows large (rare, amortised constant work).
Hashing is blake2b, not Python's ``hash``: a pickled sketch must give the same answers in
the next process, whose string hashes are salted differently.
"""

from __future__ import annotations

import hashlib
import struct
from array import array

# Rescale the cells before the scaled counts lose precision (2**64 headroom in a double).
_RESCALE_EXPONENT = 64.0


class DecayedCountMin:
    """Approximate decayed counts of keys: never under the true count, over it by at most
    ``e / width`` of the decayed total with probability ``1 - exp(-depth)``.

    >>> sketch = DecayedCountMin(width=64, depth=4, half_life=10.0)
    >>> sketch.add("#maga", time=0.0, count=8)
    >>> round(sketch.estimate("#maga", time=10.0), 3), round(sketch.total(time=10.0), 3)
    (4.0, 4.0)
    """

    def __init__(self, width: int = 4096, depth: int = 4, half_life: float = 7 * 86_400.0) -> None:
        if width < 1 or not 1 <= depth <= 8 or half_life <= 0:
            raise ValueError("width >= 1, 1 <= depth <= 8 and half_life > 0 are required")
        self.width = width
        self.depth = depth
        self.half_life = half_life
        self.cells_ = array("d", bytes(8 * width * depth))
        self.total_ = 0.0
        self.origin_: float | None = None

    def _columns(self, key: str) -> list[int]:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4 * self.depth).digest()
        width = self.width
        return [row * width + h % width for row, h in enumerate(struct.unpack(f"<{self.depth}I", digest))]

    def _scale(self, time: float) -> float:
        if self.origin_ is None:
            self.origin_ = time
        exponent = (time - self.origin_) / self.half_life
        if exponent > _RESCALE_EXPONENT:
            self._rescale(time)
            exponent = 0.0
        return float(2.0**exponent)

    def _rescale(self, time: float) -> None:
        assert self.origin_ is not None
        factor = 2.0 ** (-(time - self.origin_) / self.half_life)
        for i in range(len(self.cells_)):
            self.cells_[i] *= factor
        self.total_ *= factor
        self.origin_ = time

    def add(self, key: str, time: float, count: float = 1.0) -> None:
        weighted = count * self._scale(time)
        for column in self._columns(key):
            self.cells_[column] += weighted
        self.total_ += weighted

    def add_total(self, time: float, count: float = 1.0) -> None:
        """Count an event in the total without a key (a post without terms still counts)."""
        self.total_ += count * self._scale(time)

    def estimate(self, key: str, time: float) -> float:
        if self.origin_ is None:
            return 0.0
        return min(self.cells_[c] for c in self._columns(key)) / self._scale(time)

    def total(self, time: float) -> float:
        return 0.0 if self.origin_ is None else self.total_ / self._scale(time)
