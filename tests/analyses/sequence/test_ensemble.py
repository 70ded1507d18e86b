"""Seed ensembles: members are the single models of consecutive seeds, scored by averaging."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from socialens.analyses.sequence.ensemble import average_scores, member_seeds
from socialens.analyses.sequence.recommender import NextItemRecommender
from socialens.analyses.sequence.train import model_settings, run
from socialens.datasets.movielens import ingest_movielens
from socialens.errors import ConfigError
from socialens.privacy import Pseudonymizer
from socialens.training.model_registry import ModelRegistry
from socialens.training.request import TrainRequest
from tests.conftest import TEST_KEY

CYCLE = list("abcdef")
TINY = {"architecture": "sasrec", "hidden_size": 8, "max_len": 4, "train": {"epochs": 2}, "dropout": 0.0}


def _cycles(n: int) -> list[list[str]]:
    return [(CYCLE * 3)[i % 6 : i % 6 + 8] for i in range(n)]


def _log_softmax(row: list[float]) -> np.ndarray:
    x = np.asarray(row, dtype=np.float64)
    return x - np.log(np.exp(x).sum())


def test_averages_by_hand():
    a, b = [[-np.inf, 1.0, 2.0, 0.0]], [[-np.inf, 3.0, 0.0, 0.0]]
    pa, pb = np.exp(_log_softmax(a[0][1:])), np.exp(_log_softmax(b[0][1:]))
    probs = np.exp(average_scores([np.asarray(a), np.asarray(b)], "probabilities"))
    assert np.allclose(probs[0, 1:], (pa + pb) / 2) and probs[0, 0] == 0.0
    logs = average_scores([np.asarray(a), np.asarray(b)], "log-probabilities")
    assert np.allclose(logs[0, 1:], (np.log(pa) + np.log(pb)) / 2) and logs[0, 0] == -np.inf
    raw = average_scores([np.asarray(a), np.asarray(b)], "logits")
    assert np.allclose(raw[0, 1:], [2.0, 1.0, 0.0])
    assert average_scores([np.asarray(a)]) is not None and np.array_equal(average_scores([np.asarray(a)]), a)
    with pytest.raises(ConfigError):
        average_scores([np.asarray(a), np.asarray(b)], "median")
    with pytest.raises(ConfigError):
        member_seeds(2020, 0)
    assert member_seeds(7, 3) == [7, 8, 9]


def test_members_are_the_single_models_of_consecutive_seeds_and_scores_are_their_average():
    sequences = _cycles(6)
    ensemble = NextItemRecommender(**TINY, seed=5, members=2).fit(sequences)
    singles = [NextItemRecommender(**TINY, seed=seed).fit(sequences) for seed in (5, 6)]
    assert len(ensemble.models_) == 2 and len(ensemble.histories_) == 2 and ensemble.model_ is ensemble.models_[0]
    histories = [ensemble.to_indices(h) for h in (["a", "b"], ["c"], [])]
    member_scores = [single.score_indices(histories)[0] for single in singles]
    scores, _ = ensemble.score_indices(histories)
    # by hand: the log of the mean of each member's softmax over all items
    expected = np.log(np.stack([[np.exp(_log_softmax(r[1:])) for r in m] for m in member_scores]).mean(axis=0))
    assert np.allclose(scores[:, 1:], expected, atol=1e-5) and np.all(scores[:, 0] == -np.inf)
    assert not np.allclose(member_scores[0], member_scores[1])  # the seeds did differ
    first, _ = ensemble._score_member(ensemble.models_[0], histories, None)
    assert np.array_equal(first, member_scores[0])  # the first member is the single model of the seed


def test_a_two_member_ensemble_saves_loads_pickles_and_predicts_identically():
    ensemble = NextItemRecommender(**TINY, members=2).fit(_cycles(6))
    state = ensemble.state()
    assert len(state["more_weights"]) == 1 and state["settings"]["members"] == 2
    again = NextItemRecommender.from_state(state)
    pickled = pickle.loads(pickle.dumps(ensemble))
    histories = [["a", "b"], ["e"], ["unknown"]]
    expected = ensemble.recommend(histories, k=3)
    assert again.recommend(histories, k=3) == expected == pickled.recommend(histories, k=3)
    assert len(again.models_) == 2
    assert "more_weights" not in NextItemRecommender(**TINY).fit(_cycles(6)).state()


def test_members_option_trains_saves_and_serves_an_ensemble(store, tmp_path: Path):
    from socialens.analyses.recommend import recommend
    from socialens.store.behaviour_queries import all_users, read_histories

    assert model_settings(None, None, {})["members"] == 3  # SASRec: a 3-seed ensemble by default
    assert "members" not in model_settings("gru4rec", None, {})  # the component's default, 1
    assert model_settings(None, None, {"members": "1"})["members"] == 1
    with pytest.raises(ConfigError):
        model_settings(None, None, {"members": "many"})
    ingest_movielens(store, tmp_path, limit_users=10, items=False, pseudonymizer=Pseudonymizer(TEST_KEY))
    models = tmp_path / "models"
    options = {"platform": "movielens", "hidden_size": "8", "members": "2", "seed": "3"}
    result = run(TrainRequest(store=store, options=options, models_dir=models, model="sasrec", epochs=1))
    m = result["metrics"]
    assert result["name"] == "sequence-sasrec-x2" and "2 seeds averaged" in result["summary"]
    assert [member["seed"] for member in m["members"]] == [3, 4] and m["epochs_run"] == 2
    assert m["train_cpu_seconds"] == pytest.approx(sum(x["train_cpu_seconds"] for x in m["members"]), abs=0.01)
    registry = ModelRegistry(models)
    assert registry.default("sequence", "any").name == "sequence-sasrec-x2"
    loaded = NextItemRecommender.from_state(registry.load_state("sequence-sasrec-x2"))
    assert len(loaded.models_) == 2
    user = sorted(read_histories(store, all_users(store)))[0]
    recs = recommend(store, user, 3, models_dir=models, content="none")
    assert len(recs) == 3 and any(r["reason"].startswith("often comes next") for r in recs)
