"""Training click-through models on the real split: registry cards, scoring API, CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

from socialens.analyses.ctr.models import DeepFMCtr, LogisticCtr, auc, log_loss
from socialens.analyses.ctr.workflow import encode_records, predict_ctr, train_ctr
from tests.analyses.ctr.data import ctr_slice
from tests.cli.test_cli import run_cli

RECORD = {
    "user_id": 1,
    "item_id": 50,
    "age": 24,
    "gender": "M",
    "occupation": "technician",
    "genres": ["Action", "Sci-Fi"],
    "timestamp": 886_400_000,  # 1998-02-02, after user 1's ratings
}


def test_metrics_match_their_definitions():
    y = np.array([0, 0, 1, 1])
    assert auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert abs(log_loss(y, np.array([0.5] * 4)) - np.log(2)) < 1e-9


def test_logistic_regressions_beat_chance():
    x, y, vx, vy, num_features = ctr_slice()
    for crosses in (False, True):
        model = LogisticCtr(crosses=crosses).fit(x, y, num_features=num_features)
        p = model.predict_proba(vx)
        assert np.all((p >= 0) & (p <= 1)) and auc(vy, p) > 0.6


def test_trained_model_is_saved_and_scores_new_rows(tmp_path):
    settings = {"epochs": 1, "embed_dim": 4, "hidden": (16,), "attention_hidden": 4, "history": 10}
    card = train_ctr("din", limit=2000, settings=settings, models_dir=tmp_path)
    assert card["name"] == "ctr-din" and card["task"] == "ctr" and card["architecture"] == "ctr.din.v1"
    m = card["metrics"]
    assert m["n_train"] == 2000 and m["n_test"] == 10_037 and 0 <= m["test_auc"] <= 1 and m["test_log_loss"] > 0
    records = [RECORD, {**RECORD, "user_id": 10_000}, {**RECORD, "timestamp": 800_000_000}]
    probabilities = predict_ctr(records, models_dir=tmp_path)
    assert len(probabilities) == 3 and all(0 <= p <= 1 for p in probabilities)
    assert predict_ctr([], models_dir=tmp_path) == []
    encoders = json.loads((Path(card["path"]) / "encoder.json").read_text())
    items = encode_records(records, encoders)[:, -20:-10]
    # user 1 before 1998-02: earlier MovieLens ratings; an unknown user or a date before MovieLens: none
    assert (items[0] > 0).all() and (items[1] == 0).all() and (items[2] == 0).all()


def test_cli_train_ctr_json(tmp_path):
    home = tmp_path / "home"
    result = run_cli(
        tmp_path, "train", "ctr", "--model", "dcnv2", "--limit", "1000", "--epochs", "1",
        "--option", "embed_dim=4", "--option", "hidden=16", "--option", "lr=0.005", "--json",
        timeout=240, SOCIALENS_HOME=str(home),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    card = result.json()
    assert card["name"] == "ctr-dcnv2" and card["metrics"]["n_train"] == 1000 and card["metrics"]["epochs_run"] == 1
    assert card["settings"]["train"] == {"epochs": 1, "lr": 0.005}  # --epochs and -o lr= fold into train
    assert (home / "models" / "ctr-dcnv2" / "1" / "model.pkl").is_file()
    assert not (tmp_path / "socialens.duckdb").exists()  # trained on packaged data: no store created
    bad = run_cli(tmp_path, "train", "ctr", "--model", "gbm", SOCIALENS_HOME=str(home))
    assert bad.code == 2 and "unknown ctr model 'gbm'" in bad.stderr


def test_folder_saved_with_flat_run_settings_still_loads(tmp_path):
    x, y, vx, vy, num_features = ctr_slice()
    model = DeepFMCtr(embed_dim=4, hidden=(8,), train={"epochs": 1, "lr": 5e-3})
    model.fit(x, y, valid=(vx, vy), num_features=num_features)
    old = object.__new__(DeepFMCtr)  # the pickle written before ``train`` was one setting
    flat = {"epochs": 1, "batch_size": 1024, "lr": 5e-3, "weight_decay": 1e-5, "patience": 2, "num_threads": 1}
    old.__dict__ = {**{k: v for k, v in model.__dict__.items() if k != "train"}, **flat}
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / DeepFMCtr.state_file).write_bytes(pickle.dumps(old))
    loaded = DeepFMCtr.load(tmp_path / "old")
    assert loaded.train == flat and "epochs" not in vars(loaded)
    assert loaded.train_config().lr == 5e-3 and loaded.train_config().eval_batch_size == 8192
    assert np.array_equal(loaded.predict_proba(vx[:50]), model.predict_proba(vx[:50]))
    assert type(loaded)(**loaded.get_params()).get_params() == loaded.get_params()
