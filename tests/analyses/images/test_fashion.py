"""Fashion-MNIST through the shared trainer, on a slice (the full run is benchmarks/quality/images_fashion.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from socialens.analyses.images.fashion import FashionMNIST, load_fashion_mnist, read_idx, train_network
from socialens.errors import InputFileError


def test_official_files_load() -> None:
    data = load_fashion_mnist()
    assert data.train_x.shape == (60_000, 28, 28) and data.test_x.shape == (10_000, 28, 28)
    assert np.bincount(data.test_y).tolist() == [1000] * 10


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_networks_learn_on_a_slice(kind: str) -> None:
    data = load_fashion_mnist()
    part = FashionMNIST(data.train_x[:4000], data.train_y[:4000], data.test_x[:1000], data.test_y[:1000])
    _, metrics = train_network(kind, part, epochs=2)
    assert metrics["accuracy"] >= 0.7 and metrics["n"] == 1000 and metrics["epochs_run"] == 2  # chance: 0.1


def test_a_truncated_idx_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad-ubyte.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x1c\x00\x00\x00\x1c" + b"\x00" * 100)
    with pytest.raises(InputFileError, match="truncated"):
        read_idx(path)
