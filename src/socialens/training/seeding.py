"""Seeding a training run without disturbing the caller's random numbers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch


@contextmanager
def isolated_random_state(seed: int) -> Iterator[None]:
    """Seed Python, numpy and torch for one run, and give the caller's states back afterwards:
    a fit depends on its seed alone, and leaves no trace on the random numbers drawn after it."""
    python, numpy = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        seed_everything(seed)
        try:
            yield
        finally:
            random.setstate(python)
            np.random.set_state(numpy)


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and, when present, CUDA)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@contextmanager
def untouched_random_state() -> Iterator[None]:
    """Whatever runs inside draws from Python, numpy and torch without moving them on for what
    follows (a validation a stop adds to a run: stopping and resuming must not change the run)."""
    python, numpy = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        try:
            yield
        finally:
            random.setstate(python)
            np.random.set_state(numpy)
