"""Metrics of each validation (once an epoch, or every N steps) in two formats: TensorBoard
event files and a plain ``metrics.jsonl``.

TensorBoard because users already have a viewer for it (``tensorboard --logdir DIR``) and it
works from a local folder, offline; JSON lines because a script or a report can read them
without TensorBoard installed. Every numeric entry of a validation's record becomes a scalar
tagged by its name, ``train_loss`` -> ``train/loss``, ``valid_metric`` -> ``valid/metric``,
``lr`` -> ``lr`` (``/`` groups the charts in TensorBoard).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from socialens.errors import MissingExtraError

METRICS_FILE = "metrics.jsonl"
TAGS = {"train_loss": "train/loss", "valid_metric": "valid/metric", "lr": "lr", "seconds": "time/epoch_seconds"}


class Tracker:
    """Writes one record per validation to ``log_dir``; ``Tracker(None)`` does nothing.

    ``history`` is what a resumed run already logged: ``metrics.jsonl`` is rewritten to it and
    TensorBoard drops events from later validations of the interrupted run (``purge_step``), so a
    resumed run's logs read as if it had never stopped.
    """

    def __init__(self, log_dir: Path | None, history: list[dict[str, Any]] | None = None) -> None:
        self.log_dir = log_dir
        self._writer: Any = None
        if log_dir is None:
            return
        log_dir.mkdir(parents=True, exist_ok=True)
        history = history or []
        lines = "".join(json.dumps(record, sort_keys=True) + "\n" for record in history)
        (log_dir / METRICS_FILE).write_text(lines, encoding="utf-8")
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as exc:
            raise MissingExtraError("tensorboard", "ml") from exc
        # Events of a previous run in the same folder from this step on are hidden by TensorBoard.
        last = int(history[-1].get("step", history[-1]["epoch"])) if history else 0
        self._writer = SummaryWriter(log_dir=str(log_dir), purge_step=last + 1)

    def log_epoch(self, record: dict[str, Any]) -> None:
        """Append one validation's record (its ``step``, else its ``epoch``, is the TensorBoard step)."""
        if self.log_dir is None:
            return
        with (self.log_dir / METRICS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
        step = int(record.get("step", record["epoch"]))  # runs validated every N steps log by step
        for key, value in record.items():
            if key not in ("epoch", "step") and isinstance(value, int | float) and not isinstance(value, bool):
                self._writer.add_scalar(TAGS.get(key, key), float(value), step)
        self._writer.flush()

    def log_text(self, tag: str, text: str) -> None:
        """Free text shown in TensorBoard's Text tab (the run's settings, for instance)."""
        if self._writer is not None:
            self._writer.add_text(tag, text, 0)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def read_metrics(log_dir: Path) -> list[dict[str, Any]]:
    """The records of ``metrics.jsonl``, in order."""
    path = log_dir / METRICS_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_scalars(log_dir: Path) -> dict[str, list[tuple[int, float]]]:
    """Scalars from the TensorBoard event files under ``log_dir``, read back the way TensorBoard
    does, as ``{tag: [(step, value), ...]}``."""
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError as exc:
        raise MissingExtraError("tensorboard", "ml") from exc
    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    return {
        tag: [(event.step, float(event.value)) for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
    }
