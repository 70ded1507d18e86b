"""The ingest's fast paths give exactly what the plain paths give."""

from __future__ import annotations

import pickle
import uuid
from pathlib import Path

import orjson
import pyarrow as pa

from socialens.ingest.chunks import resident
from socialens.ingest.edge import EdgeProcessor
from socialens.privacy import Pseudonymizer
from socialens.schema import Post
from socialens.store import Store
from socialens.store.arrow import records_to_table
from socialens.text.langid import detect_language
from tests.conftest import TEST_KEY, rows, run_ingest


def _statuses(path: Path, n: int, offset: int = 0) -> Path:
    with open(path, "wb") as out:
        for i in range(offset, offset + n):
            status = {
                "id_str": str(i),
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": f"post {i} for @friend{i % 7}: il fait beau #topic{i % 3}"
                if i % 2
                else f"the post {i} is here",
                "user": {"id_str": str(i % 11), "screen_name": f"user{i % 11}", "followers_count": i % 11},
                "favorite_count": i,
            }
            out.write(orjson.dumps(status, option=orjson.OPT_APPEND_NEWLINE))
        out.write(b"{not json\n")
    return path


def test_a_worker_keeps_one_processor_per_settings_across_chunks():
    key = uuid.uuid4().bytes  # settings no other test has used in this process
    first = EdgeProcessor(Pseudonymizer(key))
    assert resident(first) is first
    # Each chunk brings its own copy, unpickled, with empty caches: the warm one is used.
    assert resident(pickle.loads(pickle.dumps(first))) is first
    other = EdgeProcessor(Pseudonymizer(key), paired_hashtags=True)
    assert resident(other) is other


def test_language_answers_are_remembered_not_changed():
    edge = EdgeProcessor(Pseudonymizer(TEST_KEY))
    texts = ["The weather is lovely today", "Il fait très beau aujourd'hui, allons au parc", "🙂", "今天天气很好"]
    first = [edge.language(t) for t in texts]
    assert first == [edge.language(t) for t in texts] == [detect_language(t)[0] for t in texts]
    assert pickle.loads(pickle.dumps(edge))._langs == {}  # caches never travel to workers


def test_new_rows_hash_as_merged_rows_do(store: Store):
    """New keys skip the merge with stored rows; writing them again must find them unchanged."""
    posts = [Post(id=str(i), platform="x", author="a", text=f"t{i}", like_count=i or None) for i in range(50)]
    table = records_to_table(Post, posts)
    with store.transaction():
        assert store.upsert("posts", table).new == 50
    with store.transaction():
        again = store.upsert("posts", pa.concat_tables([table, table.slice(0, 5)]))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 50)


def test_parallel_ingest_matches_in_process(tmp_path: Path):
    data = _statuses(tmp_path / "s.jsonl", 3_000)
    contents = []
    for workers in (0, 2):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            summary = run_ingest(store, data, batch_size=1_000, workers=workers, rejects_path=tmp_path / f"r{workers}")
            again = run_ingest(store, data, batch_size=1_000, workers=workers, rejects_path=tmp_path / f"r{workers}")
            assert summary.as_dict()["new"]["posts"] == again.as_dict()["unchanged"]["posts"] == 3_000
            contents.append(
                [
                    rows(store, f"SELECT * EXCLUDE (ingested_at) FROM {table} ORDER BY platform, id")
                    for table in ("posts", "users", "interactions")
                ]
            )
        rejects = [orjson.loads(line) for line in (tmp_path / f"r{workers}").read_bytes().splitlines()]
        assert [(r["line"], r["reason"][:14]) for r in rejects] == [(3_001, "not valid JSON")] * 2
    assert contents[0] == contents[1]


def test_bulk_writing_restores_the_store_settings(store: Store):
    before = store.one("SELECT current_setting('threads'), current_setting('checkpoint_threshold')")
    with store.bulk_writing():
        assert store.one("SELECT current_setting('threads')") == (1,)
    assert store.one("SELECT current_setting('threads'), current_setting('checkpoint_threshold')") == before
