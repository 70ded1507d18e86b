"""Late fusion: the constructed pairing is what it says, and the model trains on either or both modalities."""

from __future__ import annotations

import numpy as np

from socialens.analyses.images.fusion import PAIRING, constructed_pairs, degrade, split, train_fusion
from socialens.analyses.images.fusion import post_inputs as fusion_post_inputs
from socialens.store import Store


def test_degrade_removes_class_words_and_is_seeded() -> None:
    text = "Love this dress, the sweater too and these pants fit"
    once = degrade(text, np.random.default_rng(1), keep=1.0)
    assert "dress" not in once and "sweater" not in once and "pants" not in once and "Love" in once
    assert degrade(text, np.random.default_rng(2), 0.5) == degrade(text, np.random.default_rng(2), 0.5)


def test_constructed_pairs_cover_six_classes() -> None:
    pairs = constructed_pairs()
    assert len(pairs.labels) == 6000 and np.bincount(pairs.labels).tolist() == [1000] * 6
    assert pairs.names == [name for _, (name, _) in sorted(PAIRING.items())] and "CONSTRUCTED" in pairs.procedure


def test_fusion_uses_both_inputs_and_beats_a_blind_modality() -> None:
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 60)
    # text tells classes 0/1 apart from 2, the picture tells 0 from 1/2: only both give all three
    text = rng.normal(size=(180, 8)).astype("float32") + (labels == 2)[:, None] * 3
    image = rng.normal(size=(180, 6)).astype("float32") + (labels == 0)[:, None] * 3
    parts = split(labels)
    _, both = train_fusion(text, image, labels, parts, epochs=40)
    _, text_only = train_fusion(text, image, labels, parts, use_image=False, epochs=40)
    _, image_only = train_fusion(text, image, labels, parts, use_text=False, epochs=40)
    assert both["accuracy"] > max(text_only["accuracy"], image_only["accuracy"]) + 0.15


def test_post_inputs_on_a_store_without_pictures(store: Store) -> None:
    assert fusion_post_inputs(store) == {"platform": [], "post": [], "text": [], "features": []}
