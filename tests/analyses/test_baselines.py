"""Non-neural sentiment baselines on small real slices; full-size figures live in the benchmark."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from socialens import registry
from socialens.analyses.sentiment.baselines import (
    ChineseLexiconSentiment,
    TfidfLogisticRegression,
    VaderSentiment,
)
from socialens.datasets.sentiment import SentimentSplit
from socialens.errors import NotFittedError
from tests.analyses.inputs import BAD_INPUT


@pytest.fixture(scope="module")
def chinese_model(chinese: SentimentSplit) -> TfidfLogisticRegression:
    return TfidfLogisticRegression(lang="zh").fit(chinese.train_texts[:2000], chinese.train_labels[:2000])


def _accuracy(predicted: list[int], labels: list[int]) -> float:
    return float(np.mean(np.asarray(predicted) == np.asarray(labels)))


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("sentiment.tfidf_lr.v1", TfidfLogisticRegression),
        ("sentiment.vader.v1", VaderSentiment),
        ("sentiment.hownet_lexicon.v1", ChineseLexiconSentiment),
    ],
)
def test_registered_under_versioned_names(name, cls):
    assert registry.get(name) is cls


def test_tfidf_learns_chinese_well_above_chance(chinese, chinese_model):
    proba = chinese_model.predict_proba(chinese.test_texts[:400])
    assert proba.shape == (400, 2) and np.allclose(proba.sum(axis=1), 1.0)
    predicted = chinese_model.predict(chinese.test_texts[:400])
    assert predicted == proba.argmax(axis=1).tolist()
    assert _accuracy(predicted, chinese.test_labels[:400]) > 0.75  # majority class: 0.52
    assert chinese_model.labels_ == ("negative", "positive")


def test_tfidf_learns_english_well_above_chance(english):
    model = TfidfLogisticRegression(lang="en").fit(english.train_texts[:2000], english.train_labels[:2000])
    assert model.labels_ == ("negative", "neutral", "positive")
    assert _accuracy(model.predict(english.test_texts[:400]), english.test_labels[:400]) > 0.55  # majority: 0.43


def test_tfidf_is_seeded_and_survives_pickling(chinese, chinese_model):
    texts = chinese.valid_texts[:50]
    again = TfidfLogisticRegression(lang="zh").fit(chinese.train_texts[:2000], chinese.train_labels[:2000])
    assert np.array_equal(again.predict_proba(texts), chinese_model.predict_proba(texts))
    copy = pickle.loads(pickle.dumps(chinese_model))
    assert np.array_equal(copy.predict_proba(texts), chinese_model.predict_proba(texts))


def test_tfidf_accepts_label_names_and_keeps_missing_classes():
    texts = ["great stuff", "awful stuff", "great day", "awful day"]
    model = TfidfLogisticRegression(min_df=1).fit(texts, ["positive", "negative", "positive", "negative"])
    proba = model.predict_proba(["great", "awful"])
    assert proba.shape == (2, 3) and (proba[:, 1] == 0).all()  # no neutral text was seen
    assert model.predict(["great", "awful"]) == [2, 0]


def test_tfidf_bad_input_and_errors(chinese_model):
    assert chinese_model.predict_proba([]).shape == (0, 2) and chinese_model.predict([]) == []
    proba = chinese_model.predict_proba(BAD_INPUT)
    assert proba.shape == (len(BAD_INPUT), 2) and np.isfinite(proba).all()
    with pytest.raises(NotFittedError, match=r"\[E403\].*not fitted"):
        TfidfLogisticRegression().predict(["x"])
    with pytest.raises(ValueError, match="lang"):
        TfidfLogisticRegression(lang="fr").fit(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="labels"):
        TfidfLogisticRegression().fit(["a", "b"], [0, 7])
    with pytest.raises(ValueError, match="two classes"):
        TfidfLogisticRegression().fit(["a", "b"], [0, 0])


def test_vader_rule_and_probabilities():
    vader = VaderSentiment().fit()
    texts = ["I love this, it's wonderful! 😍", "This is terrible and I hate it", "The train leaves at 5."]
    assert vader.predict(texts) == [2, 0, 1]
    proba = vader.predict_proba([*texts, *BAD_INPUT])
    assert proba.shape == (len(texts) + len(BAD_INPUT), 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 2] > proba[0, 0] and proba[1, 0] > proba[1, 2]
    assert proba[3].tolist() == [0.0, 1.0, 0.0]  # empty text: neutral
    assert vader.predict([]) == [] and vader.predict_proba([]).shape == (0, 3)
    assert VaderSentiment(threshold=0.99).predict(texts[:1]) == [1]


def test_vader_on_real_tweets_is_a_weak_baseline(english):
    accuracy = _accuracy(VaderSentiment().predict(english.test_texts[:500]), english.test_labels[:500])
    assert 0.35 < accuracy < 0.65


def test_chinese_lexicon_negation_degree_and_ties():
    lexicon = ChineseLexiconSentiment()
    assert lexicon.score("非常满意") == 2 * lexicon.score("满意") > 0
    assert lexicon.score("非常不满意") < 0  # negator flips
    assert lexicon.score("房间很脏，服务太差") < 0  # 很脏 is split into degree + polar word
    assert lexicon.predict(["服务很满意", "房间很脏", "", "我在12月6号住过"]) == [1, 0, 0, 0]
    assert ChineseLexiconSentiment(tie_label="positive").predict([""]) == [1]
    proba = lexicon.predict_proba(BAD_INPUT)
    assert proba.shape == (len(BAD_INPUT), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert lexicon.predict_proba([]).shape == (0, 2)


def test_chinese_lexicon_on_real_reviews(chinese):
    lexicon = ChineseLexiconSentiment(lexicons=("hownet", "dutir"))
    assert _accuracy(lexicon.predict(chinese.valid_texts[:400]), chinese.valid_labels[:400]) > 0.65
