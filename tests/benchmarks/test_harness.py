"""The benchmark harness: a real (tiny) measurement appended as one JSON line, at once, with every key."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from benchmarks.harness import KEYS, Run, child_env, markdown_section, module_command
from benchmarks.machine import describe


def _sum_squares(n: int) -> int:
    return sum(i * i for i in range(n))


def test_each_record_is_on_disk_before_the_next_measurement(tmp_path: Path) -> None:
    run = Run("tests.tiny_sum", area="tiny", issue=19, seed=7, split="none: a CPU loop", results=tmp_path)
    rates = {}
    for name, n in (("ours", 20_000), ("peer", 40_000)):
        started = time.process_time()
        _sum_squares(n)
        rates[name] = n / max(time.process_time() - started, 1e-9)
    first = run.record({"items_per_cpu_s": rates["ours"]}, peers={"double work": {"items_per_cpu_s": rates["peer"]}})
    on_disk = (tmp_path / "tiny.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in on_disk] == [first]  # written by record(), not at exit
    with pytest.raises(ZeroDivisionError):  # a crash after the first measurement
        run.record({"items_per_cpu_s": 1 / 0})
    lines = [json.loads(x) for x in (tmp_path / "tiny.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert set(KEYS) <= set(line)
    assert line["machine"] == describe()
    assert line["seed"] == 7 and line["issue"] == 19 and line["split"] == "none: a CPU loop"
    assert len(line["load"]) == 2 and all(x >= 0 for x in line["load"])
    assert line["metrics"]["items_per_cpu_s"] > 0 and line["peers"]["double work"]["items_per_cpu_s"] > 0


def test_a_second_record_appends(tmp_path: Path) -> None:
    run = Run("tests.tiny", area="tiny", issue=None, results=tmp_path)
    run.record({"a": 1}, floor={"text": "a >= 1", "met": True})
    run.record({"a": 2}, notes="second")
    lines = [json.loads(x) for x in (tmp_path / "tiny.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["metrics"]["a"] for x in lines] == [1, 2]
    assert lines[0]["floor"] == {"text": "a >= 1", "met": True} and "floor" not in lines[1]


def test_a_benchmark_module_runs_in_a_child_from_any_directory(tmp_path: Path) -> None:
    import subprocess

    command = module_command("benchmarks.results", "--check")
    done = subprocess.run(command, cwd=tmp_path, env=child_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_printed_tables_are_recorded_even_when_the_run_then_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.harness import recording

    monkeypatch.setenv("SOCIALENS_BENCH_RESULTS", str(tmp_path))
    with pytest.raises(RuntimeError), recording("tests.printing", "tiny", 19):
        started = time.process_time()
        total = _sum_squares(30_000)
        seconds = time.process_time() - started
        print(f"| library | sum | cpu s |\n|---|---:|---:|\n| socialens | {total} | {seconds:.4f} |")
        print("| networkx | 1 | 2.5 |")
        raise RuntimeError("a missing leidenalg after all the work")
    [line] = [json.loads(x) for x in (tmp_path / "tiny.jsonl").read_text(encoding="utf-8").splitlines()]
    assert line["metrics"]["socialens"]["sum"] == _sum_squares(30_000)
    assert line["peers"] == {"networkx": {"sum": 1, "cpu s": 2.5}}


def test_a_worker_copy_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from benchmarks.harness import recording

    monkeypatch.setenv("SOCIALENS_BENCH_RESULTS", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["x", "--worker", "sasrec"])
    with recording("tests.worker", "tiny", 5, worker_flag="--worker"):
        print("| a | b |\n|---|---|\n| x | 1 |")
    assert not (tmp_path / "tiny.jsonl").exists()


def test_a_printed_section_is_a_table_the_recorder_reads_back(tmp_path: Path) -> None:
    section = markdown_section(
        "Issue 19, a tiny table",
        "one run, no load",
        ["model", "accuracy", "note"],
        "lrl",
        [["ours", 0.75, "a"], ["baseline (peer)", 0.5, "b"]],
        "Floor met.",
    )
    assert section.splitlines()[:6] == [
        "### Issue 19, a tiny table",
        "",
        "one run, no load",
        "",
        "| model | accuracy | note |",
        "|---|---:|---|",
    ]
    line = Run("tests.tiny_table", area="tiny", issue=19, results=tmp_path).record_table(section)
    assert set(line["metrics"]) | set(line["peers"]) == {"ours", "baseline (peer)"}
    assert line["text"].endswith("Floor met.")
