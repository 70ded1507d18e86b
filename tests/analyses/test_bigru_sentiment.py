"""The from-scratch BiGRU sentiment component on small real slices (English tweets, Chinese reviews).

Full-size training belongs to the benchmark; here tiny runs show the pipeline learns, and that
saving, pickling, explaining and bad input all behave.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from socialens import registry  # noqa: E402
from socialens.analyses.sentiment.bigru import BiGRUSentiment  # noqa: E402
from socialens.datasets.sentiment import SentimentSplit  # noqa: E402
from socialens.errors import NotFittedError  # noqa: E402
from tests.analyses.inputs import BAD_INPUT  # noqa: E402


@pytest.fixture(scope="module")
def english_model(english: SentimentSplit) -> BiGRUSentiment:
    torch.set_num_threads(1)
    model = BiGRUSentiment(lang="en", train={"epochs": 5, "lr": 5e-3}, w2v_epochs=3)
    return model.fit(
        english.train_texts[:1500], english.train_labels[:1500], english.valid_texts[:300], english.valid_labels[:300]
    )


@pytest.fixture(scope="module")
def tiny_model(english: SentimentSplit) -> BiGRUSentiment:
    torch.set_num_threads(1)
    return _tiny().fit(english.train_texts[:200], english.train_labels[:200])


def _tiny() -> BiGRUSentiment:
    return BiGRUSentiment(embed_dim=16, hidden=8, attention_dim=8, train={"epochs": 2}, w2v_epochs=1, seed=3)


def test_registered_under_a_versioned_name():
    assert registry.get("sentiment.bigru_attention.v1") is BiGRUSentiment


def test_learns_english_well_above_chance(english, english_model):
    texts, labels = english.test_texts[:600], np.array(english.test_labels[:600])
    probabilities = english_model.predict_proba(texts)
    assert probabilities.shape == (600, 3)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    accuracy = float((probabilities.argmax(1) == labels).mean())
    assert accuracy > 0.5, accuracy  # three classes: chance is 0.33, the majority class 0.43
    assert english_model.predict(texts[:5]) == probabilities[:5].argmax(1).tolist()
    assert english_model.label_names_ == ("negative", "neutral", "positive")
    assert len(english_model.word2vec_loss_) == 3 and english_model.training_.best_epoch >= 1


def test_learns_chinese_reviews(chinese):
    torch.set_num_threads(1)
    model = BiGRUSentiment(lang="zh", train={"epochs": 4, "lr": 5e-3}, max_len=48, w2v_epochs=2)
    model.fit(
        chinese.train_texts[:1000], chinese.train_labels[:1000], chinese.valid_texts[:200], chinese.valid_labels[:200]
    )
    accuracy = float((model.predict_proba(chinese.test_texts[:400]).argmax(1) == chinese.test_labels[:400]).mean())
    assert accuracy > 0.65, accuracy  # two balanced classes: chance is 0.5
    assert model.label_names_ == ("negative", "positive")
    tokens = [token for token, _ in model.explain("这个手机质量太差了")]
    assert tokens == ["这个", "手机", "质量", "太差", "了"]


def test_explain_gives_attention_over_the_tokens_read(english_model):
    explanation = english_model.explain("@united worst flight ever, lost my bag http://t.co/x")
    tokens, weights = zip(*explanation, strict=True)
    assert tokens == ("@united", "worst", "flight", "ever", "lost", "my", "bag", "<url>")
    assert sum(weights) == pytest.approx(1.0, abs=1e-5) and min(weights) > 0


def test_saved_and_loaded_model_predicts_identically(english, english_model, tmp_path):
    english_model.save(tmp_path / "bigru")
    loaded = BiGRUSentiment.load(tmp_path / "bigru")
    texts = english.test_texts[:300] + BAD_INPUT
    assert np.array_equal(loaded.predict_proba(texts), english_model.predict_proba(texts))
    assert loaded.explain(texts[0]) == english_model.explain(texts[0])
    assert loaded.get_params() == english_model.get_params() and loaded.label_names_ == english_model.label_names_
    # The run's settings are one setting, ``train``, saved and read back as given.
    assert loaded.train == {"epochs": 5, "lr": 5e-3} and loaded.train_config() == english_model.train_config()
    assert loaded.train_config().epochs == 5 and loaded.train_config().patience == 2  # the model's default


def test_a_folder_saved_before_train_was_one_setting_still_loads(english, tiny_model, tmp_path):
    folder = tiny_model.save(tmp_path / "old")
    meta = json.loads((folder / "settings.json").read_text())
    # The old form: the run's settings written flat beside the others.
    assert meta["settings"]["train"] == {"epochs": 2}
    meta["settings"] = {k: v for k, v in meta["settings"].items() if k != "train"}
    meta["settings"].update(epochs=2, batch_size=64, lr=0.002, weight_decay=0.0, patience=2, num_threads=1)
    meta["settings"].update(log_dir=None, checkpoint_dir=None)
    (folder / "settings.json").write_text(json.dumps(meta))
    old = BiGRUSentiment.load(folder)
    assert old.train_config() == tiny_model.train_config() and old.seed == 3
    texts = english.test_texts[:50]
    assert np.array_equal(old.predict_proba(texts), tiny_model.predict_proba(texts))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "settings.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a saved"):
        BiGRUSentiment.load(tmp_path / "other")


def test_pickles_and_predicts_identically(english, tiny_model):
    copy = pickle.loads(pickle.dumps(tiny_model))
    texts = english.test_texts[:50]
    assert np.array_equal(copy.predict_proba(texts), tiny_model.predict_proba(texts))
    unfitted = pickle.loads(pickle.dumps(BiGRUSentiment(lang="zh")))
    assert unfitted.get_params() == BiGRUSentiment(lang="zh").get_params()


def test_bad_input_gets_defined_output(english_model):
    probabilities = english_model.predict_proba(BAD_INPUT)
    assert probabilities.shape == (len(BAD_INPUT), 3) and np.isfinite(probabilities).all()
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    # Empty and whitespace-only texts get the same, defined answer: the head's prior.
    assert np.array_equal(probabilities[0], probabilities[1])
    assert english_model.explain("") == [] and english_model.explain("   ") == []
    assert [t for t, _ in english_model.explain("😀😂")] == ["😀", "😂"]
    assert len(english_model.explain(BAD_INPUT[3])) == english_model.max_len
    assert "phone" in dict(english_model.explain(BAD_INPUT[4]))
    assert english_model.predict_proba([]).shape == (0, 3) and english_model.predict([]) == []


def test_seeded_training_is_deterministic(english, tiny_model):
    again = _tiny().fit(english.train_texts[:200], english.train_labels[:200])
    texts = english.test_texts[:100]
    assert np.array_equal(again.predict_proba(texts), tiny_model.predict_proba(texts))
    assert again.vocab_ == tiny_model.vocab_


def test_soft_labels_distil_like_hard_ones(english, tiny_model):
    # One-hot probabilities are the hard labels: the same training, up to float rounding.
    soft = np.eye(3)[english.train_labels[:200]]
    distilled = _tiny().fit(english.train_texts[:200], soft)
    texts = english.test_texts[:100]
    np.testing.assert_allclose(distilled.predict_proba(texts), tiny_model.predict_proba(texts), atol=1e-4)
    with pytest.raises(ValueError, match="rows of 3 class probabilities"):
        _tiny().fit(english.train_texts[:2], np.full((2, 3), 0.5))


def test_settings_round_trip_and_label_checks():
    model = BiGRUSentiment(lang="zh", hidden=32, labels=("bad", "good"))
    assert model.clone().get_params() == model.get_params()
    assert type(model)(**model.get_params()).get_params() == model.get_params()
    with pytest.raises(ValueError, match=r"class indices 0\.\.1"):
        model.fit(["好", "差"], [0, 2])
    with pytest.raises(NotFittedError, match=r"\[E403\].*not fitted"):
        model.predict_proba(["好"])
