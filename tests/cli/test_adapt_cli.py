"""``socialens adapt`` refusing a store with too few posts, and ``models list|unpin --store``."""

from __future__ import annotations

from socialens.store import Store
from socialens.store.model_pins import pin_model, store_pins
from tests.cli.test_cli import run_cli, tweet, write_jsonl
from tests.conftest import SHIPPED_MODELS


def _store(tmp_path, n):
    data = write_jsonl(tmp_path / "t.jsonl", [tweet(i, f"Lovely dress number {i}, fits well") for i in range(n)])
    done = run_cli(tmp_path, "ingest", data, "--format", "twitter-v1", "--store", tmp_path / "s.duckdb")
    assert done.code == 0, done.stderr
    return tmp_path / "s.duckdb"


def test_adapt_with_too_few_posts_says_so_with_its_code(tmp_path):
    store = _store(tmp_path, 30)
    done = run_cli(tmp_path, "adapt", "sentiment", "--store", store, SOCIALENS_SHIPPED_MODELS=str(SHIPPED_MODELS))
    assert done.code == 2 and "Traceback" not in done.stderr
    assert "[E504] the store has 30 distinct posts in 'en'; adapting needs at least 200" in done.stderr
    done = run_cli(tmp_path, "adapt", "topics", "--store", store)
    assert done.code == 2 and "[E401] adapt knows the task(s) sentiment, not 'topics'" in done.stderr


def test_models_list_shows_the_store_pin_and_unpin_removes_it(tmp_path):
    store = _store(tmp_path, 3)
    with Store(store) as db:
        pin_model(db, "sentiment/en", "sentiment-en@1")
    env = {"SOCIALENS_SHIPPED_MODELS": str(SHIPPED_MODELS)}
    listed = run_cli(tmp_path, "models", "list", "--store", store, "--json", **env).json()
    assert [r["name"] for r in listed if r.get("pinned_by_store") == "sentiment/en"] == ["sentiment-en"]
    done = run_cli(tmp_path, "models", "unpin", "sentiment/en", "--store", store, **env)
    assert done.code == 0 and "unpinned sentiment-en@1 for sentiment/en" in done.stderr
    with Store(store, read_only=True) as db:
        assert store_pins(db) == {}
    done = run_cli(tmp_path, "models", "unpin", "sentiment/en", "--store", store, **env)
    assert done.code == 0 and "nothing to undo" in done.stderr
    done = run_cli(tmp_path, "models", "unpin", "sentiment/en", **env)
    assert done.code == 2 and "[E401] unpin needs" in done.stderr
