from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socialens.errors import ColumnMappingError, RecordError
from socialens.ingest.base import Sample
from socialens.ingest.formats import detect_format
from socialens.ingest.generic import CsvImporter, JsonlImporter, ParquetImporter
from socialens.ingest.mapping import RowMapper, field_specs
from socialens.ingest.readers import Reject, Source
from socialens.privacy import Pseudonymizer
from socialens.schema import Interaction, Post, User
from tests.conftest import FIXTURES, TEST_KEY, rows, run_ingest

CSV = FIXTURES / "ingest" / "csv"
JSONL = FIXTURES / "ingest" / "jsonl"
PARQUET = FIXTURES / "ingest" / "parquet"
PSEUDO = Pseudonymizer(TEST_KEY)
RATINGS = {"actor": "user_id", "target_post": "item_id", "value": "rating", "timestamp": "timestamp", "kind": "=rating"}


def _rejects(store) -> list[dict]:
    path = store.path.with_suffix(".rejects.jsonl")
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def _sample(path: Path) -> Sample:
    return Sample(path.name, path.read_bytes())


def _new(summary) -> dict[str, int]:
    return summary.as_dict()["new"]


def test_valid_csv_with_canonical_columns_needs_no_mapping(store):
    summary = run_ingest(store, CSV / "valid.csv")
    assert summary.files[0].format == "csv" and summary.rejected == 0 and not summary.errors
    assert _new(summary)["posts"] == 4
    got = dict(rows(store, "SELECT id, created_at FROM posts"))
    assert got["p2"] == datetime(2024, 3, 1, 9, 5)  # +01:00 stored as UTC
    assert got["p4"] == datetime(2024, 3, 2, 17, 20)  # epoch seconds
    ((text, title, tags, likes, reposts),) = rows(
        store, "SELECT text, title, hashtags, like_count, repost_count FROM posts WHERE id='p3'"
    )
    assert text.count("\n") >= 2 and '"no pesticides"' in text and title == "Minutes"
    assert tags == ["meeting", "notes"] and likes is None and reposts is None
    assert rows(store, "SELECT hashtags, like_count FROM posts WHERE id='p1'") == [(["gardening", "spring"], 12)]
    assert rows(store, "SELECT text, reply_to FROM posts WHERE id='p2'")[0] == (
        "Congrats! Tom & Jerry will bring seeds, too.",
        "p1",
    )
    assert rows(store, "SELECT platform, author FROM posts WHERE id='p1'") == [
        ("generic", PSEUDO.user("generic", "alice"))
    ]
    again = run_ingest(store, CSV / "valid.csv")
    assert _new(again) == {"posts": 0, "users": 0, "interactions": 0}
    assert again.as_dict()["updated"] == {"posts": 0, "users": 0, "interactions": 0}


def test_csv_posts_with_mapping_in_latin1_with_semicolons(store):
    settings = {
        "mapping": {
            "id": "tweet_id",
            "author": "usuario",
            "created_at": "fecha",
            "text": "contenido",
            "like_count": "me_gusta",
            "hashtags": "etiquetas",
        },
        "encoding": "latin-1",
        "time_format": "%d/%m/%Y %H:%M",
        "platform": "foro",
    }
    summary = run_ingest(store, CSV / "posts_latin1.csv", format="csv", importer_settings=settings)
    assert summary.rejected == 0 and not summary.errors and _new(summary)["posts"] == 3
    ((text, created, likes, tags, platform, author),) = rows(
        store, "SELECT text, created_at, like_count, hashtags, platform, author FROM posts WHERE id='1001'"
    )
    assert text.startswith("Año nuevo en Málaga: ¡qué día!") and created == datetime(2024, 3, 5, 14, 30)
    assert likes == 15 and tags == ["fiesta", "málaga"] and platform == "foro"
    assert author == PSEUDO.user("foro", "josé")
    assert rows(store, "SELECT text, like_count FROM posts WHERE id='1003'") == [("Respuesta; con punto y coma", None)]


def test_rating_log_becomes_interactions_with_pseudonymous_actors(store):
    settings = {"record": "interaction", "mapping": RATINGS, "platform": "movielens"}
    summary = run_ingest(store, CSV / "ratings.csv", format="csv", importer_settings=settings)
    assert summary.rejected == 0 and _new(summary) == {"posts": 0, "users": 0, "interactions": 6}
    got = rows(store, "SELECT actor, kind, target_post, value, timestamp FROM interactions ORDER BY timestamp")
    first = datetime.fromtimestamp(835355493, UTC).replace(tzinfo=None)
    assert got[0] == (PSEUDO.user("movielens", "2"), "rating", "10", 4.0, first)
    actors = {r[0] for r in got}
    assert actors == {PSEUDO.user("movielens", raw) for raw in ("1", "2", "7")}
    assert not actors & {"1", "2", "7"}
    again = run_ingest(store, CSV / "ratings.csv", format="csv", importer_settings=settings)
    assert _new(again)["interactions"] == 0 and again.as_dict()["updated"]["interactions"] == 0


