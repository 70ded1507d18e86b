"""Kept answers: computed once per store version, even when many ask at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from socialens.serve.cache import AnswerCache


def test_many_askers_at_once_cost_one_computation_and_a_new_version_recomputes():
    cache, calls, lock = AnswerCache(), [], threading.Lock()

    def compute() -> int:
        with lock:
            calls.append(1)
        time.sleep(0.2)  # long enough for every asker to arrive while it runs
        return len(calls)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _: cache.get(1, "/stats", compute), range(16)))
    assert answers == [1] * 16 and len(calls) == 1
    assert cache.get(2, "/stats", compute) == 2  # a finished job moved the version on


def test_a_failed_computation_is_not_kept_and_the_next_asker_computes_again():
    cache = AnswerCache()

    def fail() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get(1, "k", fail)
    assert cache.get(1, "k", lambda: 7) == 7


def test_only_the_latest_answers_are_kept():
    cache = AnswerCache(size=2)
    for key in ("a", "b", "c"):
        cache.get(1, key, lambda key=key: key)
    assert cache.get(1, "a", lambda: "again") == "again"
