"""Recommendations on a tiny real store: MovieLens users and movies, plus a cold user."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from socialens.analyses.recommend import recommend, recommend_all
from socialens.analyses.sequence.train import run
from socialens.datasets.movielens import ingest_movielens
from socialens.errors import ConfigError
from socialens.privacy import Pseudonymizer
from socialens.store.behaviour_queries import all_users, read_histories
from socialens.training.request import TrainRequest
from tests.conftest import TEST_KEY, run_ingest


@pytest.fixture
def movies(store, tmp_path: Path):
    ingest_movielens(store, tmp_path, limit_users=10, pseudonymizer=Pseudonymizer(TEST_KEY))
    # a user who only wrote posts (no interactions): content and popularity must carry them
    posts = tmp_path / "reviews.jsonl"
    lines = [{"id": f"r{i}", "author": "critic", "text": "Star Wars sci-fi adventure in space"} for i in range(2)]
    posts.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    run_ingest(store, posts, format="jsonl", importer_settings={"platform": "movielens"})
    return store


def _cold_user(store) -> str:
    return store.one("SELECT author FROM posts WHERE id = 'r0'")[0]


def test_recommend_with_a_trained_model(movies, tmp_path: Path):
    models = tmp_path / "models"
    run(TrainRequest(store=movies, options={"hidden_size": "16"}, models_dir=models, model="gru4rec", epochs=1))
    user = sorted(read_histories(movies, all_users(movies)))[0]
    seen = set(read_histories(movies, [user])[user])
    recs = recommend(movies, user, 5, models_dir=models)
    assert len(recs) == 5
    assert not seen & {r["item"] for r in recs}
    assert [r["score"] for r in recs] == sorted((r["score"] for r in recs), reverse=True)
    assert all(set(r) == {"item", "score", "reason", "text"} and r["reason"] for r in recs)
    assert any(r["reason"].startswith("often comes next") for r in recs)


def test_a_user_without_history_gets_content_and_popular_items(movies, tmp_path: Path):
    recs = recommend(movies, _cold_user(movies), 3, models_dir=tmp_path / "none")
    assert len(recs) == 3
    assert any("Star Wars" in r["text"] for r in recs)  # like their own posts
    assert not {"r0", "r1"} & {r["item"] for r in recs}  # never their own posts


def test_unknown_users_and_bad_k_are_clear_errors(movies):
    with pytest.raises(ConfigError, match=r"unknown user 'nobody'.*u_"):
        recommend(movies, "nobody", 3)
    with pytest.raises(ConfigError, match="at least one"):
        recommend(movies, _cold_user(movies), 0)


def test_recommend_all_writes_every_user_in_chunks(movies, tmp_path: Path):
    out = tmp_path / "recs.parquet"
    result = recommend_all(movies, out, k=4, models_dir=tmp_path / "none", chunk=3)
    table = pq.read_table(out).to_pylist()
    users = all_users(movies)
    assert result["users"] == len(users) == 11 and result["rows"] == len(table) == 11 * 4
    assert {row["user"] for row in table} == set(users)
    assert [row["rank"] for row in table[:4]] == [1, 2, 3, 4]


def test_recommend_on_the_demo_store(tmp_path: Path):
    # One author whose interactions are derived mentions of their own posts: recommendations
    # are other people's posts, found on content and popularity.
    from socialens.demo import build_demo
    from socialens.store import Store

    build_demo(tmp_path / "demo.duckdb", tmp_path / "demo.html", limit=100, recordings=False)  # the tweets only
    with Store(tmp_path / "demo.duckdb", read_only=True) as db:
        (author,) = all_users(db)
        own = {row[0] for row in db.con.execute("SELECT id FROM posts WHERE author = ?", [author]).fetchall()}
        recs = recommend(db, author, 5, models_dir=tmp_path / "models")
    assert len(recs) == 5 and not own & {r["item"] for r in recs}