def test_users_from_parquet_in_batches_with_struct_paths(store, tmp_path):
    path = tmp_path / "users.parquet"
    table = pa.table(
        {
            "user_id": pa.array([1, 2, 3, 4], pa.int64()),
            "screen_name": ["@ana", "ben", None, "dee"],
            "bio": ["Gardener. Mail me at ana@example.org", None, "", "hi"],
            "followers": ["1200", "", "many", "3.0"],
            "verified": ["yes", "no", "1", None],
            "joined": pa.array(
                [datetime(2020, 1, 2, 3, 4, tzinfo=UTC), None, None, None], pa.timestamp("us", tz="UTC")
            ),
            "stats": [{"following": 5}, {"following": None}, None, {"following": 7}],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    mapping = {
        "id": "user_id",
        "handle": "screen_name",
        "description": "bio",
        "followers": "followers",
        "verified": "verified",
        "created_at": "joined",
        "following": "stats.following",
    }
    settings = {"record": "user", "mapping": mapping}
    summary = run_ingest(store, path, format="parquet", importer_settings=settings)
    assert summary.files[0].format == "parquet" and _new(summary)["users"] == 3
    (reject,) = _rejects(store)
    # the bad value itself is masked in the rejects file (issue 18); the column is named
    assert (reject["line"], reject["field"]) == (3, "followers") and "got '…'" in reject["reason"]
    ana = PSEUDO.user("generic", "1")
    ((handle, desc, followers, following, verified, created),) = rows(
        store,
        "SELECT handle, description, followers, following, verified, created_at FROM users WHERE id=?",
        [ana],
    )
    assert handle == PSEUDO.handle("generic", "ana") and desc is None  # descriptions are dropped (issue 18)
    assert (followers, following, verified, created) == (1200, 5, True, datetime(2020, 1, 2, 3, 4))
    assert rows(
        store, "SELECT followers, following, verified FROM users WHERE id=?", [PSEUDO.user("generic", "4")]
    ) == [(3, 7, None)]


def test_valid_parquet_fixture_imports_with_defaults(store):
    summary = run_ingest(store, PARQUET / "valid.parquet")
    assert summary.files[0].format == "parquet" and summary.rejected == 0 and _new(summary)["posts"] == 3
    assert rows(store, "SELECT reply_to, hashtags FROM posts WHERE id='102'") == [("101", ["data"])]
    assert rows(store, "SELECT kind, target_post FROM interactions") == [("reply", "101")]


def test_jsonl_with_dotted_paths(store):
    mapping = {"author": "user.id", "like_count": "stats.likes", "repost_count": "stats.shares"}
    mapping |= {"hashtags": "tags", "reply_to": "in_reply_to"}
    summary = run_ingest(store, JSONL / "valid.jsonl", format="jsonl", importer_settings={"mapping": mapping})
    assert summary.rejected == 0 and _new(summary)["posts"] == 4
    got = {
        r[0]: r[1:] for r in rows(store, "SELECT id, author, like_count, repost_count, hashtags, reply_to FROM posts")
    }
    assert got["j1"] == (PSEUDO.user("generic", "u1"), 10, 2, ["launch"], None)
    assert got["j2"] == (PSEUDO.user("generic", "u2"), 0, None, [], "j1")
    assert got["3"][:2] == (PSEUDO.user("generic", "42"), 7)
    assert got["j4"][3] == ["photo", "sunset"]
    assert rows(store, "SELECT text FROM posts WHERE id='j2'")[0][0].startswith("Replying with <3 to @h_")


def test_valid_jsonl_fixture_imports_with_defaults(store):
    summary = run_ingest(store, JSONL / "valid.jsonl")
    assert summary.files[0].format == "jsonl" and summary.rejected == 0 and _new(summary)["posts"] == 4
    assert rows(store, "SELECT created_at FROM posts WHERE id='3'") == [(datetime(2024, 2, 1, 6, 0),)]


def test_csv_rejects_name_the_field_and_the_physical_line(store):
    summary = run_ingest(store, CSV / "malformed.csv")
    assert sorted(r[0] for r in rows(store, "SELECT id FROM posts")) == ["m1", "m6"]
    got = [(r["line"], r["field"]) for r in _rejects(store)]
    assert got == [(3, None), (4, "created_at"), (5, "id"), (6, "like_count"), (9, None), (10, None)]
    assert summary.rejected == 6
    reasons = [r["reason"] for r in _rejects(store)]
    assert "7 fields" in reasons[0] and "got '…'" in reasons[3] and "'like_count'" in reasons[3]
    assert "m8" not in _rejects(store)[-1]["excerpt"]  # values are masked in rejects (issue 18)


def test_jsonl_rejects_keep_the_good_records(store):
    mapping = {"author": "user.id", "like_count": "stats.likes"}
    summary = run_ingest(store, JSONL / "malformed.jsonl", format="jsonl", importer_settings={"mapping": mapping})
    assert sorted(r[0] for r in rows(store, "SELECT id FROM posts")) == ["k1", "k8"]
    got = [(r["line"], r["field"]) for r in _rejects(store)]
    assert got == [(2, None), (3, "id"), (4, "like_count"), (5, None), (7, "author")]
    assert summary.rejected == 5


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"mapping": {"identifier": "id"}}, "unknown field(s) 'identifier'"),
        ({"mapping": {"id": "tweet_id"}}, "column 'tweet_id', which is not there"),
        ({"record": "user", "mapping": {"handle": "user_id"}}, "need field 'id'"),
        ({"record": "interaction", "mapping": {"actor": "user_id"}}, "need field 'kind'"),
        ({"record": "interaction", "mapping": {**RATINGS, "kind": "=purchase"}}, "unknown interaction kind"),
        ({"record": "interaction", "mapping": {**RATINGS, "value": "=high"}}, "constant for field 'value'"),
    ],
)
def test_mapping_errors_stop_the_file_once_and_list_the_columns(store, settings, expected):
    with pytest.raises(ColumnMappingError) as caught:
        list(CsvImporter(**settings).read(Source(CSV / "ratings.csv")))
    assert expected in caught.value.message
    assert "Available columns: 'user_id', 'item_id', 'rating', 'timestamp'" in caught.value.message
    summary = run_ingest(store, CSV / "ratings.csv", format="csv", importer_settings=settings)
    assert summary.read == 0 and summary.rejected == 0 and "E104" in summary.errors[0]


