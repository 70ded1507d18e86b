"""``socialens ingest`` a rating log, ``train sequence``, ``recommend``: the real CLI in subprocesses."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from socialens.analyses.sequence.train import run
from socialens.datasets.movielens import ingest_movielens, write_ratings
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from socialens.training.request import TrainRequest
from tests.cli.test_cli import run_cli
from tests.conftest import TEST_KEY

TIMEOUT = 240  # a cold start imports torch; the shared CI cores can be slow


def test_ingest_a_rating_log_and_train(tmp_path: Path):
    ratings = write_ratings(tmp_path / "ratings.csv", limit_users=8)
    store = tmp_path / "s.duckdb"
    mapping = ["actor=user_id", "target_post=movie_id", "value=rating", "timestamp=timestamp", "kind==rating"]
    maps = [arg for m in mapping for arg in ("--map", m)]
    ingested = run_cli(
        tmp_path, "ingest", ratings, "--format", "csv", "--record", "interaction", "--platform", "movielens",
        *maps, "--store", store, "--json", timeout=TIMEOUT,
    )  # fmt: skip
    assert ingested.code == 0, ingested.stderr
    trained = run_cli(
        tmp_path, "train", "sequence", "--model", "gru4rec", "--epochs", "1", "--option", "hidden_size=8",
        "--store", store, "--models-dir", tmp_path / "models", "--json", timeout=TIMEOUT,
    )  # fmt: skip
    assert trained.code == 0, trained.stderr
    report = trained.json()
    assert report["name"] == "sequence-gru4rec" and report["metrics"]["test"]["seen_excluded"]["n"] == 8
    assert "leave-one-out" in report["protocol"].lower()


def test_recommend_one_user_and_all(tmp_path: Path):
    store, models = tmp_path / "s.duckdb", tmp_path / "models"
    with Store(store) as db:
        ingest_movielens(db, tmp_path, limit_users=8, pseudonymizer=Pseudonymizer(TEST_KEY))
        run(TrainRequest(store=db, options={"hidden_size": "8"}, models_dir=models, model="gru4rec", epochs=1))
        user = db.one("SELECT min(actor) FROM interactions")[0]
    common = ("--store", store, "--models-dir", models, "--json")
    recs = run_cli(tmp_path, "recommend", "--user", user, "-k", "3", *common, timeout=TIMEOUT)
    assert recs.code == 0, recs.stderr
    assert recs.json()["user"] == user and len(recs.json()["recommendations"]) == 3
    out = tmp_path / "recs.parquet"
    every = run_cli(tmp_path, "recommend", "--all", "--output", out, "-k", "2", *common, timeout=TIMEOUT)
    assert every.code == 0, every.stderr
    assert every.json()["users"] == 8 and pq.read_table(out).num_rows == 16


def test_unknown_user_is_a_one_line_error(tmp_path: Path):
    store = tmp_path / "s.duckdb"
    Store(store).close()
    result = run_cli(tmp_path, "recommend", "--user", "nobody", "--store", store, timeout=TIMEOUT)
    assert result.code == 2 and len(result.error_lines) == 1 and "unknown user" in result.error_lines[0]
    neither = run_cli(tmp_path, "recommend", "--store", store, timeout=TIMEOUT)
    assert neither.code == 2 and "--user" in neither.stderr
