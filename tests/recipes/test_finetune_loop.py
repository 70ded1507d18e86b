"""The accurate recipe's fine-tuning through the shared trainer: a deadline stops it at its best
checkpoint, a resume finishes the run exactly as an unstopped one, other settings are refused."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from socialens.datasets.sentiment import load_sentiment_split
from socialens.errors import ConfigError
from socialens.recipes.finetune_loop import FinetuneSettings, finetune
from socialens.training.checkpoint import BEST, load_checkpoint

# 48 texts in batches of 16: 3 steps; validation after the second and the last.
SETTINGS = FinetuneSettings(epochs=1.0, batch_size=16, eval_every=2, group_size=2, num_threads=1)


def _run(folder: Path, stop_at: float | None = None, settings: FinetuneSettings = SETTINGS) -> tuple[object, object]:
    split = load_sentiment_split("en")
    return finetune(
        split.train_texts[:48],
        split.train_labels[:48],
        split.valid_texts[:24],
        split.valid_labels[:24],
        len(split.labels),
        settings,
        folder,
        stop_at=stop_at,
        say=lambda _: None,
    )


def test_a_deadline_stops_at_the_best_checkpoint_and_a_resume_ends_as_an_unstopped_run(tmp_path: Path) -> None:
    straight, whole = _run(tmp_path / "a")
    assert (whole.steps_run, whole.total_steps, whole.stopped) == (3, 3, "finished")
    assert [r["step"] for r in whole.history] == [2, 3]

    stopped, part = _run(tmp_path / "b", stop_at=time.time() - 1)  # past: it stops after its first step
    assert (part.steps_run, part.stopped, part.best_step) == (1, "stop_at", 1)
    best = load_checkpoint(tmp_path / "b" / BEST)["model"]
    assert all(torch.equal(v, best[k]) for k, v in stopped.state_dict().items())

    resumed, rest = _run(tmp_path / "b")
    assert (rest.steps_run, rest.stopped) == (3, "finished")
    assert all(torch.equal(v, straight.state_dict()[k]) for k, v in resumed.state_dict().items())
    assert [r["valid_macro_f1"] for r in rest.history][1:] == [r["valid_macro_f1"] for r in whole.history]

    with pytest.raises(ConfigError, match="other settings"):
        _run(tmp_path / "b", settings=replace(SETTINGS, max_length=32))
