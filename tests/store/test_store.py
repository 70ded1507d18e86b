from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from socialens.errors import StoreBusyError, StoreError, StoreVersionError
from socialens.schema import Interaction, Post, User
from socialens.store import Store
from socialens.store.migrations import RESULT_TABLES, SCHEMA_VERSION
from socialens.store.results import read_results, read_user_scores, write_results, write_user_scores


def _post(i: int, text: str = "hello") -> Post:
    return Post(
        id=str(i), platform="x", author="u_1", text=text, hashtags=["a"], created_at=datetime(2020, 1, 1, tzinfo=UTC)
    )


def test_new_store_is_migrated_to_current_version(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.count("posts") == 0


def test_upsert_counts_new_updated_unchanged(store):
    first = store.write_records({Post: [_post(1), _post(2)]})["posts"]
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    second = store.write_records({Post: [_post(1), _post(2, "changed"), _post(3)]})["posts"]
    assert (second.new, second.updated, second.unchanged) == (1, 1, 1)
    assert store.con.execute("SELECT text FROM posts WHERE id = '2'").fetchone() == ("changed",)


def test_last_version_in_one_batch_wins(store):
    counts = store.write_records({Post: [_post(1, "old"), _post(1, "new")]})["posts"]
    assert counts.new == 1
    assert store.con.execute("SELECT text FROM posts").fetchall() == [("new",)]


def test_interaction_ids_are_derived_so_duplicates_collapse(store):
    event = dict(actor="u_1", kind="like", platform="x", target_post="9", timestamp=datetime(2020, 1, 1, tzinfo=UTC))
    store.write_records({Interaction: [Interaction(**event)]})
    counts = store.write_records({Interaction: [Interaction(**event)]})["interactions"]
    assert (counts.new, counts.unchanged) == (0, 1)


def test_records_round_trip_through_store(store):
    user = User(
        id="u_1",
        platform="x",
        handle="h_1",
        followers=3,
        verified=True,
        created_at=datetime(2019, 5, 1, 12, tzinfo=UTC),
    )
    store.write_records({Post: [_post(1)], User: [user]})
    [[post]] = list(store.iter_records("posts"))
    assert post == _post(1)
    [[back]] = list(store.iter_records("users"))
    assert back == user


def test_parquet_export_import_round_trip(store, tmp_path):
    store.write_records({Post: [_post(1), _post(2)], User: [User(id="u_1", platform="x")]})
    written = store.export_parquet(tmp_path / "out")
    assert set(written) == {"posts", "users", "interactions", "ingests", *RESULT_TABLES}
    with Store(tmp_path / "other.duckdb") as other:
        counts = other.import_parquet(tmp_path / "out")
        assert counts["posts"].new == 2 and counts["users"].new == 1
        again = other.import_parquet(tmp_path / "out")
        assert again["posts"].unchanged == 2
        assert list(other.iter_records("posts")) == list(store.iter_records("posts"))


def test_analysis_results_travel_with_the_export(store, tmp_path):
    store.write_records({Post: [_post(1)]})
    write_user_scores(store, "influence", [{"platform": "x", "user_id": "u_1", "score": 0.5, "details": {"a": 1}}])
    write_results(store, "topics", [("0", {"words": ["tax"]})])
    store.export_parquet(tmp_path / "out")
    with Store(tmp_path / "other.duckdb") as other:
        other.import_parquet(tmp_path / "out")
        other.import_parquet(tmp_path / "out")  # twice: replaced by key, never duplicated
        assert read_user_scores(other, "influence") == read_user_scores(store, "influence")
        assert read_results(other, "topics") == [("0", {"words": ["tax"]})]


def test_import_from_folder_without_tables_is_a_clear_error(store, tmp_path):
    with pytest.raises(StoreError, match="no posts/users/interactions"):
        store.import_parquet(tmp_path)


def test_second_writer_gets_store_busy(tmp_path):
    path = tmp_path / "busy.duckdb"
    with Store(path):
        code = (
            "import sys\nfrom socialens.store import Store\nfrom socialens.errors import StoreBusyError\n"
            f"try:\n    Store({str(path)!r})\nexcept StoreBusyError as e:\n    print(e); sys.exit(3)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "store is busy" in done.stdout and str(path) in done.stdout


def test_busy_error_class_names_the_path(tmp_path):
    assert "store is busy" in str(StoreBusyError(tmp_path / "x.duckdb"))


def test_read_only_open_of_missing_store_is_clear(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreVersionError, match="newer"):
        Store(path)


def test_not_a_database_file_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk\.duckdb"):
        Store(path)


def test_empty_fields_of_a_newer_version_keep_stored_values(store):
    full = _post(1)
    full.like_count, full.reply_count = 10, 3
    store.write_records({Post: [full]})
    partial = _post(1)
    partial.like_count = 12  # this export has likes but no reply count
    counts = store.write_records({Post: [partial]})["posts"]
    assert counts.updated == 1
    assert store.con.execute("SELECT like_count, reply_count FROM posts").fetchall() == [(12, 3)]
    again = store.write_records({Post: [full]})["posts"]
    assert again.updated == 1  # likes back to 10
    assert store.write_records({Post: [partial]})["posts"].updated == 1
    assert store.write_records({Post: [partial]})["posts"].unchanged == 1


def test_versions_within_one_batch_merge_like_across_batches(store):
    handle_only = User(id="u_1", platform="x", handle="h_1")
    profile = User(id="u_1", platform="x", followers=5, description="bio")
    store.write_records({User: [profile, handle_only]})
    assert store.con.execute("SELECT handle, followers, description FROM users").fetchall() == [("h_1", 5, "bio")]


def test_import_refuses_tables_with_other_identities(store, tmp_path):
    store.set_meta("identity_mode", "raw")
    store.write_records({Post: [_post(1)]})
    store.export_parquet(tmp_path / "raw")
    with Store(tmp_path / "pseudo.duckdb") as other:
        other.set_meta("identity_mode", "abc123")
        with pytest.raises(StoreError, match=r"raw identifiers.*pseudonyms from key abc123"):
            other.import_parquet(tmp_path / "raw")
        assert other.count("posts") == 0
    with Store(tmp_path / "fresh.duckdb") as fresh:
        fresh.import_parquet(tmp_path / "raw")
        assert fresh.get_meta("identity_mode") == "raw"


def test_import_without_export_metadata_is_refused(store, tmp_path):
    store.write_records({Post: [_post(1)]})
    store.export_parquet(tmp_path / "out")
    (tmp_path / "out" / "socialens-meta.json").unlink()
    with Store(tmp_path / "other.duckdb") as other, pytest.raises(StoreError, match="cannot tell"):
        other.import_parquet(tmp_path / "out")


def test_posts_imply_interactions_with_the_same_ids_as_imported_events(store):
    from socialens.store.arrow import interaction_id

    reply = Post(
        id="2",
        platform="x",
        author="u_2",
        reply_to="1",
        mentions=["h_1"],
        created_at=datetime(2020, 1, 1, 12, tzinfo=UTC),
    )
    counts = store.write_records({Post: [reply]})
    assert counts["interactions"].new == 2
    stored = dict(store.con.execute("SELECT kind, id FROM interactions").fetchall())
    same = Interaction(actor="u_2", kind="reply", platform="x", target_post="1", timestamp=reply.created_at)
    assert stored["reply"] == interaction_id(same)
    assert store.write_records({Interaction: [same]})["interactions"].unchanged == 1
    assert store.write_records({Post: [reply]})["interactions"].unchanged == 2


def test_a_transaction_opened_inside_another_commits_or_rolls_back_with_it(store):
    with store.transaction():
        write_results(store, "kept", [("a", {"n": 1})])  # opens its own, nested: joins
        assert store.con.execute("SELECT count(*) FROM analysis_results").fetchone() == (1,)
    assert read_results(store, "kept") == [("a", {"n": 1})]
    with pytest.raises(RuntimeError, match="after the inner write"), store.transaction():
        write_results(store, "kept", [("b", {"n": 2})])
        write_results(store, "other", [("c", {"n": 3})])
        raise RuntimeError("after the inner write")
    assert read_results(store, "kept") == [("a", {"n": 1})] and read_results(store, "other") == []
    with store.transaction():  # usable again after the rollback
        write_results(store, "other", [("d", None)])
    assert read_results(store, "other") == [("d", None)]
