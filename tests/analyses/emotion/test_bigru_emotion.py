"""The weakly supervised BiGRU: trains on a small slice, scores in the right shape, survives a save."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.analyses.emotion.bigru import BiGRUEmotion
from socialens.analyses.emotion.lexicons import EMOTIONS
from socialens.analyses.emotion.weak_labels import weak_labels
from tests.analyses.inputs import BAD_INPUT

TINY = {"train": {"epochs": 1}, "w2v_epochs": 1, "embed_dim": 16, "hidden": 8, "attention_dim": 8}


@pytest.fixture(scope="module")
def english_model(english):
    return BiGRUEmotion(lang="en", **TINY).fit(english.train_texts[:400])


def test_trains_on_weak_labels_and_scores_every_input(english_model):
    proba = english_model.predict_proba(BAD_INPUT)
    assert proba.shape == (len(BAD_INPUT), 8) and english_model.label_names_ == EMOTIONS["en"]
    assert ((proba >= 0) & (proba <= 1)).all()
    assert english_model.training_.epochs_run == 1
    assert (
        english_model.thresholds_.shape == (8,)
        and ((english_model.thresholds_ > 0) & (english_model.thresholds_ < 1)).all()
    )
    predicted = english_model.predict(["so happy", "angry"])
    assert len(predicted) == 2 and all(set(row) <= {0, 1} and len(row) == 8 for row in predicted)
    assert english_model.predict([]) == [] and english_model.predict_proba([]).shape == (0, 8)


def test_scores_masked_token_lists(english_model):
    proba = english_model.predict_proba_tokens([["the", "flight"], []])
    assert proba.shape == (2, 8)


def test_save_and_load_give_the_same_scores(english_model, tmp_path):
    texts = ["so happy with the crew", "terrible delay, angry"]
    loaded = BiGRUEmotion.load(english_model.save(tmp_path / "m"))
    assert loaded.get_params() == english_model.get_params()
    np.testing.assert_array_equal(loaded.thresholds_, english_model.thresholds_)
    np.testing.assert_allclose(loaded.predict_proba(texts), english_model.predict_proba(texts), atol=1e-6)


def test_chinese_with_explicit_labels(chinese):
    texts = chinese.train_texts[:200]
    model = BiGRUEmotion(lang="zh", **TINY).fit(texts, weak_labels(texts, "zh"))
    assert model.predict_proba(["房间很干净，很满意"]).shape == (1, 7)


def test_untuned_thresholds_are_the_setting(english):
    model = BiGRUEmotion(tune_thresholds=False, threshold=0.3, **TINY).fit(english.train_texts[:100])
    assert model.thresholds_.tolist() == pytest.approx([0.3] * 8)


def test_rejects_labels_that_are_not_multi_hot():
    with pytest.raises(ValueError, match="multi-hot rows of 8"):
        BiGRUEmotion(**TINY).fit(["a", "b"], [[0.5] * 8, [1] * 8])


def test_seeded_training_is_deterministic(english, english_model):
    again = BiGRUEmotion(lang="en", **TINY).fit(english.train_texts[:400])
    mine, theirs = again.model_.state_dict(), english_model.model_.state_dict()
    assert mine.keys() == theirs.keys() and all((mine[k] == theirs[k]).all() for k in mine)
    texts = english.test_texts[:100]
    assert np.array_equal(again.predict_proba(texts), english_model.predict_proba(texts))
    assert np.array_equal(again.thresholds_, english_model.thresholds_)
