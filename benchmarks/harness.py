"""One harness for every benchmark: what ran, where, under what load, against which peer.

A benchmark opens a :class:`Run` at its start and calls :meth:`Run.record` as soon as a
measurement exists; each call appends one JSON line to ``benchmarks/results/<area>.jsonl`` at once
(flushed and synced), so a crash after measuring never loses what was measured. The keys are
those every result carries::

    {"benchmark", "issue", "date", "machine", "load": [at start, at record], "seed", "split",
     "metrics": {...}, "peers": {"<peer>": {...same metrics...}}, "notes", "command"}

``python -m benchmarks.results`` turns the lines into benchmarks/RESULTS.md. Benchmarks run as
modules from the repository root (``python -m benchmarks.speed.engines``; ``SOCIALENS_BENCH_RESULTS=DIR``
sends a trial run's lines elsewhere); a benchmark that starts
copies of itself uses :func:`module_command` and :func:`child_env`, never a ``sys.path`` edit.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.machine import describe

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
KEYS = ("benchmark", "issue", "date", "machine", "load", "seed", "split", "metrics", "peers", "notes")


def load_average() -> float:
    """The 1-minute load average: on a shared machine wall-clock figures are only as good as this."""
    return round(os.getloadavg()[0], 2)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def append_line(path: Path, line: Mapping[str, Any]) -> None:
    """Append one JSON line and push it to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


@dataclass
class Run:
    """One benchmark run: the machine line and the load at its start, written into every result.

    ``benchmark`` is the module (``benchmarks.speed.engines``); ``area`` names the results file
    (``engines`` -> benchmarks/results/engines.jsonl); ``packages`` are the versions that matter
    for the machine line (the peer's library, torch, ...).
    """

    benchmark: str
    area: str
    issue: int | None
    seed: int | None = None
    split: str = ""
    packages: tuple[str, ...] = ()
    results: Path = field(default_factory=lambda: Path(os.environ.get("SOCIALENS_BENCH_RESULTS", RESULTS)))
    command: str = field(default_factory=lambda: " ".join(["python -m", _module_of_main(), *sys.argv[1:]]))
    machine: str = field(init=False)
    load_at_start: float = field(init=False)

    def __post_init__(self) -> None:
        self.machine = describe(*self.packages)
        self.load_at_start = load_average()

    @property
    def path(self) -> Path:
        return self.results / f"{self.area}.jsonl"

    def record(
        self,
        metrics: Mapping[str, Any],
        peers: Mapping[str, Mapping[str, Any]] | None = None,
        notes: str = "",
        floor: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Append one measurement now; ``floor`` is ``{"text": ..., "met": bool}`` when the issue sets one."""
        line: dict[str, Any] = {
            "benchmark": self.benchmark,
            "issue": self.issue,
            "date": utc_now(),
            "machine": self.machine,
            "load": [self.load_at_start, load_average()],
            "seed": self.seed,
            "split": self.split,
            "metrics": dict(metrics),
            "peers": {name: dict(values) for name, values in (peers or {}).items()},
            "notes": notes,
            "command": self.command,
        }
        if floor is not None:
            line["floor"] = dict(floor)
        line.update(extra)
        append_line(self.path, line)
        return line

    def record_table(self, markdown: str, notes: str = "", **extra: Any) -> dict[str, Any]:
        """Record a benchmark's printed Markdown table: rows naming a known peer become ``peers``, the
        others ``metrics`` (``{row: {column: value}}``); the table itself is kept under ``text``."""
        from benchmarks.results.markdown_import import PEERS, tables

        metrics: dict[str, Any] = {}
        peers: dict[str, Any] = {}
        for table in tables(markdown):
            for label, row in table.items():
                (peers if PEERS.search(label) else metrics)[label] = row
        return self.record(metrics, peers, notes=notes, text=markdown.strip(), **extra)

    @contextmanager
    def printed(self, notes: str = "") -> Iterator[None]:
        """Record what the block prints (its Markdown tables, via :meth:`record_table`) when it ends,
        also when it ends in an error: what was measured and printed before a crash is kept."""
        buffer = io.StringIO()

        class Tee(io.TextIOBase):
            def write(self, text: str) -> int:
                buffer.write(text)
                return sys.__stdout__.write(text) if sys.__stdout__ else len(text)

        try:
            with redirect_stdout(Tee()):
                yield
        finally:
            if buffer.getvalue().strip():
                self.record_table(buffer.getvalue(), notes=notes)


def recording(
    benchmark: str, area: str, issue: int | None, worker_flag: str | None = None, **settings: Any
) -> AbstractContextManager[None]:
    """``with recording(__spec__.name, "graph", 6): main()``: a run whose printed tables are recorded.

    A benchmark that starts copies of itself as workers (``worker_flag`` on their command line)
    records only in the parent: a worker's output is the parent's input, not a result.
    """
    if worker_flag is not None and worker_flag in sys.argv:
        return nullcontext()
    return Run(benchmark, area=area, issue=issue, **settings).printed()


def markdown_section(
    heading: str, about: str, columns: Sequence[str], align: str, rows: Iterable[Sequence[Any]], closing: str
) -> str:
    """A printed result in the RESULTS.md form: ``### heading``, a paragraph on the run, a table
    (``align``: ``l`` or ``r`` per column) and a closing line (the floor met or not)."""
    separator = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    table = ["| " + " | ".join(columns) + " |", separator, *("| " + " | ".join(map(str, row)) + " |" for row in rows)]
    return "\n".join([f"### {heading}", "", about, "", *table, "", closing])


def _module_of_main() -> str:
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return spec.name if spec is not None else Path(sys.argv[0]).name


def module_command(module: str, *args: str) -> list[str]:
    """The command that runs ``module`` (``benchmarks.quality.sequence``) in a fresh interpreter."""
    return [sys.executable, "-m", module, *args]


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this environment) with the repository and src/ importable from any working directory."""
    env = dict(os.environ if base is None else base)
    root = BENCHMARKS.parent
    paths = [str(root), str(root / "src"), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env
