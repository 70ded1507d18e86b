"""Training checkpoints: written atomically, read back safely, with every random state.

A run killed at any moment leaves either the previous ``last.pt`` or the new one, never half a
file: the checkpoint is written to a temporary file in the same folder and renamed over the old
one (``os.replace`` is atomic on POSIX and Windows). Checkpoints are read with
``torch.load(weights_only=True)``, so opening one cannot run code; that is why the random
states are stored as tensors and plain lists rather than numpy objects.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from socialens.errors import CheckpointError

LAST = "last.pt"
BEST = "best.pt"
# Settings that shape the trajectory: resuming with other values could not end where the
# uninterrupted run would, so a resume refuses them (patience, logging, threads may change).
TRAJECTORY = ("epochs", "batch_size", "lr", "weight_decay", "seed", "max_grad_norm", "warmup_ratio", "steps_per_epoch")
# Settings added later: a checkpoint written before them ran with these values.
TRAJECTORY_SINCE = {"schedule": "linear", "ema": 0.0, "max_steps": None}


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` to ``path`` via a temporary file and a rename (crash-safe)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`; clear error when it cannot be read."""
    if not path.is_file():
        raise CheckpointError(f"{path}: no checkpoint there")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(
            f"{path}: cannot read the checkpoint ({type(exc).__name__}: {exc}); "
            "delete it to start over, or resume from a copy"
        ) from exc
    if not isinstance(state, dict) or "model" not in state:
        raise CheckpointError(f"{path}: not a socialens training checkpoint (no 'model' entry)")
    return state


def check_resumable(path: Path, last: dict[str, Any], config: dict[str, Any]) -> None:
    """Refuse to resume ``last`` under settings (or data size) that change the trajectory."""
    saved = last.get("config", {})
    saved = {**TRAJECTORY_SINCE, **saved}
    keys = (*TRAJECTORY, *TRAJECTORY_SINCE)
    changed = [f"{k}: {saved.get(k)!r} -> {config.get(k)!r}" for k in keys if saved.get(k) != config.get(k)]
    if changed:
        raise CheckpointError(
            f"{path}: cannot resume with different settings or data ({'; '.join(changed)}); "
            "restore them, or train afresh in another checkpoint_dir"
        )


def best_weights(folder: Path, last: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The best validation's weights: ``last.pt``'s own when the last validation was the best
    (``best.pt`` is written after ``last.pt``, so a crash between the two leaves it one best
    behind). Validations are told apart by step (by epoch in checkpoints older than steps)."""
    key = "step" if "best_step" in last else "epoch"
    if last[f"best_{key}"] == last[key]:
        return dict(last["model"])
    best = load_checkpoint(folder / BEST)
    if best.get(key) != last[f"best_{key}"]:
        raise CheckpointError(
            f"{folder / BEST} holds {key} {best.get(key)}, but {folder / LAST} names {key} "
            f"{last[f'best_{key}']} as the best; delete both to train afresh"
        )
    return dict(best["model"])


def capture_rng_states(generator: torch.Generator) -> dict[str, Any]:
    """Every random state the loop draws from: Python, numpy, torch and the shuffling generator."""
    np_state = np.random.get_state(legacy=False)
    return {
        "python": _to_lists(random.getstate()),
        "numpy": {
            "bit_generator": np_state["bit_generator"],
            "key": np_state["state"]["key"].tolist(),
            "pos": int(np_state["state"]["pos"]),
            "has_gauss": int(np_state["has_gauss"]),
            "gauss": float(np_state["gauss"]),
        },
        "torch": torch.get_rng_state(),
        "generator": generator.get_state(),
    }


def restore_rng_states(states: dict[str, Any], generator: torch.Generator) -> None:
    """Inverse of :func:`capture_rng_states`."""
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))
    saved = states["numpy"]
    np.random.set_state(
        {
            "bit_generator": saved["bit_generator"],
            "state": {"key": np.asarray(saved["key"], dtype=np.uint32), "pos": saved["pos"]},
            "has_gauss": saved["has_gauss"],
            "gauss": saved["gauss"],
        }
    )
    torch.set_rng_state(states["torch"])
    generator.set_state(states["generator"])


def _to_lists(value: Any) -> Any:
    # random.getstate() nests tuples; weights_only loading accepts lists and tuples of ints alike,
    # but lists keep the saved form independent of the Python version's tuple layout.
    if isinstance(value, tuple):
        return [_to_lists(v) for v in value]
    return value
