"""The corpus-level runner: it reads the selection's posts, hands them to the analysis (no store)
and writes everything the analysis returns in one transaction."""

from __future__ import annotations

import pyarrow as pa
import pytest

from socialens.pipeline import Selection
from socialens.pipeline.context import Context
from socialens.pipeline.runners import CorpusOutput, corpus_pass, execute
from socialens.pipeline.task import Task, TaskResult
from socialens.progress import NoProgress
from socialens.store.results import read_alerts, read_results, write_results
from socialens.store.topic_queries import read_posts_for_topics
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


@pytest.fixture
def corpus(store, tmp_path):
    return ingest_corpus(store, tmp_path)


def count_words(posts: dict, progress) -> CorpusOutput:
    """A corpus analysis: words per post (a post score), the longest post (a result), one alert."""
    words = [len(text.split()) for text in posts["text"]]
    n = len(words)
    scores = pa.table(
        {
            "platform": posts["platform"],
            "post_id": posts["id"],
            "task": ["words"] * n,
            "label": ["long" if w > 6 else "short" for w in words],
            "score": [float(w) for w in words],
            "probabilities": pa.nulls(n, pa.string()),
            "model": ["count"] * n,
        }
    )
    longest = max(range(n), key=words.__getitem__)
    alert = {"id": "words-1", "kind": "long_post", "raised_at": "2024-03-01T00:00:00Z", "payload": {"n": n}}
    return CorpusOutput(
        {"posts": n},
        post_scores=scores,
        results={"words": [(posts["id"][longest], {"words": max(words)})]},
        alerts=[alert],
    )


class WordsTask(Task):
    name = "words"
    kind = "corpus"

    def run(self, ctx: Context) -> TaskResult:
        output, written = corpus_pass(ctx, read_posts_for_topics, count_words)
        return self.result(output.data, rows=written)


def test_corpus_pass_writes_every_output_of_the_analysis(corpus):
    result = execute(Context(corpus), WordsTask())
    assert result.data == {"posts": 6} and result.rows == 6 + 1 + 1
    scored = dict(rows(corpus, "SELECT post_id, score FROM post_scores WHERE task = 'words'"))
    assert scored["1"] == 8.0 and len(scored) == 6
    assert read_results(corpus, "words") == [("1", {"words": 8})]
    assert [a["kind"] for a in read_alerts(corpus)] == ["long_post"]


def test_corpus_pass_reads_only_the_selection(corpus):
    result = execute(Context(corpus, selection=Selection(lang=("zh",))), WordsTask())
    assert result.data == {"posts": 1}
    assert rows(corpus, "SELECT post_id FROM post_scores WHERE task = 'words'") == [("5",)]


def test_a_failed_write_leaves_the_earlier_results_whole(corpus):
    write_results(corpus, "words", [("earlier", {"words": 1})])

    def fails_once_written(store) -> int:
        raise RuntimeError("disk full")

    def analyse(posts, progress) -> CorpusOutput:
        output = count_words(posts, progress)
        output.derive = fails_once_written
        return output

    with pytest.raises(RuntimeError, match="disk full"):
        corpus_pass(Context(corpus, progress=NoProgress()), read_posts_for_topics, analyse)
    assert read_results(corpus, "words") == [("earlier", {"words": 1})]
    assert rows(corpus, "SELECT count(*) FROM post_scores WHERE task = 'words'") == [(0,)]
    assert read_alerts(corpus) == []
