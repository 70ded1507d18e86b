"""The rejects file keeps where and why, never who (issue 18)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.privacy.rejects import mask_excerpt, safe_reason
from socialens.store import Store
from tests.conftest import TEST_KEY

RAW = ("SecretHandle", "Jane Q. Doe", "+44 20 7946 0958", "jane@example.org", "918273645546372819")


def _bad_records(path: Path) -> Path:
    user = {"id_str": RAW[4], "screen_name": RAW[0], "name": RAW[1], "description": f"{RAW[2]} {RAW[3]}"}
    lines = [
        orjson.dumps({"id_str": "1", "text": "fine", "user": {"id_str": "5", "screen_name": "ok"}}),
        orjson.dumps({"id_str": "2", "text": f"@{RAW[0]} hi", "user": {**user, "followers_count": "lots"}}),
        orjson.dumps({"id_str": "3", "text": "x", "user": {**user, "screen_name": 7}, "created_at": "yesterday"}),
        f'{{"id_str": "4", "user": {{"screen_name": "{RAW[0]}", "name": "{RAW[1]}"'.encode(),  # cut short
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("keep", [False, True])
def test_rejects_are_pseudonymised_unless_identifiers_are_kept(tmp_path: Path, keep: bool) -> None:
    source = _bad_records(tmp_path / "bad.jsonl")
    with Store(tmp_path / "s.duckdb") as store:
        summary = ingest([source], store, format="twitter-v1", pseudonymizer=Pseudonymizer(TEST_KEY, keep), workers=0)
    text = Path(summary.rejects_path).read_text(encoding="utf-8")
    found = [orjson.loads(line) for line in text.splitlines()]
    assert [(r["source"], r["line"]) for r in found] == [(str(source), 2), (str(source), 3), (str(source), 4)]
    assert all(r["reason"] for r in found) and found[0]["field"] == "followers"
    leaked = [raw for raw in (*RAW, "7946", "example.org") if raw.lower() in text.lower()]
    if keep:
        assert leaked, "raw excerpts are kept on purpose with --keep-identifiers"
    else:
        assert leaked == [], text
        assert '"screen_name":"…"' in found[0]["excerpt"] and '"followers_count":"…"' in found[0]["excerpt"]


def test_excerpts_keep_keys_times_and_small_numbers_only() -> None:
    masked = mask_excerpt(
        '{"created_at": "Thu Dec 17", "lang": "ja", "user": {"name": "山田太郎", "id": 123456}, "n": 3}'
    )
    assert masked == '{"created_at": "Thu Dec 17", "lang": "ja", "user": {"name": "…", "id": …}, "n": 3}'
    assert mask_excerpt("id,author,text\n9,bob,hello world") == "…,…,…\n9,…,… …"


def test_reasons_mask_values_not_column_names() -> None:
    assert safe_reason("expected an integer, got 'Jane Doe' (column 'followers')") == (
        "expected an integer, got '…' (column 'followers')"
    )
    assert safe_reason("not valid JSON: unexpected character: line 1 column 9 (char 8)").startswith("not valid JSON")
