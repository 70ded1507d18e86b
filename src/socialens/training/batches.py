"""The trainer's training batches: a fresh permutation per epoch, or index batches a caller samples.

Either kind gives the same number of batches every epoch (``len``), starts an epoch part way
through (a run resumed from a checkpoint written mid-epoch skips the batches it already took,
without collating them), and depends on nothing but its own state, so a resumed run sees exactly
the batches the uninterrupted one would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import torch
from torch.utils.data import Dataset

#: ``sampler(epoch) -> index batches`` (``epoch`` counts from 0); the same count every epoch.
BatchSampler = Callable[[int], Sequence[Sequence[int]]]


class ShuffledBatches:
    """One permutation per epoch drawn from the run's generator (nothing else draws from it, so a
    generator restored to an epoch's start replays the epoch exactly), cut into ``batch_size``."""

    def __init__(
        self,
        data: Dataset[Any] | Sequence[Any],
        batch_size: int,
        collate: Callable[[list[Any]], Any],
        generator: torch.Generator,
    ) -> None:
        self.data, self.batch_size, self.collate, self.generator = data, batch_size, collate, generator
        self.size = len(cast(Sequence[Any], data))

    def __len__(self) -> int:
        return -(-self.size // self.batch_size)

    def epoch(self, index: int, skip: int = 0) -> Iterator[Any]:
        """The batches of epoch ``index`` from the ``skip``-th on (the permutation is drawn here)."""
        order = torch.randperm(self.size, generator=self.generator).tolist()
        for start in range(skip * self.batch_size, self.size, self.batch_size):
            yield self.collate([self.data[i] for i in order[start : start + self.batch_size]])


class SampledBatches:
    """The batches a caller's ``sampler(epoch)`` lists (e.g. texts of similar length together)."""

    def __init__(
        self, data: Dataset[Any] | Sequence[Any], sampler: BatchSampler, collate: Callable[[list[Any]], Any]
    ) -> None:
        self.data, self.sampler, self.collate = data, sampler, collate
        self.count = len(sampler(0))

    def __len__(self) -> int:
        return self.count

    def epoch(self, index: int, skip: int = 0) -> Iterator[Any]:
        for rows in list(self.sampler(index))[skip:]:
            yield self.collate([self.data[i] for i in rows])
