"""Generated checks over every registered Task (selected by base class, not by name):
settings round-trip, declarations a plan can resolve, an empty selection, determinism, and
local vs process engines writing the same rows."""

from __future__ import annotations

import dataclasses

import pytest

from socialens.errors import ConfigError, ModelNotFoundError
from socialens.pipeline import Selection, Task, run_tasks, task_class, task_names
from socialens.pipeline.settings import parse_settings, settings_dict
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus

TASKS = {name: task_class(name) for name in task_names()}
RECORD_TABLES = {"posts", "users", "interactions", "alerts", "media"}  # media: ingest's media pass
# Settings that keep the checks quick (the default topic embedder loads a transformer).
QUICK = {"topics": {"embedder": "tfidf", "clusterer": "kmeans", "n_topics": 2, "sample": 100}}
NOTHING = Selection(query="zzqqxx")
OUTPUT_SQL = {
    "post_scores": "SELECT platform, post_id, label, score, probabilities, model FROM post_scores WHERE task = ?",
    "user_scores": "SELECT platform, user_id, label, score, details, model FROM user_scores WHERE task = ?",
    "results": "SELECT item, rank, payload FROM analysis_results WHERE task = ?",
}


@pytest.fixture
def corpus(store, tmp_path):
    return ingest_corpus(store, tmp_path)


def _outputs(store, cls: type[Task]) -> dict[str, list]:
    out = {}
    for output in cls.assigns:
        table, _, task = output.partition(".")
        if table in OUTPUT_SQL:
            out[output] = sorted(map(repr, rows(store, OUTPUT_SQL[table] + " ORDER BY ALL", [task])))
    return out


def _run(store, name, **kwargs):
    return run_tasks(store, [name], {name: QUICK[name]} if name in QUICK else None, with_prerequisites=True, **kwargs)[
        -1
    ]


def test_every_catalogued_task_is_a_task():
    assert len(TASKS) >= 12
    for name, cls in TASKS.items():
        assert issubclass(cls, Task) and cls.name == name
        assert cls.kind in ("post", "media", "account", "graph", "corpus")
        assert cls.assigns, f"{name} declares no outputs"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_settings_round_trip(name):
    cls = TASKS[name]
    defaults = cls.Settings()
    plain = settings_dict(defaults)
    assert parse_settings(cls.Settings, plain, name, "json") == defaults
    as_text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in plain.items() if v is not None}
    assert parse_settings(cls.Settings, as_text, name) == defaults
    assert cls.from_values(plain).settings == defaults
    with pytest.raises(ConfigError) as caught:
        cls.from_values({"no_such_setting": "1"})
    allowed = [f.name for f in dataclasses.fields(cls.Settings)]
    assert "no_such_setting" in str(caught.value) and all(key in str(caught.value) for key in allowed)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_declarations_resolve(name):
    produced = {output for cls in TASKS.values() for output in cls.assigns}
    for needed in (*TASKS[name].requires, *TASKS[name].uses):
        assert needed in RECORD_TABLES or needed in produced, f"{name} reads {needed}, which no task assigns"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_empty_selection_runs_and_writes_nothing(name, corpus, tmp_path):
    try:
        result = _run(corpus, name, selection=NOTHING, models_dir=tmp_path / "models")
    except ModelNotFoundError as error:  # refused before any work, with what to train
        assert TASKS[name].needs_models and "socialens train" in str(error)
        return
    assert result.rows == 0 and result.selection == NOTHING.as_dict()
    assert all(not found or output.startswith("results.") for output, found in _outputs(corpus, TASKS[name]).items())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, c in TASKS.items() if not c.needs_models))
def test_deterministic(name, corpus, tmp_path):
    _run(corpus, name, models_dir=tmp_path / "models")
    first = _outputs(corpus, TASKS[name])
    corpus.con.execute("DELETE FROM post_scores; DELETE FROM user_scores; DELETE FROM analysis_results")
    _run(corpus, name, models_dir=tmp_path / "models")
    assert _outputs(corpus, TASKS[name]) == first


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, c in TASKS.items() if c.kind == "post" and not c.needs_models))
def test_local_and_process_engines_agree(name, corpus, tmp_path):
    from socialens.analyses.sentiment.workflow import train_sentiment

    models = tmp_path / "models"
    train_sentiment("en", "vader", registry_root=models)  # so sentiment has a model to score with
    _run(corpus, name, models_dir=models, engine="local")
    local = _outputs(corpus, TASKS[name])
    corpus.con.execute("DELETE FROM post_scores")
    _run(corpus, name, models_dir=models, engine="process")
    assert _outputs(corpus, TASKS[name]) == local and any(local.values())
