"""``socialens train image-classifier --data DIR``: EfficientNet-lite0 fine-tuned on a user's labelled folders.

``DIR`` holds one folder per class (its name is the label) of pictures. Each picture is
decoded, cleaned of metadata and centre-cropped to 224 px; a stratified split (seed 42) keeps
70% for training, 15% for early stopping and 15% as the held-out test the model card reports.
By default the pretrained body stays frozen and a new head is trained on its features
(``unfreeze=0``: fast on a CPU, and what small folders support); ``-o unfreeze=N`` also
trains the last N blocks and the head convolution end to end. Training goes through the
shared trainer; the model lands in the model registry with its card (labels, split, data
fingerprint, test metrics, settings) and becomes the default ``image-classifier``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import ConfigError, InputFileError, MediaError, TrainingError
from socialens.progress import NoProgress, Progress
from socialens.training.request import TrainRequest, read_options, register_default

TASK = "image-classifier"
ARCHITECTURE = "images.EfficientNetLite0Classifier.v1"
SEED = 42
_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}
# Trained on a folder the user names, not on the store: `socialens train` opens no store.
USES_STORE = False


def read_labelled_folders(root: Path, limit: int | None = None) -> tuple[list[Path], list[int], list[str]]:
    """Picture paths, their class indices and the class names (sorted folder names)."""
    if not root.is_dir():
        raise InputFileError(root, "--data must be a folder with one sub-folder of pictures per class")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    paths: list[Path] = []
    labels: list[int] = []
    for index, name in enumerate(classes):
        found = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
        paths += found[:limit]
        labels += [index] * len(found[:limit])
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(classes))
    if len(classes) < 2 or int(counts.min(initial=len(paths))) < 3:
        shown = dict(zip(classes, counts.tolist(), strict=True))
        raise InputFileError(root, f"need at least 2 class folders with 3+ pictures each; found {shown}")
    return paths, labels, classes


def load_crops(paths: list[Path], bar: Progress) -> tuple[np.ndarray, list[int], list[str]]:
    """``(N, 224, 224, 3)`` uint8 crops of the readable pictures, their positions, and the unreadable ones."""
    from socialens.media.images import center_square, clean_image, open_image

    crops, kept, skipped = [], [], []
    bar.start("reading pictures", len(paths))
    for i, path in enumerate(paths):
        try:
            crops.append(np.asarray(center_square(clean_image(open_image(path)), 224), dtype=np.uint8))
            kept.append(i)
        except MediaError as exc:
            skipped.append(f"{path.name}: {exc.reason}")
        bar.advance(1)
    return np.stack(crops), kept, skipped


def split_indices(labels: np.ndarray, seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratified 70 / 15 / 15 train / valid / test indices (seeded)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    classes = len(set(labels.tolist()))
    held = max(round(0.3 * len(labels)), 2 * classes)
    train, rest = train_test_split(index, test_size=held, random_state=seed, stratify=labels)
    stratify = labels[rest] if int(np.bincount(labels[rest], minlength=classes).min()) >= 2 else None
    valid, test = train_test_split(rest, test_size=0.5, random_state=seed, stratify=stratify)
    return train, valid, test


def train_image_classifier(
    data: Path,
    *,
    epochs: int = 15,
    unfreeze: int = 0,
    limit: int | None = None,
    registry_root: Path | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train, test on the held-out part, register; returns the model card plus timing."""
    from socialens.analyses.images.classifier import EfficientNetClassifier, fit_classifier
    from socialens.training.model_registry import fingerprint

    bar = progress or NoProgress()
    started = time.perf_counter()
    paths, all_labels, classes = read_labelled_folders(data, limit)
    crops, kept, skipped = load_crops(paths, bar)
    labels = np.asarray(all_labels, dtype=np.int64)[kept]
    train, valid, test = split_indices(labels)
    model = EfficientNetClassifier(num_classes=len(classes), unfreeze=unfreeze)
    bar.start("training", None)
    history, metrics = fit_classifier(
        model, crops, labels, (train, valid, test), epochs, bar, verbose=not isinstance(bar, NoProgress)
    )
    card = register_default(
        registry_root,
        name or f"image-classifier-{data.name or 'data'}",
        model.save_state(),
        {
            "task": TASK,
            "language": "multi",
            "architecture": ARCHITECTURE,
            "data_hash": fingerprint((str(paths[i].relative_to(data)), int(all_labels[i])) for i in kept),
            "split": f"stratified 70/15/15 train/valid/test of {len(kept)} pictures in {data.name}/ (seed {SEED})",
            "labels": classes,
            "metrics": {**metrics, "unreadable": len(skipped)},
            "settings": {"epochs": epochs, "unfreeze": unfreeze, "limit": limit, "image_size": 224},
            "training": history,
        },
        pin=True,
    )
    return {**card.to_dict(), "skipped": skipped[:20], "seconds": round(time.perf_counter() - started, 1)}


def run(request: TrainRequest) -> dict[str, Any]:
    """``socialens train image-classifier --data DIR [-o unfreeze=N] [--epochs N] [--limit N per class]``."""
    options = read_options(TASK, request.options, {"data": str, "unfreeze": int, "name": str})
    if not options.get("data"):
        raise ConfigError("image-classifier needs --data DIR (one sub-folder of pictures per class)")
    card = train_image_classifier(
        Path(options["data"]).expanduser(),
        epochs=request.epochs or 15,
        unfreeze=options.get("unfreeze", 0),
        limit=request.limit,
        registry_root=request.models_dir,
        name=options.get("name"),
        progress=request.progress,
    )
    m = card["metrics"]
    card["summary"] = (
        f"{card['name']} v{card['version']}: test accuracy {m['accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f} "
        f"on {m['n']} held-out pictures ({len(card['labels'])} classes, {card['seconds']} s)"
    )
    if m["n"] == 0:
        raise TrainingError("no held-out pictures to test on; add pictures to each class folder")
    return card
