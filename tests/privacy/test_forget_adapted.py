"""``socialens forget`` reaches the models adapted to the store (``socialens adapt``): real clothing
reviews posted as tweets, the shipped English default as the teacher, one account's posts carrying
a word no other post (nor the reference data) holds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.privacy.store_models import describe_removed
from socialens.recipes.adapt import adapt_model
from socialens.store import Store
from socialens.store.model_pins import pin_model, store_pins
from socialens.store.stats import models_used
from tests.cli.test_cli import tweet, write_jsonl
from tests.conftest import SHIPPED_MODELS, run_analysis, run_ingest
from tests.recipes.test_adapt import review_texts

MARKER = "zorbleflux"  # in the forgotten account's posts only
FORGOTTEN = "User_500"  # the author of every 11th post (user id 500)


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))


def marked_store(path: Path, texts: list[str], marked: bool = True) -> Store:
    """The reviews as tweets of 11 accounts; user 500's posts end with MARKER when ``marked``."""
    items = []
    for i, text in enumerate(texts):
        user = i % 11 + 500
        items.append(tweet(i, text=f"{text} {MARKER}" if marked and user == 500 else text, user=user))
    store = Store(path)
    run_ingest(store, write_jsonl(path.with_suffix(".jsonl"), items), format="twitter-v1")
    return store


def registry_text(root: Path) -> str:
    """Everything readable in every file of the registry (gzipped JSON decompressed, arrays' strings)."""
    import numpy as np

    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".gz":
            parts.append(gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace"))
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as arrays:
                parts += [" ".join(map(str, arrays[k].ravel())) for k in arrays.files if arrays[k].dtype.kind in "US"]
        else:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts).lower()


def forget_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["forget", *args])
    return result.exit_code, result.output


def test_forget_removes_every_model_learned_from_the_store_and_no_other(tmp_path, shipped):
    models = tmp_path / "models"
    texts = review_texts(600)
    with marked_store(tmp_path / "a.duckdb", texts[:360]) as store:
        first = adapt_model(store, "sentiment", "en", registry_root=models, limit=1500, rounds=1, say=lambda _: None)
        second = adapt_model(store, "sentiment", "en", registry_root=models, limit=1500, rounds=1, say=lambda _: None)
        recorded = second["extra"]["adaptation"]["store"]
        assert recorded["id"] == first["extra"]["adaptation"]["store"]["id"]  # one store, one id
        assert recorded["path_hash"].startswith("sha256:") and "a.duckdb" not in json.dumps(recorded)
    # another store's adaptation is not this store's to erase (its posts never held the marker)
    with marked_store(tmp_path / "b.duckdb", texts[360:600] + texts[:40], marked=False) as other:
        kept = adapt_model(other, "sentiment", "en", registry_root=models, limit=1500, rounds=1, say=lambda _: None)
        assert store_pins(other) == {"sentiment/en": kept["pin"]}
    assert MARKER in registry_text(models / "sentiment-en-adapted" / str(second["version"]))  # the test can fail

    code, output = forget_cli(FORGOTTEN, "--store", str(tmp_path / "a.duckdb"), "--models-dir", str(models), "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["accounts"] == 1 and result["deleted"]["posts"] > 0
    # v1 was no longer pinned (v2 replaced the pin): found by the store recorded on its card
    readapt = "socialens adapt sentiment --lang en"
    assert result["adapted_models_removed"] == [
        {"model": "sentiment-en-adapted", "version": v, "unpinned": pin, "files_removed": True, "readapt": readapt}
        for v, pin in ((first["version"], None), (second["version"], "sentiment/en"))
    ]
    assert sorted(p.name for p in (models / "sentiment-en-adapted").iterdir()) == [str(kept["version"])]
    assert MARKER not in registry_text(models)  # no file of the registry holds her word any more
    with Store(tmp_path / "a.duckdb") as store, Store(tmp_path / "b.duckdb") as other:
        assert store_pins(store) == {} and store_pins(other) == {"sentiment/en": kept["pin"]}
        run_analysis(store, "sentiment", models_dir=models)  # the default answers again
        assert list(models_used(store)["sentiment"]) == ["sentiment-en v1 (shipped)"]


def test_forget_says_which_model_it_removed_and_forgetting_nobody_keeps_it(tmp_path, shipped):
    models, path = tmp_path / "models", tmp_path / "shop.duckdb"
    with marked_store(path, review_texts(300)) as store:
        card = adapt_model(store, "sentiment", "en", registry_root=models, limit=1500, rounds=1, say=lambda _: None)
    folder = models / "sentiment-en-adapted" / str(card["version"])

    code, output = forget_cli("nobody_here", "--store", str(path), "--models-dir", str(models))
    assert code == 0 and "forgot 0 of 1" in output and "was removed" not in output
    with Store(path) as store:
        assert folder.is_dir() and store_pins(store) == {"sentiment/en": card["pin"]}

    code, output = forget_cli(FORGOTTEN, "--store", str(path), "--models-dir", str(models))
    assert code == 0, output
    said = "".join(output.split())  # rich wraps long lines, a long store path even mid-word
    assert (
        "".join(
            (
                f"sentiment-en-adapted v{card['version']} was learned from this store's posts and was removed, "
                f"unpinned (sentiment/en); run `socialens adapt sentiment --lang en --store {path}` again"
            ).split()
        )
        in said
    )
    assert not folder.exists() and MARKER not in registry_text(models)
    with Store(path) as store:
        assert store_pins(store) == {}


def test_a_pinned_adapted_model_of_another_registry_is_unpinned_and_named(tmp_path):
    """Adapted into one registry, forgotten with another: the pin goes; the output says which
    folder to delete, since this registry does not hold it."""
    path = tmp_path / "shop.duckdb"
    with marked_store(path, review_texts(30)) as store:
        pin_model(store, "sentiment/en", "sentiment-en-adapted@4")  # as `adapt --models-dir elsewhere` left it
        pin_model(store, "topics/en", "topics-en@2")  # not an adaptation: stays
    code, output = forget_cli(FORGOTTEN, "--store", str(path), "--models-dir", str(tmp_path / "empty"), "--json")
    assert code == 0, output
    entries = json.loads(output)["adapted_models_removed"]
    assert entries == [
        {
            "model": "sentiment-en-adapted",
            "version": 4,
            "unpinned": "sentiment/en",
            "files_removed": False,
            "readapt": "socialens adapt sentiment --lang en",
        }
    ]
    said = describe_removed(entries[0], "shop.duckdb")
    assert "is unpinned (sentiment/en), but the registry searched does not hold it" in said
    assert "delete its folder sentiment-en-adapted/4" in said and "--store shop.duckdb" in said
    with Store(path) as store:
        assert store_pins(store) == {"topics/en": "topics-en@2"}
