"""Batches commit whole records, in order; posts in whole row groups where a batch allows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from socialens.ingest.batch_writer import BatchWriter, whole_groups
from socialens.ingest.chunks import ChunkResult
from socialens.ingest.summary import FileResult
from socialens.schema import Post
from socialens.store import ROW_GROUP_ROWS, Store
from socialens.store.arrow import records_to_table
from tests.conftest import rows


def _posts(ids: range, text: str = "hello @friend") -> pa.Table:
    return records_to_table(Post, [Post(id=str(i), platform="x", author=f"a{i % 3}", text=text) for i in ids])


def test_whole_groups_keeps_the_rest_in_order():
    table = pa.table({"n": list(range(25))})
    now, rest = whole_groups(table, 10)
    assert now["n"].to_pylist() == list(range(20))
    assert rest is not None and rest["n"].to_pylist() == list(range(20, 25))
    assert whole_groups(table.slice(0, 7), 10) == (table.slice(0, 7), None)  # under one group: all now
    assert whole_groups(table.slice(0, 20), 10)[1] is None


def _write(path: Path, batches: list[pa.Table], align: int) -> tuple[list[tuple[object, ...]], FileResult]:
    result = FileResult("f", "x")
    with Store(path) as store:
        with BatchWriter(store, result, align=align) as writer:
            for batch in batches:
                writer.submit([ChunkResult(tables={"posts": batch})])
        return rows(store, "SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY id"), result


def test_carried_posts_end_as_unaligned_writes_would_leave_them(tmp_path: Path):
    # 23 posts then 9 more, one of them a later version of a carried post (id 21, new text)
    batches = [_posts(range(23)), pa.concat_tables([_posts(range(23, 31)), _posts(range(21, 22), "edited")])]
    aligned, counts = _write(tmp_path / "a.duckdb", batches, align=10)
    plain, plain_counts = _write(tmp_path / "b.duckdb", batches, align=1_000)
    assert aligned == plain and len(aligned) == 31
    assert next(r for r in aligned if r[0] == "21")[4] == "edited"
    assert counts.counts["posts"].new == 31 and plain_counts.counts["posts"].new == 31


def test_a_failed_write_stops_the_ingest_and_keeps_earlier_batches(tmp_path: Path):
    good = records_to_table(Post, [Post(id="1", platform="x", author="a", text="ok")])
    bad = good.set_column(0, "id", pa.array([None], pa.string()))  # the key may not be empty
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(Exception, match="NOT NULL"), BatchWriter(store, FileResult("f", "x")) as writer:
            writer.submit([ChunkResult(tables={"posts": good})])
            writer.submit([ChunkResult(tables={"posts": bad})])
        assert store.count("posts") == 1


def test_row_group_rows_is_duckdbs(store: Store):
    store.con.execute(f"CREATE TABLE t AS SELECT range AS n FROM range({2 * ROW_GROUP_ROWS + 5})")
    store.con.execute("CHECKPOINT")
    groups = store.con.execute(
        "SELECT row_group_id, max(count) FROM pragma_storage_info('t') GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert [count for _, count in groups] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 5]
