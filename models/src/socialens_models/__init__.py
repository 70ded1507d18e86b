"""The models socialens ships: one folder per model, found through the ``socialens.models`` entry point.

Each folder ``<task>-<lang>[-<variant>]/`` holds what the socialens model registry writes for one
model version (``card.json`` and the model's files), plus ``MODEL_CARD.md`` and ``SHA256SUMS``.
See README.md in this distribution for the full contract. This module imports nothing heavy:
socialens itself checks the hashes and loads the weights.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MODELS_ROOT", "model_dirs"]

MODELS_ROOT = Path(__file__).resolve().parent


def model_dirs() -> list[Path]:
    """Every shipped model folder (one holding a ``card.json``), sorted by name."""
    return sorted(p for p in MODELS_ROOT.iterdir() if p.is_dir() and (p / "card.json").is_file())
