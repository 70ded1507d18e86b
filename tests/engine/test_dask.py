"""The Dask executor against a real scheduler: the one CI starts on loopback, or a local cluster.

``SOCIALENS_TEST_DASK=tcp://127.0.0.1:8786`` (set by ``.ci/run``) points the tests at a
running scheduler with two worker processes; without it they start a ``LocalCluster`` of
two processes themselves. Nothing here is skipped: without ``distributed`` or without the
scheduler CI names, the tests fail.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from socialens.engine import LocalExecutor, ProcessExecutor, from_spec, map_with
from socialens.engine.dask import IN_FLIGHT_PER_WORKER, DaskExecutor
from socialens.errors import ConfigError
from tests.engine.test_executors import (
    ITEMS,
    add_offset,
    check_a_worker_error_arrives_after_the_results_before_it,
    check_an_input_failing_midway_delivers_what_was_read_then_its_error,
    fail_on_seven,
    items_read_ahead,
    offset_setup,
    square_plus_index,
)

SCHEDULER = os.environ.get("SOCIALENS_TEST_DASK")


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[DaskExecutor]:
    # One cluster (or connection) for the module: a LocalCluster takes several seconds to start.
    executor = DaskExecutor(SCHEDULER, workers=2)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def process_executor() -> Iterator[ProcessExecutor]:
    executor = ProcessExecutor(2)
    yield executor
    executor.close()


def worker_pid(_: object) -> int:
    return os.getpid()


def test_dask_gives_the_same_ordered_results_as_the_other_executors(dask_executor, process_executor):
    expected = list(LocalExecutor().imap(square_plus_index, ITEMS))
    assert list(process_executor.imap(square_plus_index, ITEMS)) == expected
    assert list(dask_executor.imap(square_plus_index, iter(ITEMS))) == expected
    assert list(dask_executor.imap(square_plus_index, [])) == []
    # Equal items are separate tasks, each with its result in its place.
    assert list(dask_executor.imap(square_plus_index, [(3, "a")] * 5)) == [(9, "A")] * 5


def test_the_work_runs_in_two_other_processes(dask_executor):
    pids = set(dask_executor.imap(worker_pid, range(40)))
    assert os.getpid() not in pids
    assert dask_executor.workers == 2 and 1 <= len(pids) <= 2


def test_dask_reads_a_lazy_input_a_bounded_window_ahead(dask_executor):
    assert max(items_read_ahead(dask_executor)) <= dask_executor.workers * IN_FLIGHT_PER_WORKER


def test_a_worker_error_reaches_the_caller_with_its_message_after_the_results_before_it(dask_executor):
    check_a_worker_error_arrives_after_the_results_before_it(dask_executor)
    assert list(dask_executor.imap(fail_on_seven, range(5))) == list(range(5))  # still usable


def test_an_input_failing_midway_delivers_what_was_read_then_its_error(dask_executor):
    check_an_input_failing_midway_delivers_what_was_read_then_its_error(dask_executor)


def test_map_with_builds_state_once_per_dask_worker(dask_executor):
    remote = list(map_with(dask_executor, partial(offset_setup, 7), add_offset, range(30)))
    assert [value for value, _ in remote] == [n + 7 for n in range(30)]
    state_pids = {pid for _, pid in remote}  # the pid the state recorded when it was built
    assert os.getpid() not in state_pids and 1 <= len(state_pids) <= dask_executor.workers


def test_from_spec_names_the_dask_executor():
    local = from_spec("dask")
    assert isinstance(local, DaskExecutor) and local.address is None and local.workers == 2
    remote = from_spec("dask://127.0.0.1:8786")
    assert isinstance(remote, DaskExecutor) and remote.address == "tcp://127.0.0.1:8786"
    copy = pickle.loads(pickle.dumps(remote))
    assert copy.address == remote.address and copy._client is None


def test_an_unreachable_scheduler_is_a_config_error_naming_it():
    executor = DaskExecutor("127.0.0.1:9", connect_timeout=2)
    with pytest.raises(ConfigError, match=r"could not reach a Dask scheduler at tcp://127\.0\.0\.1:9"):
        list(executor.imap(square_plus_index, ITEMS[:2]))
    executor.close()


def _gone(pids: set[int], within_s: float = 20.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.2)
    return False


def test_closing_a_connection_leaves_the_scheduler_and_its_workers_running(dask_executor):
    address = SCHEDULER or dask_executor._get_client().scheduler.address
    other = DaskExecutor(address)
    assert list(other.imap(square_plus_index, ITEMS[:4])) == [square_plus_index(i) for i in ITEMS[:4]]
    pids = set(other.imap(worker_pid, range(8)))
    other.close()
    assert not _gone(pids, within_s=1.0)
    assert list(dask_executor.imap(square_plus_index, ITEMS[:4])) == [square_plus_index(i) for i in ITEMS[:4]]


def worker_profiles(_: object) -> tuple[object, object]:
    import dask

    return dask.config.get("distributed.worker.profile.enabled"), dask.config.get("distributed.scheduler.work-stealing")


def test_close_stops_the_local_cluster_it_started():
    own = DaskExecutor(workers=1)
    # the cluster it starts runs its workers without the profiler and without work stealing
    assert list(own.imap(worker_profiles, range(2))) == [(False, False)] * 2
    pids = set(own.imap(worker_pid, range(4)))
    own.close()
    own.close()  # idempotent
    assert _gone(pids), f"worker processes {pids} still running after close()"


PLAIN_DASK_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from socialens.engine.dask import DaskExecutor

    def triple(x):
        return 3 * x

    executor = DaskExecutor(workers=2)
    print(list(executor.imap(triple, range(6))), flush=True)
    if sys.argv[1:] == ["wait"]:
        time.sleep(600)
    executor.close()
    """
)


def test_a_local_cluster_runs_from_a_script_without_a_main_guard_and_dies_with_it(tmp_path):
    from tests.engine.test_lifecycle import _descendants, _gone_within

    script = tmp_path / "plain_dask.py"
    script.write_text(PLAIN_DASK_SCRIPT)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([3 * x for x in range(6)])  # the script's own function, on workers

    waiting = subprocess.Popen([sys.executable, str(script), "wait"], stdout=subprocess.PIPE, text=True)
    assert waiting.stdout is not None and waiting.stdout.readline()
    workers = _descendants(waiting.pid)
    waiting.kill()
    waiting.wait(timeout=30)
    left = _gone_within(workers)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"Dask worker processes {left} outlived the killed script"
