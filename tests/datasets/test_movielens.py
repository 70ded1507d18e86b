"""MovieLens-100K from the bundled files, through the real generic importer."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from socialens.datasets.movielens import PLATFORM, bundled_file, ingest_movielens, write_items, write_ratings
from socialens.privacy import Pseudonymizer
from tests.conftest import TEST_KEY, rows


def test_bundled_ratings_are_the_real_100k():
    meta = pq.read_metadata(bundled_file("data"))
    assert meta.num_rows == 100_000


def test_write_ratings_slice_and_formats(tmp_path: Path):
    table = pq.read_table(write_ratings(tmp_path / "r.parquet", limit_users=3))
    assert table.column_names == ["user_id", "movie_id", "rating", "timestamp"]
    assert set(table["user_id"].to_pylist()) == {1, 2, 3}
    assert pcsv.read_csv(write_ratings(tmp_path / "r.csv", limit_users=3)).num_rows == table.num_rows


def test_items_carry_title_and_genres(tmp_path: Path):
    items = pq.read_table(write_items(tmp_path / "i.parquet")).to_pylist()
    assert len(items) == 1682
    assert items[0]["movie_id"] == 1 and items[0]["text"].startswith("Toy Story (1995) | ")
    assert "Animation" in items[0]["text"] and items[0]["created_at"] == "1995-01-01"


def test_ingest_as_interactions_and_posts(store, tmp_path: Path):
    result = ingest_movielens(store, tmp_path, limit_users=3, pseudonymizer=Pseudonymizer(TEST_KEY))
    n = pq.read_table(write_ratings(tmp_path / "check.parquet", limit_users=3)).num_rows
    assert result["ratings"]["new"]["interactions"] == n and result["ratings"]["rejected"] == 0
    assert result["items"]["new"]["posts"] == 1682
    (actors, kinds, platforms), = rows(
        store, "SELECT count(DISTINCT actor), list(DISTINCT kind), list(DISTINCT platform) FROM interactions"
    )  # fmt: skip
    assert actors == 3 and kinds == ["rating"] and platforms == [PLATFORM]
    assert rows(store, "SELECT count(*) FROM interactions WHERE actor NOT LIKE 'u_%' OR timestamp IS NULL") == [(0,)]
