"""Engagement on the real tweets (a recent slice, hashed-word text features) and on a store."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import orjson

from socialens.analyses.engagement.workflow import predict_engagement, top_decile_auc, train_engagement
from socialens.schema import Post
from tests.conftest import rows, run_analysis

SMALL = {"max_iter": 30, "text_dims": 8}


def test_top_decile_auc_is_one_for_a_perfect_ranking():
    actual = np.arange(100.0)
    assert top_decile_auc(actual, actual) == 1.0 and top_decile_auc(actual, -actual) == 0.0


def test_train_saves_a_model_with_both_metrics_and_predicts(tmp_path):
    card = train_engagement("hashing", limit=1500, settings=SMALL, models_dir=tmp_path)
    assert card["name"] == "engagement-hashing" and card["task"] == "engagement"
    metrics = card["metrics"]
    assert metrics["n_train"] + metrics["n_valid"] + metrics["n_test"] == 1500
    for part in ("test", "test_baseline"):
        assert -1 <= metrics[part]["favourites_spearman"] <= 1 and 0 <= metrics[part]["retweets_top10_auc"] <= 1
    times = [datetime(2018, 1, 2, 9), datetime(2018, 1, 2, 21)]
    predicted = predict_engagement(["Make America great", "Fake news media!"], times, models_dir=tmp_path)
    assert len(predicted) == 2 and all(p["favourites"] >= 0 and "retweets_level" in p for p in predicted)


def test_analyze_scores_store_posts(store, tmp_path):
    train_engagement("hashing", limit=800, settings=SMALL, models_dir=tmp_path)
    start = datetime(2021, 3, 1, 8)
    posts = [
        Post(
            id=str(i),
            platform="twitter",
            author=f"u{i % 3}",
            created_at=start + timedelta(hours=5 * i),
            text=f"post number {i} about the news",
            like_count=10 * i,
            repost_count=i,
        )
        for i in range(30)
    ]
    store.write_records({Post: posts})
    result = run_analysis(store, "engagement", models_dir=tmp_path)
    assert result["scored"] == 30 and result["high"] >= 3
    scored = rows(store, "SELECT label, score, probabilities FROM post_scores WHERE task = 'engagement'")
    assert {label for label, _, _ in scored} == {"high", "normal"}
    assert all("favourites" in orjson.loads(p) for _, _, p in scored)
