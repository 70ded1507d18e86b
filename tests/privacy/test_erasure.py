"""``socialens forget``, end to end on a store built by real ingest from fixture files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.privacy import Pseudonymizer
from socialens.privacy.scan import Identifier, scan
from socialens.store import Store
from socialens.store.entity_queries import replace_post_entities
from socialens.store.results import write_alerts, write_results, write_user_scores
from socialens.store.runs import finish_run, start_run
from socialens.store.scores import write_scores
from tests.conftest import FIXTURES, TEST_KEY, run_ingest

P = Pseudonymizer(TEST_KEY)
V1 = FIXTURES / "ingest" / "twitter-v1"
LENA = ("lena_k", "1339835893")  # the fixture's first author: posted, mentioned, replied to, retweeted
MARC = ("marc_dubois", "14512337")
TABLES = ("posts", "users", "interactions", "post_scores", "post_entities", "user_scores", "media", "media_frames")


def _counts(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in TABLES}


def _build(path: Path) -> None:
    """Ingest fixtures, then write results the way analyses do (scores, a result, an alert)."""
    with Store(path) as store:
        run_ingest(store, V1 / "valid.jsonl", V1 / "malformed.jsonl", FIXTURES / "ingest" / "reddit" / "valid.ndjson")
        posts = store.con.execute("SELECT platform, id FROM posts").fetchall()
        scores = {
            "platform": [p for p, _ in posts],
            "post_id": [i for _, i in posts],
            "task": ["sentiment"] * len(posts),
            "label": ["positive"] * len(posts),
            "score": [0.9] * len(posts),
            "probabilities": [None] * len(posts),
            "model": ["test"] * len(posts),
        }
        write_scores(store, pa.table(scores))
        handle = P.handle("twitter", LENA[0])
        # every post names her (as `analyze entities` stores a mention: its pseudonym)
        entities = [{"platform": p, "post_id": i, "position": 0, "entity": f"@{handle}", "key": f"@{handle}",
                     "kind": "account"} for p, i in posts]  # fmt: skip
        replace_post_entities(store, posts, entities)
        lena, marc = P.user("twitter", LENA[1]), P.user("twitter", MARC[1])
        write_user_scores(
            store, "influence", [{"platform": "twitter", "user_id": u, "score": 1.0} for u in (lena, marc)]
        )
        handle = P.handle("twitter", LENA[0])
        write_results(store, "communities", [("c1", {"members": [lena, marc], "top": [f"@{handle}"]})])
        # results keyed by the account itself (two would collide if both were redacted to one key)
        write_results(store, "membership", [(lena, {"c": "c1"}), (handle, {"c": "c1"}), (marc, {"c": "c1"})])
        when = datetime(2023, 3, 30, 9)
        write_alerts(store, [{"id": "a1", "kind": "burst", "raised_at": when, "summary": f"@{handle} surges"}])
        # a task run selected by her pseudonym (`--author`) names her in its record
        start_run(store, "sentiment", "k1", {"model": "default"}, {"author": [lena], "lang": ["en"]})
        finish_run(store, "sentiment", len(posts), f"scored {len(posts)} posts of {lena}")
    # a rejects line as older versions wrote them: a raw excerpt
    rejects = path.with_suffix(".rejects.jsonl")
    old = {"source": "old.jsonl", "line": 9, "reason": "x", "excerpt": '{"screen_name": "lena_k"}'}
    with open(rejects, "ab") as handle:
        handle.write(orjson.dumps(old) + b"\n")


def test_forget_removes_the_account_everywhere_and_counts_agree(tmp_path: Path) -> None:
    store_file = tmp_path / "s.duckdb"
    _build(store_file)
    with Store(store_file, read_only=True) as store:
        before = _counts(store)
        replies = store.con.execute(
            "SELECT count(*) FROM posts WHERE text LIKE ?", [f"%{P.handle('twitter', 'lena_k')}%"]
        )
        assert replies.fetchone()[0] >= 2  # mentioned by others: their text carries her pseudonym
    wanted = [Identifier(v, "given") for v in (*LENA, P.user("twitter", LENA[1]), P.handle("twitter", LENA[0]))]
    assert scan(wanted, store=store_file).matches > 10  # she is all over the store before
    result = CliRunner().invoke(app, ["forget", "lena_k", "nobody_here", "--store", str(store_file), "--json"])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert (report["requested"], report["accounts"], report["not_found"]) == (2, 1, 1)
    assert report["rejects_lines_removed"] == 1 and "not recomputed" in report["derived_results"]
    with Store(store_file, read_only=True) as store:
        after = _counts(store)
        # the counts agree: what it says it deleted is exactly what is gone
        deleted = dict(report["deleted"])
        assert deleted.pop("media_files") == 0  # no attachments here (tests/media/test_media_privacy.py has them)
        assert {t: before[t] - after[t] for t in TABLES} == deleted
        assert report["deleted"]["posts"] == 3  # her two posts and marc's retweet of one
        assert report["deleted"]["users"] == 1 and report["deleted"]["user_scores"] == 1
        history = store.con.execute("SELECT source, format, read FROM ingests WHERE format = 'erasure'").fetchall()
        assert len(history) == 1 and "lena" not in str(history).lower()
        assert P.user("twitter", MARC[1]) in str(store.con.execute("SELECT payload FROM analysis_results").fetchall())
        items = store.con.execute("SELECT item FROM analysis_results WHERE task = 'membership'").fetchall()
        assert items == [(P.user("twitter", MARC[1]),)]  # hers deleted, not redacted; his kept
        selection, summary = store.con.execute("SELECT selection, summary FROM task_runs").fetchone()
        assert "[forgotten]" in selection and '"en"' in selection and "[forgotten]" in summary
    found = scan(wanted, store=store_file)
    assert found.clean, [f.as_dict() for f in found.findings]
    # and the rest of the store is still there: marc is untouched
    marc = scan([Identifier(str(P.user("twitter", MARC[1])), "given")], store=store_file)
    assert not marc.clean


def test_forget_by_pseudonym_and_raw_id_agree(tmp_path: Path) -> None:
    outcomes = []
    for name in (LENA[1], str(P.user("twitter", LENA[1])), "twitter:lena_k"):
        store_file = tmp_path / f"{len(outcomes)}.duckdb"
        _build(store_file)
        result = CliRunner().invoke(app, ["forget", name, "--store", str(store_file), "--json"])
        assert result.exit_code == 0, result.output
        outcomes.append(orjson.loads(result.stdout)["deleted"])
    assert outcomes[0] == outcomes[1] == outcomes[2]


@pytest.mark.parametrize("name", ["", "u_0000000000000000"])
def test_forget_of_nobody_changes_nothing(tmp_path: Path, name: str) -> None:
    store_file = tmp_path / "s.duckdb"
    _build(store_file)
    with Store(store_file, read_only=True) as store:
        before = _counts(store)
    result = CliRunner().invoke(app, ["forget", name or "ghost", "--store", str(store_file), "--json"])
    assert result.exit_code == 0 and orjson.loads(result.stdout)["accounts"] == 0
    with Store(store_file, read_only=True) as store:
        assert _counts(store) == before
