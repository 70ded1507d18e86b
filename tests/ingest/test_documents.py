"""Every JSON format reads a document spread over lines as one document, and detection sees it."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from socialens.errors import InputFileError
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source, load_json_document, parse_prefix
from tests.conftest import FIXTURES, rows, run_ingest

INGEST = FIXTURES / "ingest"


def _json_lines(path: Path) -> list[object]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _pretty(path: Path, document: object) -> Path:
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    return path


# (format, how to build a document out of a fixture) for every JSON format
DOCUMENTS = {
    "twitter-v1": lambda: _json_lines(INGEST / "twitter-v1" / "valid.jsonl"),
    "twitter-v1-search": lambda: {
        "statuses": _json_lines(INGEST / "twitter-v1" / "valid.jsonl"),
        "search_metadata": {"count": 7},
    },
    "twitter-v2": lambda: orjson.loads((INGEST / "twitter-v2" / "valid.json").read_bytes()),
    "mastodon": lambda: orjson.loads((INGEST / "mastodon" / "valid.json").read_bytes()),
    "weibo": lambda: {"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": m} for m in _weibo_mblogs()]}},
    "reddit": lambda: {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": _reddit_submission()}]}},
    "bluesky": lambda: orjson.loads((INGEST / "bluesky" / "author_feed.json").read_bytes()),
    "x-graphql": lambda: orjson.loads((INGEST / "x-graphql" / "valid.json").read_bytes()),
}


def _weibo_mblogs() -> list[object]:
    return [r for r in _json_lines(INGEST / "weibo" / "valid.jsonl") if isinstance(r, dict) and "mid" in r]


def _reddit_submission() -> object:
    return next(r for r in _json_lines(INGEST / "reddit" / "valid.ndjson") if "title" in r)  # type: ignore[operator]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pretty_printed_documents_are_detected_and_read_whole(store, tmp_path, name):
    path = _pretty(tmp_path / f"{name}.json", DOCUMENTS[name]())
    expected = name.split("-search")[0]
    assert Source(path).layout() == "document"
    summary = run_ingest(store, path)
    assert summary.files[0].format == expected and summary.errors == []
    assert summary.rejected == 0 and summary.as_dict()["new"]["posts"] > 0


@pytest.mark.parametrize("name", ["twitter-v1", "twitter-v1-search", "twitter-v2", "mastodon", "reddit", "x-graphql"])
def test_long_documents_are_detected_from_their_first_items(tmp_path, name):
    """Longer than the 64 KiB detection sample: the sample does not parse as a whole."""
    document = DOCUMENTS[name]()
    padding = "x" * 70_000  # one long value early on pushes the document's end out of the sample
    if isinstance(document, list):
        document = [*document, {"padding": padding}]
    else:
        document = {**document, "zz_padding": padding}  # type: ignore[dict-item]
    path = tmp_path / "long.json"
    path.write_bytes(orjson.dumps(document))
    assert len(Source(path).head()) < path.stat().st_size
    assert detect_format(Source(path)).format_name == name.split("-search")[0]


def test_empty_search_response_is_v1_and_holds_nothing(store, tmp_path):
    path = _pretty(tmp_path / "search.json", {"statuses": [], "search_metadata": {"count": 0}})
    summary = run_ingest(store, path)
    assert summary.files[0].format == "twitter-v1" and summary.errors == []
    assert "no posts" in (summary.files[0].note or "")


def test_json_lines_stay_lines_and_a_broken_first_line_is_one_reject(store, tmp_path):
    lines = _json_lines(INGEST / "twitter-v1" / "valid.jsonl")
    path = tmp_path / "broken_first.jsonl"
    path.write_bytes(b'{"id_str": "1", "text": "cut off\n' + b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    assert Source(path).layout() == "lines"
    summary = run_ingest(store, path, format="twitter-v1")
    assert summary.rejected == 1 and summary.as_dict()["new"]["posts"] == 7


def test_a_truncated_document_is_one_clear_file_error(store, tmp_path):
    data = orjson.dumps(DOCUMENTS["twitter-v1"](), option=orjson.OPT_INDENT_2)
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    summary = run_ingest(store, path, format="twitter-v1")
    assert "not a complete JSON document" in summary.errors[0]
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_documents_over_the_size_limit_are_refused_with_a_hint(tmp_path, monkeypatch):
    import socialens.ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 1 << 10)
    path = _pretty(tmp_path / "big.json", DOCUMENTS["twitter-v1"]())
    with pytest.raises(InputFileError, match="convert it to JSON lines"):
        load_json_document(Source(path))


def test_parse_prefix_closes_a_cut_document_after_its_last_whole_item():
    assert parse_prefix(b'{"data": [{"id": "1", "text": "a \\" ] }"}, {"id": "2", "te') == {
        "data": [{"id": "1", "text": 'a " ] }'}]
    }
    assert parse_prefix(b'[\n  {\n    "a": {"b": [1, 2]},\n    "c": "d') == [{"a": {"b": [1, 2]}}]
    assert parse_prefix(b"not json") is None and parse_prefix(b"]}") is None
    assert parse_prefix(b'{"whole": true}') == {"whole": True}


def test_empty_files_say_so(store, tmp_path):
    empty, blank = tmp_path / "empty.jsonl", tmp_path / "blank.json"
    empty.write_bytes(b"")
    blank.write_bytes(b"\n  \n")
    summary = run_ingest(store, empty, blank, format="twitter-v1")
    assert [f.note for f in summary.files] == ["the file is empty (0 bytes)", "the file is empty"]
    assert summary.errors == [] and summary.as_dict()["notes"][0].endswith("the file is empty (0 bytes)")