def test_jsonl_mapping_is_checked_against_the_first_object(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"who": {"id": 1}, "what": "post-9"}\n{"who": {"id": 2}, "what": "post-3"}\n')
    with pytest.raises(ColumnMappingError, match=r"'who\.id'"):
        list(JsonlImporter(record="interaction", mapping={"actor": "user.id", "kind": "=view"}).read(Source(path)))
    importer = JsonlImporter(record="interaction", mapping={"actor": "who.id", "target_post": "what", "kind": "=view"})
    records = [r for item in importer.read(Source(path)) for r in item[1]]  # type: ignore[index]
    assert [(r.actor, r.target_post, r.kind) for r in records] == [("1", "post-9", "view"), ("2", "post-3", "view")]


def test_empty_files_import_nothing_without_error(store, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header_only.csv").write_text("id,text\n\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    pq.write_table(
        pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}), tmp_path / "e.parquet"
    )
    for name, fmt in [
        ("empty.csv", "auto"),
        ("header_only.csv", "auto"),
        ("empty.jsonl", "jsonl"),
        ("e.parquet", "auto"),
    ]:
        summary = run_ingest(store, tmp_path / name, format=fmt)
        assert summary.read == 0 and not summary.errors, name
    assert store.count("posts") == 0


def test_bom_tab_delimiter_and_trailing_empty_cells(tmp_path):
    path = tmp_path / "export.tsv"
    path.write_bytes("\ufeffid\ttext\tlike_count\r\n7\tTab, separated; text\t3\t\r\n".encode())
    assert detect_format(Source(path)).format_name == "csv"
    items = list(CsvImporter().read(Source(path)))
    (post,) = items[0][1]  # type: ignore[index]
    assert (post.id, post.text, post.like_count) == ("7", "Tab, separated; text", 3)


def test_wrong_encoding_is_a_file_error_with_a_hint(store):
    summary = run_ingest(
        store, CSV / "posts_latin1.csv", format="csv", importer_settings={"mapping": {"id": "tweet_id"}}
    )
    assert "latin-1" in summary.errors[0] and "encoding" in summary.errors[0]


def test_detect_format_claims_only_generic_files(tmp_path):
    assert detect_format(Source(CSV / "valid.csv")).format_name == "csv"
    assert detect_format(Source(JSONL / "valid.jsonl")).format_name == "jsonl"
    assert detect_format(Source(PARQUET / "valid.parquet")).format_name == "parquet"
    other = tmp_path / "config.json"
    other.write_text('{"name": "not a post", "size": 3}\n')
    assert JsonlImporter().sniff(_sample(other)) == 0.0
    assert CsvImporter().sniff(_sample(JSONL / "valid.jsonl")) == 0.0
    assert ParquetImporter().sniff(_sample(CSV / "valid.csv")) == 0.0


