"""``socialens train image-classifier --data DIR`` on a small real folder (Fashion-MNIST pictures as PNG files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from socialens.analyses.images.classifier import load_classifier
from socialens.analyses.images.fashion import LABELS, load_fashion_mnist
from socialens.errors import InputFileError
from socialens.training.model_registry import ModelRegistry
from tests.cli.test_cli import run_cli

CLASSES = {1: "trouser", 7: "sneaker", 8: "bag"}


def write_folders(root: Path, per_class: int = 15) -> Path:
    data = load_fashion_mnist()
    for label, name in CLASSES.items():
        folder = root / name
        folder.mkdir(parents=True)
        picks = np.flatnonzero(data.test_y == label)[:per_class]
        for i in picks:
            Image.fromarray(data.test_x[i]).resize((112, 112)).convert("RGB").save(folder / f"{i}.png")
    (root / "bag" / "broken.png").write_bytes(b"\x89PNG not really")
    return root


def test_train_image_classifier_from_the_cli(tmp_path: Path) -> None:
    folders = write_folders(tmp_path / "pictures")
    models = tmp_path / "models"
    result = run_cli(
        tmp_path,
        "train",
        "image-classifier",
        "--data",
        folders,
        "--epochs",
        "6",
        "--models-dir",
        models,
        "--json",
        timeout=300,
    )
    assert result.code == 0, result.stderr
    card = result.json()
    assert card["task"] == "image-classifier" and card["labels"] == ["bag", "sneaker", "trouser"]
    assert card["metrics"]["n"] >= 6 and card["metrics"]["accuracy"] >= 0.8  # 3 classes: chance is 0.33
    assert card["metrics"]["unreadable"] == 1 and card["skipped"][0].startswith("broken.png")
    assert "seed 42" in card["split"] and card["data_hash"].startswith("sha256:")
    registered = ModelRegistry(models).default("image-classifier", "multi")
    assert registered.name == card["name"] and registered.path is not None
    model = load_classifier(registered.path)
    assert model.num_classes == 3 and LABELS[8] == "Bag"


def test_a_folder_without_classes_is_a_clear_error(tmp_path: Path) -> None:
    from socialens.analyses.images.train import read_labelled_folders

    (tmp_path / "only").mkdir()
    with pytest.raises(InputFileError, match="at least 2 class folders"):
        read_labelled_folders(tmp_path)
    result = run_cli(tmp_path, "train", "image-classifier", "--json")
    assert result.code == 2 and "needs --data DIR" in result.stderr
