"""The word vocabulary: specials first, counts and ties stable, JSON round-trip, bad input defined."""

from __future__ import annotations

import json

import pytest

from socialens.models.vocab import NUM, PAD, PAD_ID, UNK, UNK_ID, URL, Vocab, text_tokens


def test_specials_come_first_and_rare_words_are_unknown():
    vocab = Vocab.from_texts(["good good bad", "good ugly bad", "rare"], min_count=2)
    assert vocab.itos[:4] == [PAD, UNK, URL, NUM] and (PAD_ID, UNK_ID) == (0, 1)
    assert vocab.itos[4:] == ["good", "bad"]  # most frequent first
    assert vocab.counts[4:] == [3, 2]
    assert vocab.encode("good rare bad") == [4, UNK_ID, 5]


def test_max_size_keeps_the_most_frequent_and_ties_break_by_first_seen():
    vocab = Vocab.build([["b", "a", "c", "c"]], min_count=1, max_size=6)
    assert vocab.itos[4:] == ["c", "b"]


def test_encode_truncates_and_decode_drops_padding():
    vocab = Vocab.build([["x", "y", "x", "y"]], min_count=1)
    assert vocab.encode("x y x", max_len=2) == [4, 5]
    assert vocab.decode([4, PAD_ID, 5, 99]) == ["x", "y", UNK]


def test_urls_numbers_chinese_and_emoji_tokens():
    assert text_tokens("Gate 12 http://t.co/a 😡") == ["gate", NUM, URL, "😡"]
    assert text_tokens("这个手机太好了 love it") == ["这个", "手机", "太好了", "love", "it"]
    assert text_tokens("") == [] and text_tokens("😀😀") == ["😀", "😀"]
    assert text_tokens("\udcff\udcfe broken") == ["broken"]  # bytes that were not UTF-8


def test_json_round_trip(tmp_path):
    vocab = Vocab.from_texts(["我 爱 北京", "我 爱 你"], lang="zh", min_count=1)
    vocab.save(tmp_path / "vocab.json")
    again = Vocab.load(tmp_path / "vocab.json")
    assert again == vocab and again.lang == "zh" and again.encode("我爱你") == vocab.encode("我爱你")
    (tmp_path / "bad.json").write_text(json.dumps({"itos": []}))
    with pytest.raises(ValueError, match="not a socialens vocabulary"):
        Vocab.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="starts with"):
        Vocab(["a", "b"])
