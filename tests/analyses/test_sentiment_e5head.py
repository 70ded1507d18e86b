"""The multilingual-e5 head learns from real reviews in either language and caches embeddings."""

from __future__ import annotations

import numpy as np

from socialens.analyses.sentiment.e5head import E5HeadSentiment
from socialens.models.encoders.e5 import embed_passages

POSITIVE = ["房间很干净，服务很好", "早餐丰富，位置方便", "great crew, loved the flight", "friendly staff, on time"]
NEGATIVE = ["房间很脏，太差了", "服务态度恶劣，不会再来", "lost my bag, awful service", "delayed again, terrible"]


def test_embeddings_are_normalised_cached_and_empty_texts_are_zero(tmp_path):
    texts = ["hello", "", "你好"]
    first = embed_passages(texts, cache_dir=tmp_path)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first[[0, 2]], axis=1), 1.0, atol=1e-5) and not first[1].any()
    assert len(list(tmp_path.glob("e5-*.npy"))) == 1
    assert np.array_equal(embed_passages(texts, cache_dir=tmp_path), first)
    assert embed_passages([]).shape == (0, 384)


def test_one_head_scores_chinese_and_english(tmp_path):
    texts, labels = POSITIVE + NEGATIVE, [1] * 4 + [0] * 4
    for tfidf in (False, True):
        model = E5HeadSentiment(lang="zh", C=10.0, tfidf=tfidf, cache_dir=str(tmp_path)).fit(texts, labels)
        assert model.predict(["服务很好，很干净", "awful, delayed and lost"]) == [1, 0]
        proba = model.predict_proba(["很满意"])
        assert proba.shape == (1, 2) and abs(proba.sum() - 1) < 1e-9
