"""Fashion-MNIST (Debian ``dataset-fashion-mnist``) and the image classifiers trained on it.

Protocol: the official 60,000 training pictures, of which a seeded, stratified 5,000
(``random_state=42``) are held out for early stopping; the official 10,000 test pictures
for the reported figures. Networks go through the shared trainer
(:class:`socialens.training.trainer.Trainer`); the logistic-regression baseline is
scikit-learn's on the same pixels (scaled to [0, 1]).
"""

from __future__ import annotations

import gzip
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from socialens.errors import InputFileError, MissingExtraError

DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")
LABELS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
VALID_SIZE = 5_000
SEED = 42
PROTOCOL = (
    "Fashion-MNIST (Debian dataset-fashion-mnist): official 60k train / 10k test; 5,000 of the training "
    "pictures held out for early stopping (stratified, train_test_split random_state=42); figures on the "
    "official test set."
)


@dataclass(frozen=True)
class FashionMNIST:
    train_x: np.ndarray  # (N, 28, 28) uint8
    train_y: np.ndarray  # (N,) int64
    test_x: np.ndarray
    test_y: np.ndarray


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip or plain) as a numpy array of its declared shape."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputFileError(path, "not found; install Debian's dataset-fashion-mnist (scripts/setup does)") from None
    except (OSError, EOFError) as exc:
        raise InputFileError(path, f"not a readable IDX file: {exc}") from None
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise InputFileError(path, "not an unsigned-byte IDX file")
    dims = data[3]
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise InputFileError(path, f"truncated: {body.size} bytes for shape {shape}")
    return body.reshape(shape)


def load_fashion_mnist(folder: Path = DEBIAN_FOLDER) -> FashionMNIST:
    def part(name: str) -> np.ndarray:
        return read_idx(folder / f"{name}-ubyte.gz")

    return FashionMNIST(
        part("train-images-idx3").copy(),
        part("train-labels-idx1").astype(np.int64),
        part("t10k-images-idx3").copy(),
        part("t10k-labels-idx1").astype(np.int64),
    )


def split_valid(x: np.ndarray, y: np.ndarray, size: int = VALID_SIZE, seed: int = SEED) -> tuple[np.ndarray, ...]:
    """``train_x, valid_x, train_y, valid_y``: a stratified, seeded hold-out (at most a tenth of the data)."""
    from sklearn.model_selection import train_test_split

    size = min(size, max(len(y) // 10, len(set(y.tolist()))))
    index = np.arange(len(y))
    train, valid = train_test_split(index, test_size=size, random_state=seed, stratify=y)
    return x[train], x[valid], y[train], y[valid]


class PixelDataset(Dataset[dict[str, Any]]):
    """``{"pixels": (1, H, W) float in [0, 1], "labels": int}`` items for the trainer."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.pixels = torch.from_numpy(np.ascontiguousarray(x)).float().div_(255.0).unsqueeze(1)  # (N, 1, H, W)
        self.labels = torch.from_numpy(np.asarray(y, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {"pixels": self.pixels[i], "labels": self.labels[i]}


def build_network(kind: str, num_classes: int = 10) -> Any:
    from socialens.models.image_mlp import ImageMLP, ImageMLPConfig
    from socialens.models.small_cnn import SmallCNN, SmallCNNConfig

    if kind == "cnn":
        # channels-last convolutions: about 1.5x faster training on CPU here
        return SmallCNN(SmallCNNConfig(num_classes=num_classes)).to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    if kind == "mlp":
        return ImageMLP(ImageMLPConfig(num_classes=num_classes))
    raise ValueError(f"unknown network {kind!r}; choose cnn or mlp")


def train_network(
    kind: str, data: FashionMNIST, *, epochs: int, batch_size: int = 128, lr: float = 2e-3, progress: bool = False
) -> tuple[Any, dict[str, Any]]:
    """Train ``cnn`` or ``mlp`` with the shared trainer; returns the network and its test metrics."""
    from socialens.training.trainer import TrainConfig, Trainer

    train_x, valid_x, train_y, valid_y = split_valid(data.train_x, data.train_y)
    network = build_network(kind, int(max(data.train_y.max(), data.test_y.max())) + 1)
    config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, weight_decay=1e-4, patience=3, seed=SEED)
    started = time.perf_counter()
    result = Trainer(config).fit(
        network, PixelDataset(train_x, train_y), PixelDataset(valid_x, valid_y), progress=progress
    )
    metrics = evaluate_network(network, data.test_x, data.test_y)
    metrics.update(
        train_seconds=round(time.perf_counter() - started, 1),
        epochs_run=result.epochs_run,
        best_epoch=result.best_epoch,
        parameters=sum(p.numel() for p in network.parameters()),
        settings=config.to_dict(),
    )
    return network, metrics


def evaluate_network(network: Any, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    from torch.utils.data import DataLoader

    from socialens.training.evaluation import predict

    logits, labels = predict(network, DataLoader(PixelDataset(x, y), batch_size=512))
    return classification_metrics(labels.numpy(), logits.argmax(-1).numpy())


def logistic_baseline(data: FashionMNIST, max_iter: int = 100) -> dict[str, Any]:
    """Multinomial logistic regression on the pixels (scaled to [0, 1]), trained on all 60k."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise MissingExtraError("scikit-learn", "ml") from None
    started = time.perf_counter()
    model = LogisticRegression(max_iter=max_iter, random_state=SEED)
    model.fit(data.train_x.reshape(len(data.train_x), -1) / 255.0, data.train_y)
    predicted = model.predict(data.test_x.reshape(len(data.test_x), -1) / 255.0)
    return {**classification_metrics(data.test_y, predicted), "train_seconds": round(time.perf_counter() - started, 1)}


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro")), 4),
        "n": len(y_true),
    }
