"""emotion.stacked.v1 on a slice: distant heads, stacker on annotated posts, thresholds, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.analyses.emotion.reference import load_reference
from socialens.analyses.emotion.stacked import HASHED, StackedEmotion
from socialens.datasets.sentiment import load_sentiment_split
from socialens.errors import TrainingError


@pytest.fixture(scope="module")
def fitted():
    split = load_sentiment_split("zh")
    dev = load_reference("zh", "dev")
    model = StackedEmotion(lang="zh", head_features=HASHED, embedder=None, hash_features=2**12, c_grid=(1.0,))
    model.fit(dev.texts, dev.labels, split.train_texts[:400], split.train_labels[:400])
    return model, dev


def test_features_are_lexicon_heads_sentiment(fitted):
    model, dev = fitted
    features = model.stack_features(dev.texts[:5])
    assert features.shape == (5, 7 + 7 + 2)  # no embedder: hits, weak heads, both sentiment classes
    assert np.allclose(features[:, -2:].sum(1), 1.0)


def test_thresholds_come_from_the_annotated_posts_and_do_not_tag_everything(fitted):
    model, dev = fitted
    assert model.selection_["config"]["c"] == 1.0 and len(model.thresholds_) == 7
    tagged = model.predict(dev.texts)
    assert tagged.shape == (400, 7) and tagged.mean() < 0.6  # not every emotion on every post
    assert tagged[:, model.label_names_.index("好")].sum() > 20  # the common one is found


def test_save_and_load_give_the_same_scores(fitted, tmp_path):
    model, dev = fitted
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["settings.json", "weights.npz"]
    again = StackedEmotion.load(tmp_path / "m")
    # the heads are stored as float16: scores agree to a few decimals, thresholds exactly
    assert np.allclose(again.predict_proba(dev.texts), model.predict_proba(dev.texts), atol=2e-3)
    assert list(again.thresholds_) == list(model.thresholds_) and again.label_names_ == model.label_names_


def test_labels_of_the_wrong_shape_are_refused():
    model = StackedEmotion(lang="zh", head_features=HASHED, embedder=None, hash_features=2**10)
    with pytest.raises(TrainingError, match="multi-hot rows of 7"):
        model.fit(["很好", "太差"], [1, 0])
