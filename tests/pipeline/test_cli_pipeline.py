"""The faces over the pipeline: ``analyze`` refuses an impossible plan, ``run`` adds prerequisites,
filters select, progress is logged without a terminal, nothing raw leaks into the run records."""

from __future__ import annotations

from socialens.store import Store
from tests.cli.test_cli import run_cli
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


def _store(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as db:
        ingest_corpus(db, tmp_path)
    return path


def test_analyze_refuses_run_adds_prerequisites_and_logs_progress(tmp_path):
    path = _store(tmp_path)
    refused = run_cli(tmp_path, "analyze", "segments", "--store", path)
    assert refused.code == 2 and "segments needs profiles" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli(tmp_path, "run", "segments", "--store", path, "-o", "segments.k=2", "--author", "ann", timeout=120)
    assert done.code == 0, done.stderr
    assert "profiled" in done.stderr and "segments of" in done.stderr
    # Not a terminal: each stage is logged as a line with its rate.
    assert "building user profiles: started" in done.stderr and "/s" in done.stderr
    with Store(path, read_only=True) as db:
        recorded = rows(db, "SELECT task, status, selection FROM task_runs ORDER BY task")
    assert [r[:2] for r in recorded] == [("profiles", "done"), ("segments", "done")]
    assert all('"author":["twitter:u_' in r[2] and "ann" not in r[2] for r in recorded)  # only the pseudonym


def test_analyze_json_with_a_query_and_a_bad_setting(tmp_path):
    path = _store(tmp_path)
    done = run_cli(
        tmp_path, "analyze", "offensive", "--store", path, "--query", "oil OR climate", "--json", timeout=120
    )
    assert done.code == 0, done.stderr
    result = done.json()
    assert result["task"] == "offensive" and result["rows"] == 4 and result["selection"] == {"query": "oil OR climate"}
    bad = run_cli(tmp_path, "analyze", "trends", "--store", path, "-o", "bin=fortnight")
    assert bad.code == 2 and "trends setting bin='fortnight' (-o): expected one of auto, hour, day, week" in bad.stderr
    report = run_cli(tmp_path, "report", "--store", path, "--out", tmp_path / "r.html", "--lang", "zh")
    assert report.code == 0, report.stderr
    page = (tmp_path / "r.html").read_text()
    assert "covers language zh" in page and "What the analyses cover" in page
