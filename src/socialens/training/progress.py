"""What a training run shows while it runs: a rich bar on a terminal, or plain lines with an ETA.

Both hear the same calls from the trainer: ``begin`` (the step it starts from), ``start_epoch``,
``step`` after each optimizer step and ``validated`` with each validation's record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class ConsoleProgress:
    """A rich bar over each epoch's batches, then one log line per validation; silent when disabled."""

    def __init__(self, enabled: bool, epochs: int) -> None:
        self.epochs = epochs
        self._bar: Any = None
        self._task: Any = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[status]}"),
                transient=True,
            )

    def __enter__(self) -> ConsoleProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def begin(self, step: int, best_metric: float, best_step: int) -> None:
        pass  # the bar shows where a resumed run stands by itself

    def start_epoch(self, epoch: int, steps: int) -> None:
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(f"epoch {epoch}/{self.epochs}", total=steps, status="")

    def step(self, step: int, mean_loss: float) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, status=f"loss {mean_loss:.4f}")

    def validated(self, record: dict[str, Any]) -> None:
        if self._bar is None:
            return
        if "step" not in record:  # validated once an epoch: the epoch's bar is done
            self._bar.remove_task(self._task)
            self._task = None
        mark = "  (best)" if record["improved"] else ""
        where = f"step {record['step']} " if "step" in record else ""
        self._bar.console.print(
            f"{where}epoch {record['epoch']}/{self.epochs}  loss {record['train_loss']:.4f}  "
            f"valid {record['valid_metric']:.4f}{mark}  lr {record['lr']:.2e}  {record['seconds']:.1f}s"
        )


class LineProgress:
    """Plain lines to ``say`` (a log, a recipe's output): the step, epoch, mean loss, seconds per
    step and time left every ``every`` steps (and the first and last), and each validation."""

    def __init__(self, say: Callable[[str], None], total_steps: int, steps_per_epoch: int, every: int = 25) -> None:
        self.say, self.total, self.per_epoch, self.every = say, total_steps, steps_per_epoch, every
        self.started, self.first = time.perf_counter(), 0
        self.best_metric, self.best_step = -float("inf"), 0

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def begin(self, step: int, best_metric: float, best_step: int) -> None:
        self.started, self.first = time.perf_counter(), step
        self.best_metric, self.best_step = best_metric, best_step
        if step:
            self.say(
                f"resumed at step {step:,} of {self.total:,} "
                f"(best validation metric {best_metric:.4f} at step {best_step:,})"
            )

    def start_epoch(self, epoch: int, steps: int) -> None:
        pass

    def step(self, step: int, mean_loss: float) -> None:
        if step % self.every and step not in (self.first + 1, self.total):
            return
        rate = (time.perf_counter() - self.started) / max(1, step - self.first)
        self.say(
            f"step {step:,}/{self.total:,} (epoch {step / self.per_epoch:.2f}) loss {mean_loss:.4f}, "
            f"{rate:.2f} s/step, about {_duration(rate * (self.total - step))} left"
        )

    def validated(self, record: dict[str, Any]) -> None:
        step = record.get("step", record["epoch"] * self.per_epoch)
        if record["improved"]:
            self.best_metric, self.best_step = record["valid_metric"], step
        self.say(
            f"validation at step {step:,}: metric {record['valid_metric']:.4f} "
            f"(best {self.best_metric:.4f} at step {self.best_step:,})"
        )


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
