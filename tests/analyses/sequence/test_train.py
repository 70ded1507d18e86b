"""Training next-item models: learning a pattern, the action head, the train step on MovieLens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socialens.analyses.sequence.recommender import NextItemRecommender
from socialens.analyses.sequence.report import sequence_section
from socialens.analyses.sequence.train import load_split, model_settings, run
from socialens.datasets.movielens import ingest_movielens
from socialens.errors import ConfigError, TrainingError
from socialens.privacy import Pseudonymizer
from socialens.report.sections import build_views
from socialens.training.model_registry import ModelRegistry
from socialens.training.request import TrainRequest
from tests.conftest import TEST_KEY

CYCLE = list("abcdef")


def _cycles(n: int) -> list[list[str]]:
    return [(CYCLE * 3)[i % 6 : i % 6 + 8] for i in range(n)]


@pytest.mark.parametrize("architecture", ["gru4rec", "lstm4rec", "sasrec"])
def test_each_architecture_learns_what_comes_next(architecture):
    model = NextItemRecommender(
        architecture=architecture, hidden_size=16, max_len=6, train={"epochs": 40, "lr": 1e-2}, dropout=0.0
    )
    model.fit(_cycles(12))
    recs = model.recommend([["a", "b"], ["d", "e"]], k=1)
    assert [r[0][0] for r in recs] == ["c", "f"]
    assert 0.0 < recs[0][0][1] <= 1.0


def test_training_with_a_weight_average_keeps_the_averaged_weights_and_still_learns():
    model = NextItemRecommender(hidden_size=16, max_len=6, train={"epochs": 40, "lr": 1e-2, "ema": 0.9}, dropout=0.0)
    model.fit(_cycles(12))
    assert [r[0][0] for r in model.recommend([["a", "b"], ["d", "e"]], k=1)] == ["c", "f"]


def test_the_action_head_predicts_the_next_action_kind():
    sequences = _cycles(10)
    actions = [["like" if item in "ace" else "reply" for item in seq] for seq in sequences]
    model = NextItemRecommender(
        architecture="gru4rec", hidden_size=16, max_len=6, train={"epochs": 40, "lr": 1e-2}, dropout=0.0
    )
    model.fit(sequences, actions)
    assert model.actions_ == ["", "like", "reply"]
    history = [model.to_indices(["a", "b"])]
    kinds = [np.asarray([1, 2])]
    scores, action_probs = model.score_indices(history, kinds)
    assert scores.shape == (1, len(model.items_)) and scores[0, 0] == -np.inf
    assert action_probs is not None and action_probs.shape == (1, 3)
    assert model.actions_[int(action_probs[0].argmax())] == "like"  # c comes next, a "like"


def test_state_round_trips():
    model = NextItemRecommender(architecture="sasrec", hidden_size=8, max_len=4, train={"epochs": 1}).fit(_cycles(4))
    again = NextItemRecommender.from_state(model.state())
    assert again.recommend([["a"]], k=3) == model.recommend([["a"]], k=3)


def test_unknown_architecture_is_a_config_error():
    with pytest.raises(ConfigError):
        NextItemRecommender(architecture="bert4rec").fit(_cycles(3))


def test_train_step_on_a_movielens_slice(store, tmp_path: Path):
    ingest_movielens(store, tmp_path, limit_users=12, items=False, pseudonymizer=Pseudonymizer(TEST_KEY))
    models = tmp_path / "models"
    options = {"platform": "movielens", "hidden_size": "16"}
    result = run(TrainRequest(store=store, options=options, models_dir=models, model="gru4rec", epochs=1))
    assert result["name"] == "sequence-gru4rec" and result["task"] == "sequence"
    test = result["metrics"]["test"]
    assert test["seen_excluded"]["n"] == 12 and set(test["seen_included"]) == {"hr@10", "ndcg@10", "mrr@10", "n"}
    assert result["metrics"]["most_popular"]["seen_excluded"]["n"] == 12
    assert "leave-one-out" in result["protocol"].lower() and "NDCG@10" in result["summary"]
    registry = ModelRegistry(models)
    assert registry.default("sequence", "any").name == "sequence-gru4rec"
    state = registry.load_state("sequence-gru4rec")
    loaded = NextItemRecommender.from_state(state)
    assert loaded.architecture == "gru4rec" and loaded.train == state["settings"]["train"] == {"epochs": 1}
    # A state saved before ``train`` was one setting: the run written flat, ``lr=None`` for the architecture's.
    flat = {"epochs": 1, "batch_size": 32, "lr": None, "patience": 10, "num_threads": 1, "max_cpu_seconds": None}
    flat.update(weight_decay=0.0, schedule="constant", ema=0.0)
    old = {**state, "settings": {**{k: v for k, v in state["settings"].items() if k != "train"}, **flat}}
    again = NextItemRecommender.from_state(old)
    assert again.train_config() == loaded.train_config() and again.train_config().lr == 1e-3
    histories = [loaded.items_[1:3], loaded.items_[3:4]]
    assert again.recommend(histories) == loaded.recommend(histories)
    section = sequence_section(store)
    assert section is not None and "sequence-gru4rec v1" in section.html and "most popular" in section.html
    view = build_views(store, only=["sequence"])["sequence"]  # the view the section renders, as JSON
    assert view["models"][0]["name"] == "sequence-gru4rec" and view["most_popular"]["seen_excluded"]["n"] == 12


def test_limit_keeps_the_first_users_and_empty_stores_fail_clearly(store, tmp_path: Path):
    assert sequence_section(store) is None
    with pytest.raises(TrainingError, match="3 or more interactions"):
        load_split(store, {})
    ingest_movielens(store, tmp_path, limit_users=6, items=False, pseudonymizer=Pseudonymizer(TEST_KEY))
    seqs, split, data_hash = load_split(store, {}, limit=4)
    assert len(seqs.users) == 4 and len(split.test.targets) == 4 and data_hash


def test_options_become_settings_and_bad_values_are_config_errors():
    options = {"lr": "0.002", "n_layers": "1", "schedule": "constant", "exclude_seen": "false", "dropout": "0.2"}
    options["ema"] = "0.995"
    settings = model_settings("gru4rec", 7, options)
    assert settings == {
        "architecture": "gru4rec",
        "train": {"epochs": 7, "lr": 0.002, "ema": 0.995, "schedule": "constant"},  # the run: one setting
        "n_layers": 1,
        "dropout": 0.2,
        "exclude_seen": False,
    }
    config = NextItemRecommender(**settings).train_config()
    assert (config.epochs, config.lr, config.ema, config.patience, config.max_grad_norm) == (7, 0.002, 0.995, 10, 0.0)
    assert NextItemRecommender(architecture="sasrec").train_config().lr == 3e-3  # the architecture's rate
    for bad in ({"lr": "fast"}, {"schedule": "linear"}, {"exclude_seen": "maybe"}, {"ema": "high"}):
        with pytest.raises(ConfigError):
            model_settings(None, None, bad)
