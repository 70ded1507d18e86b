"""Plans (order, refusal before any work) and the score_posts runner (resume, engines, selection)."""

from __future__ import annotations

import pytest

from socialens.errors import ConfigError, ModelNotFoundError
from socialens.pipeline import Plan, Selection, run_tasks
from socialens.pipeline.context import Context
from socialens.pipeline.runners import PostBatch, PostScore, execute, score_posts
from socialens.pipeline.task import Task
from socialens.store.runs import read_run
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


@pytest.fixture
def corpus(store, tmp_path):
    return ingest_corpus(store, tmp_path)


def test_segments_without_profiles_is_refused_before_any_work(corpus):
    with pytest.raises(ConfigError) as caught:
        run_tasks(corpus, ["segments"])
    assert "segments needs profiles: run `socialens analyze profiles` first, or `socialens run segments` runs both" in (
        str(caught.value)
    )
    assert read_run(corpus, "segments") is None and rows(corpus, "SELECT count(*) FROM user_scores") == [(0,)]


def test_prerequisites_run_first_and_uses_order_the_rest(corpus):
    plan = Plan.build(corpus, ["segments", "influence"], with_prerequisites=True)
    assert plan.names.index("profiles") < plan.names.index("segments")
    assert plan.names.index("influence") < plan.names.index("profiles")  # profiles use the influence scores
    ordered = Plan.build(corpus, ["alerts", "sentiment", "trends", "topics"])
    assert ordered.names == ("sentiment", "topics", "alerts", "trends")  # producers first, else as given


def test_a_producer_of_another_selection_does_not_count(corpus):
    run_tasks(corpus, ["profiles"], selection=Selection(lang=("zh",)))
    with pytest.raises(ConfigError, match="cover language zh"):
        Plan.build(corpus, ["segments"], selection=Selection(lang=("en",)))
    Plan.build(corpus, ["segments"], selection=Selection(lang=("zh",)))  # the same selection is fine


def test_a_task_that_needs_a_trained_model_says_which(corpus, tmp_path):
    with pytest.raises(ModelNotFoundError, match="run `socialens train engagement` first"):
        Plan.build(corpus, ["engagement"], models_dir=tmp_path / "empty")


def test_bad_settings_and_unknown_tasks_fail_before_work(corpus):
    with pytest.raises(ConfigError, match=r"topics setting clusterer=.nope. .*expected one of kmeans, hdbscan"):
        run_tasks(corpus, ["topics"], {"topics": {"clusterer": "nope"}})
    with pytest.raises(ConfigError, match="unknown task 'sentimnet'; available: sentiment"):
        run_tasks(corpus, ["sentimnet"])
    with pytest.raises(ConfigError, match="since is a filter of the selection, not a setting: use --since"):
        run_tasks(corpus, ["influence"], {"influence": {"since": "2024-01-01"}})
    with pytest.raises(ConfigError, match="does not run"):
        run_tasks(corpus, ["trends"], {"topics": {"n_topics": 3}})
    assert read_run(corpus, "topics") is None and read_run(corpus, "trends") is None


# -- the score_posts runner ------------------------------------------------------------------
def length_state() -> str:
    return "length-model"


CALLS: list[int] = []


def score_by_length(state: str, batch: PostBatch) -> list[PostScore]:
    CALLS.append(len(batch.texts))
    if FAIL_AFTER and len(CALLS) > FAIL_AFTER:
        raise RuntimeError("simulated crash")
    return [PostScore("long" if len(t) > 30 else "short", float(len(t)), {}, state) for t in batch.texts]


FAIL_AFTER = 0


class LengthTask(Task):
    name = "length"
    kind = "post"
    assigns = ("post_scores.length",)

    def run(self, ctx: Context):
        counts, written = score_posts(ctx, self, length_state, score_by_length, batch_size=2)
        return self.result(counts, rows=written)


def test_score_posts_resumes_after_a_crash_and_skips_what_is_done(corpus):
    global FAIL_AFTER
    CALLS.clear()
    FAIL_AFTER = 2
    with pytest.raises(RuntimeError, match="simulated crash"):
        execute(Context(corpus), LengthTask())
    assert rows(corpus, "SELECT count(*) FROM post_scores WHERE task = 'length'") == [(4,)]  # two batches committed
    assert read_run(corpus, "length")["status"] == "running"
    FAIL_AFTER = 0
    CALLS.clear()
    result = execute(Context(corpus), LengthTask())
    assert sum(CALLS) == 2 and result.rows == 2  # only the two posts left
    assert result["labels"] == {"long": 5, "short": 1} and read_run(corpus, "length")["status"] == "done"
    CALLS.clear()
    assert execute(Context(corpus), LengthTask())["labels"] == result["labels"] and CALLS == []


def test_score_posts_covers_only_the_selection(corpus):
    CALLS.clear()
    result = execute(Context(corpus, selection=Selection(query="oil")), LengthTask())
    assert result.rows == 2 and result.selection == {"query": "oil"}
    assert read_run(corpus, "length")["selection"] == {"query": "oil"}


def test_local_and_process_engines_write_identical_rows(corpus, tmp_path):
    from socialens.engine import LocalExecutor, ProcessExecutor

    execute(Context(corpus, LocalExecutor()), LengthTask())
    local = rows(corpus, "SELECT post_id, label, score FROM post_scores WHERE task = 'length' ORDER BY post_id")
    corpus.con.execute("DELETE FROM post_scores")
    pool = ProcessExecutor(2)
    try:
        execute(Context(corpus, pool), LengthTask())
    finally:
        pool.close()
    assert rows(corpus, "SELECT post_id, label, score FROM post_scores WHERE task = 'length' ORDER BY post_id") == local


def test_score_posts_leaves_out_posts_without_content_of_their_own(store):
    # A removed Reddit comment keeps its "[removed]" placeholder and a bare Mastodon reblog has no
    # text of its own: ingest flags them (content_state) and no post-level task scores them.
    from tests.conftest import FIXTURES, run_ingest

    ingest_dir = FIXTURES / "ingest"
    run_ingest(store, ingest_dir / "reddit" / "comments_page.json", ingest_dir / "mastodon" / "valid.json")
    flagged = {pid for (pid,) in rows(store, "SELECT id FROM posts WHERE content_state IS NOT NULL")}
    assert len(flagged) == 3
    execute(Context(store), LengthTask())
    scored = {pid for (pid,) in rows(store, "SELECT post_id FROM post_scores WHERE task = 'length'")}
    assert scored and not scored & flagged
    assert len(scored) == rows(store, "SELECT count(*) FROM posts")[0][0] - len(flagged)
