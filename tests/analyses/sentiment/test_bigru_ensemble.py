"""The averaged BiGRU students (the English production default) on a tiny real slice.

Tiny members keep it fast; what is checked is the contract: the average is the members' mean,
it survives save/load and the model registry, and ``predict``/``explain`` work through it.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from socialens import registry  # noqa: E402
from socialens.analyses.sentiment.bigru import BiGRUSentiment  # noqa: E402
from socialens.analyses.sentiment.bigru_ensemble import BiGRUEnsembleSentiment  # noqa: E402
from socialens.datasets.sentiment import SentimentSplit  # noqa: E402
from socialens.errors import NotFittedError  # noqa: E402

TINY = {"embed_dim": 16, "hidden": 8, "attention_dim": 8, "train": {"epochs": 2}, "w2v_epochs": 1}


@pytest.fixture(scope="module")
def ensemble(english: SentimentSplit) -> BiGRUEnsembleSentiment:
    torch.set_num_threads(1)
    model = BiGRUEnsembleSentiment(members=2, seed=5, bigru={"lang": "en", **TINY})
    return model.fit(english.train_texts[:200], english.train_labels[:200])


def test_registered_under_a_versioned_name():
    assert registry.get("sentiment.bigru_ensemble.v1") is BiGRUEnsembleSentiment


def test_members_differ_by_seed_and_are_averaged(english, ensemble):
    assert [m.seed for m in ensemble.models_] == [5, 6]
    texts = english.test_texts[:50]
    members = [m.predict_proba(texts) for m in ensemble.models_]
    assert not np.allclose(members[0], members[1])
    np.testing.assert_allclose(ensemble.predict_proba(texts), (members[0] + members[1]) / 2, rtol=1e-6)
    assert ensemble.predict(texts) == ensemble.predict_proba(texts).argmax(1).tolist()
    assert ensemble.predict_proba([]).shape == (0, 3) and ensemble.predict([]) == []


def test_save_load_and_from_members(english, ensemble, tmp_path):
    texts = english.test_texts[:40]
    loaded = BiGRUEnsembleSentiment.load(ensemble.save(tmp_path / "ens"))
    np.testing.assert_allclose(loaded.predict_proba(texts), ensemble.predict_proba(texts), rtol=1e-6)
    joined = BiGRUEnsembleSentiment.from_members(ensemble.models_)
    assert joined.members == 2 and joined.seed == 5 and joined.label_names_ == ("negative", "neutral", "positive")
    np.testing.assert_allclose(joined.predict_proba(texts), ensemble.predict_proba(texts), rtol=1e-6)


def test_explain_averages_member_attention(ensemble):
    explained = ensemble.explain("What a great flight, thank you")
    assert [t for t, _ in explained] == [t for t, _ in ensemble.models_[0].explain("What a great flight, thank you")]
    assert abs(sum(w for _, w in explained) - 1.0) < 1e-5
    assert ensemble.explain("") == []


def test_from_members_refuses_nothing_or_mismatched_members(ensemble):
    with pytest.raises(ValueError, match="at least one"):
        BiGRUEnsembleSentiment.from_members([])
    other = BiGRUSentiment(lang="zh", **TINY).fit(["很好", "太差", "满意", "失望"] * 3, [1, 0, 1, 0] * 3)
    with pytest.raises(ValueError, match="disagree"):
        BiGRUEnsembleSentiment.from_members([ensemble.models_[0], other])
    shorter = copy.deepcopy(ensemble.models_[0])
    shorter.max_len = 4  # would cut texts differently from its partner: members must read the same tokens
    with pytest.raises(ValueError, match="max_len"):
        BiGRUEnsembleSentiment.from_members([ensemble.models_[0], shorter])


def test_unfitted_ensemble_says_so():
    with pytest.raises(NotFittedError, match=r"\[E403\].*load\(directory\)"):
        BiGRUEnsembleSentiment().predict_proba(["hello"])


def test_registered_default_serves_predict_and_explain(ensemble, tmp_path):
    from socialens.analyses.sentiment.predict import explain_sentiment, predict_sentiment
    from socialens.training.model_registry import ModelRegistry

    reg = ModelRegistry(tmp_path / "models")
    card = reg.save(
        "sentiment-en-bigru-distilled",
        lambda folder: ensemble.save(folder),
        {
            "task": "sentiment",
            "language": "en",
            "architecture": ensemble.registry_name,
            "labels": ["negative", "neutral", "positive"],
        },
    )
    reg.set_default("sentiment", "en", card.name, card.version)
    [result] = predict_sentiment(["great day"], lang="en", registry_root=tmp_path / "models")
    assert result["label"] in ("negative", "neutral", "positive")
    assert result["model"] == "sentiment-en-bigru-distilled v1"
    assert explain_sentiment("great day", lang="en", registry_root=tmp_path / "models")["tokens"]