def test_coercion_of_each_field_type():
    mapper = RowMapper("user", None, ["id", "followers", "verified", "created_at"], time_format="%Y%m%d")
    spec = field_specs(User)
    assert mapper.coerce(spec["followers"], "12.0") == 12 and mapper.coerce(spec["followers"], float("nan")) is None
    assert mapper.coerce(spec["followers"], " NaN ") is None and mapper.coerce(spec["id"], 5.0) == "5"
    assert [mapper.coerce(spec["verified"], v) for v in ("TRUE", "0", "yes", 1, "")] == [True, False, True, True, None]
    assert mapper.coerce(spec["created_at"], 20240102) == datetime(2024, 1, 2, tzinfo=UTC)
    for field, bad in [("followers", "1.5"), ("verified", "maybe"), ("created_at", "2024-01-02"), ("id", {"a": 1})]:
        with pytest.raises(RecordError) as caught:
            mapper.coerce(spec[field], bad, "col")
        assert caught.value.field == field and "'col'" in caught.value.reason
    posts = RowMapper("post", None, ["id"], list_separator=",")
    tags = field_specs(Post)["hashtags"]
    assert posts.coerce(tags, "a, b,,c") == ["a", "b", "c"] and posts.coerce(tags, "['x', 'y']") == ["x", "y"]
    assert posts.coerce(tags, '["x y"]') == ["x y"] and posts.coerce(tags, "") is None
    value = field_specs(Interaction)["value"]
    clicks = RowMapper("interaction", {"kind": "=Click"}, ["actor"])
    assert clicks.coerce(value, "-1") == -1.0
    assert clicks.map_row({"actor": " 9 "}) == Interaction(actor="9", kind="click", platform="generic")


def test_settings_round_trip_and_pickle():
    importer = CsvImporter(record="interaction", mapping=RATINGS, delimiter=",", encoding="latin-1")
    assert importer.clone().get_params() == importer.get_params()
    items = list(importer.read(Source(CSV / "ratings.csv")))
    assert len(items) == 6 and not any(isinstance(i, Reject) for i in items)
    copy = pickle.loads(pickle.dumps(importer))  # also with the checked mapping of the last file
    assert copy.get_params() == importer.get_params() and copy.platform == "generic"
    assert len(list(copy.read(Source(CSV / "ratings.csv")))) == 6


def test_jsonl_lines_split_across_workers_use_the_mapping_checked_once(tmp_path):
    importer = JsonlImporter(mapping={"author": "user.id", "like_count": "stats.likes"})
    source = Source(JSONL / "malformed.jsonl")
    assert importer.line_delimited(source) and importer.mapper_ is not None
    worker = pickle.loads(pickle.dumps(importer))
    chunk = [line for line in source.lines() if line[0] >= 5]  # a chunk that starts on a bad line
    out = list(worker.read_lines(chunk, str(source.path)))
    assert [(o.line, o.field) for o in out if isinstance(o, Reject)] == [(5, None), (7, "author")]
    assert [r.id for o in out if not isinstance(o, Reject) for r in o] == ["k8"]
    with pytest.raises(ColumnMappingError):
        JsonlImporter(mapping={"author": "owner.id"}, record="user").line_delimited(source)


def test_json_array_document_with_a_platform_column(store, tmp_path):
    path = tmp_path / "export.json"
    items = [
        {"id": "a1", "text": "from one place", "platform": "mastodon", "kind": "status"},
        {"id": "a2", "text": "and another", "platform": ""},
    ]
    path.write_bytes(orjson.dumps(items, option=orjson.OPT_INDENT_2))
    summary = run_ingest(store, path, format="jsonl")
    assert summary.rejected == 0 and not summary.errors
    assert rows(store, "SELECT id, platform FROM posts ORDER BY id") == [("a1", "mastodon"), ("a2", "generic")]
    assert JsonlImporter().sniff(Sample(path.name, orjson.dumps(items))) == 0.5


@pytest.mark.parametrize(
    ("settings", "expected"),
    [({"encoding": "klingon"}, "encoding="), ({"delimiter": "::"}, "delimiter="), ({"record": "tweet"}, "record=")],
)
def test_unusable_settings_are_file_errors(store, settings, expected):
    summary = run_ingest(store, CSV / "valid.csv", format="csv", importer_settings=settings)
    assert summary.read == 0 and expected in summary.errors[0]


def test_tab_setting_and_byte_order_mark_only(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    assert CsvImporter().sniff(_sample(path)) == 0.0
    assert list(CsvImporter(delimiter="tab").read(Source(path))) == []
