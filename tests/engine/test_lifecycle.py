"""Worker processes never outlive the ingest that started them, and plain scripts need no main guard.

Every test runs a real ingest (or a real script) in a subprocess with real worker processes,
stops it the way a user or a system would, and looks at the processes that are left (``/proc``)
and at the store's ingest history.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from socialens.store import Store
from tests.conftest import rows

STATUSES = 150_000  # ~28 MB: above the size at which ingest starts worker processes
ROOT = Path(__file__).parents[2]


def _write_statuses(path: Path, n: int) -> Path:
    with open(path, "wb") as out:
        for i in range(n):
            status = {
                "id_str": str(i),
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": f"post number {i} for @friend{i % 97} about #topic{i % 13} and the weather today",
                "user": {"id_str": str(i % 500), "screen_name": f"user{i % 500}"},
            }
            out.write(orjson.dumps(status, option=orjson.OPT_APPEND_NEWLINE))
    return path


@pytest.fixture(scope="module")
def statuses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_statuses(tmp_path_factory.mktemp("data") / "statuses.jsonl", STATUSES)


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (zombies, which hold no memory, left out)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            parents[int(entry.name)] = int(ppid)
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _read_position(pid: int, path: Path) -> int:
    """How far process ``pid`` has read into ``path`` (its file offset), 0 before it opens it."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                return int(info.split("pos:", 1)[1].split()[0])
        except OSError:
            continue
    return 0


def _wait_for_workers(proc: subprocess.Popen[str], data: Path, count: int = 2, timeout: float = 180) -> set[int]:
    """The ingest's processes once its ``count`` workers (beside the fork server) are busy and a
    fifth of the input has been read (the read-ahead is bounded, so chunks have come back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest ended before it could be stopped"
        found = _descendants(proc.pid)
        if len(found) >= count + 1 and _read_position(proc.pid, data) > data.stat().st_size // 5:
            return found
        time.sleep(0.1)
    raise AssertionError("the ingest never got going with its worker processes")


# How long a process may take to notice and exit: generous, because what is tested is that it
# exits on its own, not how fast (on a busy shared machine a process can wait seconds for a CPU).
EXIT_WAIT_S = 60.0


def _gone_within(pids: set[int], seconds: float = EXIT_WAIT_S) -> set[int]:
    """The processes of ``pids`` still alive when they all exited or ``seconds`` passed."""
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _interruptible() -> None:
    # A run started in the background by a non-interactive shell (`cmd &`) inherits SIGINT ignored
    # (POSIX), and Python then keeps it ignored; what is tested is a user's Ctrl-C, so the ingest
    # starts with SIGINT's default disposition whatever launched the test run.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli_ingest(data: Path, store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "socialens.cli.main", "ingest", str(data), "--store", str(store), "--edge", "python"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        preexec_fn=_interruptible,
    )


def _history(store_path: Path) -> list[tuple[str, int]]:
    with Store(store_path) as store:
        history = rows(store, "SELECT status, new FROM ingests ORDER BY started_at")
    return [(status, new or 0) for status, new in history]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_stopping_an_ingest_leaves_no_worker_behind(statuses, tmp_path, stop):
    store_path = tmp_path / "stopped.duckdb"
    proc = _cli_ingest(statuses, store_path)
    workers = _wait_for_workers(proc, statuses)
    os.kill(proc.pid, stop)
    _, stderr = proc.communicate(timeout=300)
    assert not _gone_within(workers), f"processes left after {stop.name}: {_alive(workers)}"
    if stop == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        # Killed before it could say anything: the history still shows the file was not finished.
        assert [status for status, _ in _history(store_path)] == ["incomplete"]
        return
    assert proc.returncode == 130, stderr
    assert "interrupted:" in stderr and "Traceback" not in stderr
    with Store(store_path) as store:
        committed = store.count("posts")
        stored = committed + store.count("users") + store.count("interactions")
    assert 0 < committed < STATUSES
    assert _history(store_path) == [("interrupted", stored)]  # the history counts what is stored
    assert f"{committed:,}" in stderr  # and so does the message


@pytest.mark.timeout(900)  # two ingests, one of them whole, on a machine that may be busy
def test_an_interrupted_ingest_completes_when_run_again(tmp_path):
    total = 50_000  # ~9 MB: still enough for worker processes, and quick to finish
    data = _write_statuses(tmp_path / "resume.jsonl", total)
    assert data.stat().st_size > 8 << 20
    store_path = tmp_path / "resumed.duckdb"
    proc = _cli_ingest(data, store_path)
    _wait_for_workers(proc, data)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=300)
    again = _cli_ingest(data, store_path)
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr
    with Store(store_path) as store:
        assert store.count("posts") == total
        stored = total + store.count("users") + store.count("interactions")
    (first, committed), (second, new) = _history(store_path)
    assert (first, second) == ("interrupted", "ok") and committed + new == stored


SCRIPT_WITHOUT_GUARD = textwrap.dedent(
    """
    import os
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    store = Store({store!r})
    summary = ingest([{data!r}], store, format="twitter-v1", pseudonymizer=Pseudonymizer(b"key"), workers=2)
    print("stored", store.count("posts"), "errors", summary.errors, flush=True)
    """
)


def test_the_python_api_runs_worker_processes_from_a_script_without_a_main_guard(tmp_path):
    data = _write_statuses(tmp_path / "small.jsonl", 5_000)
    script = tmp_path / "plain_script.py"
    script.write_text(SCRIPT_WITHOUT_GUARD.format(store=str(tmp_path / "s.duckdb"), data=str(data)))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stored 5000 errors []"
    assert "Traceback" not in result.stderr


SCRIPT_WITH_ITS_OWN_FUNCTION = textwrap.dedent(
    """
    from socialens.engine import ProcessExecutor

    def double(x):
        return 2 * x

    print(list(ProcessExecutor(2).imap(double, range(10))))
    """
)


def test_a_script_whose_own_functions_go_to_workers_is_told_to_add_the_guard(tmp_path):
    script = tmp_path / "needs_guard.py"
    script.write_text(SCRIPT_WITH_ITS_OWN_FUNCTION)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode != 0
    assert "[E302]" in result.stderr and 'if __name__ == "__main__":' in result.stderr
    guarded = tmp_path / "guarded.py"
    body = SCRIPT_WITH_ITS_OWN_FUNCTION.replace("print(", 'if __name__ == "__main__":\n    print(')
    guarded.write_text(body)
    result = subprocess.run([sys.executable, str(guarded)], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([2 * x for x in range(10)])


WATCHED_CHILD = textwrap.dedent(
    """
    import os, subprocess, sys, time
    if sys.argv[1] == "parent":
        child = subprocess.Popen([sys.executable, __file__, "child", str(os.getpid())])
        print(child.pid, flush=True)
        time.sleep(600)
    else:
        from socialens.engine.lifecycle import watch_parent
        watch_parent(int(sys.argv[2]))
        print("watching", flush=True)
        time.sleep(600)
    """
)


def test_a_watched_worker_exits_as_soon_as_its_parent_is_killed(tmp_path):
    script = tmp_path / "watched.py"
    script.write_text(WATCHED_CHILD)
    parent = subprocess.Popen([sys.executable, str(script), "parent"], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == "watching"  # the child shares the pipe: it is up and watching
    try:
        assert _alive({child})
        parent.kill()
        parent.wait(timeout=10)
        assert not _gone_within({child})
    finally:
        if _alive({child}):
            os.kill(child, signal.SIGKILL)
