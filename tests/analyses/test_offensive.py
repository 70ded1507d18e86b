"""Offensive-language scores from the packaged HateSonar model."""

from __future__ import annotations

from socialens.analyses.offensive.hatesonar import LABELS, HateSonarOffensive
from socialens.analyses.offensive.score import predict_offensive
from socialens.schema import Post
from tests.conftest import rows, run_analysis


def test_probabilities_rank_an_insult_above_a_greeting():
    proba = HateSonarOffensive().predict_proba(["you are a stupid fucking idiot", "have a lovely day, friends"])
    assert proba.shape == (2, 3) and abs(proba.sum(axis=1) - 1).max() < 1e-4
    neither = LABELS.index("neither")
    assert proba[0, neither] < proba[1, neither]


def test_bad_input_and_other_languages_are_defined():
    texts = ["", "😍😍", "x" * 10_000, "我很喜欢 this", b"bad \xff bytes".decode("utf-8", errors="replace")]
    results = predict_offensive(texts)
    assert len(results) == len(texts)
    assert all(r["label"] in (*LABELS, None) for r in results)
    assert any(r["label"] is None and "English only" in r["reason"] for r in results)


def test_analyze_writes_scores(store, tmp_path):
    store.write_records(
        {
            Post: [
                Post(id="1", platform="x", text="have a lovely day", lang="en"),
                Post(id="2", platform="x", text="今天天气很好", lang="zh"),
            ]
        }
    )
    result = run_analysis(store, "offensive")
    assert result["scored"] == 1
    scores = dict(rows(store, "SELECT post_id, label FROM post_scores WHERE task = 'offensive'"))
    assert scores["1"] in LABELS and scores["2"] is None
    from socialens.report import write_report

    page = write_report(store, tmp_path / "r.html").read_text()
    assert 'id="offensive"' in page and "Most likely offensive" in page
