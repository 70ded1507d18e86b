"""``socialens privacy scan``: finds every surviving identifier, in every place, and says where."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.privacy.scan import Identifier, identifiers_from_raw, scan
from socialens.store import Store
from tests.conftest import FIXTURES, run_ingest

V1 = FIXTURES / "ingest" / "twitter-v1" / "valid.jsonl"


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        run_ingest(store, V1)
    return path


def test_identifiers_come_from_the_raw_files_through_the_importers() -> None:
    found = {(i.kind, i.value.lower()) for i in identifiers_from_raw([V1])}
    assert {("handle", "lena_k"), ("id", "1339835893"), ("name", "lena kowalski 🌿")} <= found
    assert ("handle", "citybirdsproject") in found and ("name", "田中ゆい") in found


def test_clean_store_exits_0_and_a_planted_leak_exits_1_naming_the_place(tmp_path: Path) -> None:
    path = _store(tmp_path)
    runner = CliRunner()
    clean = runner.invoke(app, ["privacy", "scan", "--raw", str(V1), "--store", str(path), "--json"])
    assert clean.exit_code == 0, clean.output
    assert orjson.loads(clean.stdout)["clean"] and orjson.loads(clean.stdout)["identifiers"] >= 10
    with Store(path) as store:  # a leak in one row of one column
        store.con.execute("UPDATE posts SET title = 'cc Lena_K' WHERE id = '1641420367985090561'")
    leaked = runner.invoke(app, ["privacy", "scan", "--raw", str(V1), "--store", str(path), "--json"])
    assert leaked.exit_code == 1
    report = orjson.loads(leaked.stdout)
    assert report["matches"] == 1
    (finding,) = report["findings"]
    assert finding["where"] == "posts.title" and finding["key"] == "twitter:1641420367985090561"
    assert finding["kind"] == "handle" and finding["identifier"] == "le…(6)"  # masked in the output too


def test_rejects_exports_and_reports_are_scanned(tmp_path: Path) -> None:
    path = _store(tmp_path)
    export = tmp_path / "export"
    runner = CliRunner()
    assert runner.invoke(app, ["export", str(export), "--store", str(path)]).exit_code == 0
    report = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--out", str(report), "--store", str(path)]).exit_code == 0
    wanted = identifiers_from_raw([V1])
    result = scan(wanted, store=path, exports=[export], reports=[report])
    assert result.clean and any("posts.parquet" in s for s in result.scanned)
    report.write_text(report.read_text() + "<p>by tanaka_yui</p>")
    (export / "notes.txt").write_text("line one\nsee 1339835893\n")
    result = scan(wanted, exports=[export], reports=[report])
    places = sorted((f.place, f.where) for f in result.findings)
    assert places == [("export", "line 2"), ("report", f"line {len(report.read_text().splitlines())}")]


def test_words_inside_longer_words_and_short_names_are_not_matches(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("lena_kowalski and xlena_k and 133983589300\n")
    result = scan(
        [Identifier("lena_k", "handle"), Identifier("1339835893", "id"), Identifier("ab", "id")], rejects=notes
    )
    assert result.clean and result.too_short == 1


def test_public_accounts_are_not_leaks(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("@united says hi\n")
    assert scan([Identifier("united", "handle")], rejects=notes, public=["twitter:united"]).clean
    assert not scan([Identifier("united", "handle")], rejects=notes).clean


def test_an_export_scan_without_identifiers_is_a_clear_error(tmp_path: Path) -> None:
    """Without identifiers only a store can be scanned (tests/privacy/test_residue.py): export
    folders and reports are searched for given identifiers."""
    result = CliRunner().invoke(app, ["privacy", "scan", "--report", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "--raw" in result.output


def test_report_json_views_hold_no_identifier(tmp_path: Path) -> None:
    """``socialens report --json`` prints every section's view (what the API serves): pseudonyms only."""
    path = _store(tmp_path)
    done = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r.html"), "--store", str(path), "--json"])
    assert done.exit_code == 0, done.output
    views = orjson.loads(done.stdout)["views"]
    assert {"summary", "mentions"} <= set(views) and views["mentions"]["items"]  # the accounts are in there
    printed = tmp_path / "views.json"
    printed.write_text(done.stdout)
    result = scan(identifiers_from_raw([V1]), reports=[printed])
    assert result.findings == [] and result.clean
    printed.write_text(done.stdout.replace(views["mentions"]["items"][0][0], "lena_k"))  # the scan would see one
    assert not scan(identifiers_from_raw([V1]), reports=[printed]).clean
