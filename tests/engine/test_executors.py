"""Executors: the same ordered results everywhere, bounded read-ahead, errors reach the caller."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator

import pytest

from socialens.engine import Executor, LocalExecutor, ProcessExecutor, default_executor


def square_plus_index(item: tuple[int, str]) -> tuple[int, str]:
    # Module level, so worker processes can unpickle it by reference.
    number, label = item
    return number * number, label.upper()


def fail_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError(f"bad item {number}")
    return number


ITEMS = [(i, f"item-{i}") for i in range(50)]


@pytest.fixture(scope="module")
def process_executor() -> Iterator[ProcessExecutor]:
    # One pool for the module: starting the fork server is the slow part.
    executor = ProcessExecutor(2)
    yield executor
    executor.close()


def test_local_and_process_give_identical_ordered_results(process_executor):
    expected = [square_plus_index(item) for item in ITEMS]
    assert list(LocalExecutor().imap(square_plus_index, ITEMS)) == expected
    assert list(process_executor.imap(square_plus_index, iter(ITEMS))) == expected
    assert list(process_executor.imap(square_plus_index, [])) == []


def items_read_ahead(executor: Executor) -> list[int]:
    """Shared with the dask tests: at each result of ITEMS read lazily, how many items the executor
    had taken from the input but not yet handed back."""
    pulled = 0

    def lazy() -> Iterator[tuple[int, str]]:
        nonlocal pulled
        for item in ITEMS:
            pulled += 1
            yield item

    ahead = [pulled - received for received, _ in enumerate(executor.imap(square_plus_index, lazy()))]
    assert pulled == len(ITEMS) and len(ahead) == len(ITEMS)
    return ahead


def test_process_executor_reads_a_lazy_input_at_most_workers_times_two_ahead(process_executor):
    ahead = items_read_ahead(process_executor)
    assert max(ahead) <= process_executor.workers * 2
    assert ahead[0] == process_executor.workers * 2  # and it does read ahead: the workers stay busy


def test_local_executor_reads_one_at_a_time():
    assert items_read_ahead(LocalExecutor()) == [1] * len(ITEMS)


def check_a_worker_error_arrives_after_the_results_before_it(executor: Executor) -> None:
    """Shared with the dask tests: the worker's exception, message and all, after items 0-6 in order."""
    got = []
    with pytest.raises(ValueError, match="bad item 7"):
        for result in executor.imap(fail_on_seven, range(20)):
            got.append(result)
    assert got == list(range(7))  # everything before the failure arrived, in order


def check_an_input_failing_midway_delivers_what_was_read_then_its_error(executor: Executor) -> None:
    """Shared with the dask tests: an input that raises after six items gives those six, then its error."""

    def truncated() -> Iterator[int]:
        yield from range(6)
        raise OSError("truncated input")

    got = []
    with pytest.raises(OSError, match="truncated input"):
        for result in executor.imap(fail_on_seven, truncated()):
            got.append(result)
    assert got == list(range(6))


@pytest.mark.parametrize("executor", ["local", "process"])
def test_an_exception_in_a_worker_reaches_the_caller(executor, process_executor):
    check_a_worker_error_arrives_after_the_results_before_it(
        LocalExecutor() if executor == "local" else process_executor
    )


def test_process_executor_still_works_after_a_failure(process_executor):
    with pytest.raises(ValueError):
        list(process_executor.imap(fail_on_seven, range(10)))
    assert list(process_executor.imap(fail_on_seven, range(5))) == list(range(5))


def test_close_is_idempotent_and_a_closed_executor_starts_again():
    unused = ProcessExecutor(2)
    unused.close()
    unused.close()
    with ProcessExecutor(2) as executor:
        assert list(executor.imap(fail_on_seven, range(3))) == [0, 1, 2]
        executor.close()
        executor.close()
        assert list(executor.imap(fail_on_seven, range(3))) == [0, 1, 2]  # a fresh pool
    executor.close()
    local = LocalExecutor()
    local.close()
    local.close()


def test_executors_pickle_without_their_pool(process_executor):
    list(process_executor.imap(fail_on_seven, range(3)))
    copy = pickle.loads(pickle.dumps(process_executor))
    assert copy.workers == 2 and copy._pool is None
    assert isinstance(pickle.loads(pickle.dumps(LocalExecutor())), LocalExecutor)


def test_default_executor_picks_by_worker_count():
    assert isinstance(default_executor(0), LocalExecutor)
    assert isinstance(default_executor(1), LocalExecutor)
    many = default_executor(3)
    assert isinstance(many, ProcessExecutor) and many.workers == 3
    many.close()


@pytest.mark.parametrize("executor", ["local", "process"])
def test_an_input_failing_midway_delivers_what_was_read_then_its_error(executor, process_executor):
    check_an_input_failing_midway_delivers_what_was_read_then_its_error(
        LocalExecutor() if executor == "local" else process_executor
    )


_SETUP_CALLS: list[int] = []


def offset_setup(offset: int) -> dict[str, int]:
    # Counts its calls in the process that runs it (the test reads it only for the local executor).
    _SETUP_CALLS.append(offset)
    return {"offset": offset, "pid": os.getpid()}


def add_offset(state: dict[str, int], number: int) -> tuple[int, int]:
    return number + state["offset"], state["pid"]


def test_map_with_builds_state_once_per_worker(process_executor):
    from functools import partial

    from socialens.engine.state import map_with

    _SETUP_CALLS.clear()
    setup = partial(offset_setup, 100)
    local = list(map_with(LocalExecutor(), setup, add_offset, range(20)))
    assert [value for value, _ in local] == [n + 100 for n in range(20)]
    assert _SETUP_CALLS == [100]  # once, although 20 items ran
    remote = list(map_with(process_executor, setup, add_offset, range(20)))
    assert [value for value, _ in remote] == [n + 100 for n in range(20)]
    # At most one state per worker process: no more distinct pids than workers.
    assert 1 <= len({pid for _, pid in remote}) <= process_executor.workers
