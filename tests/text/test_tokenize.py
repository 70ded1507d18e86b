"""Tokenisation: English-like text by word rules, Chinese runs by jieba, entities kept whole."""

from __future__ import annotations

import pytest

from socialens.text.tokenize import tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("I can't believe it's not butter, we'll see y'all", ["i", "can't", "believe", "it's", "not", "butter",
                                                               "we'll", "see", "y'all"]),
        ("Don’t stop", ["don’t", "stop"]),  # typographic apostrophe
        ("rock 'n' roll", ["rock", "n", "roll"]),  # quotes around a word are not part of it
        ("Café Über naïve", ["café", "über", "naïve"]),
        ("pi is 3.14, a million is 1,000,000", ["pi", "is", "3.14", "a", "million", "is", "1,000,000"]),
        ("Loving the new #iPhone 😍 @Apple https://t.co/AbC", ["loving", "the", "new", "#iphone", "😍", "@apple",
                                                              "https://t.co/AbC"]),
        ("family 👨‍👩‍👧 ok 👍🏽", ["family", "👨\u200d👩\u200d👧", "ok", "👍🏽"]),
    ],
)  # fmt: skip
def test_english_and_entities(text, tokens):
    assert tokenize(text) == tokens


def test_case_is_kept_on_request_and_urls_are_never_lowered():
    assert tokenize("Hello World https://T.co/X", lower=False) == ["Hello", "World", "https://T.co/X"]
    assert tokenize("Hello https://T.co/X")[-1] == "https://T.co/X"


def test_chinese_is_segmented_with_jieba():
    assert tokenize("我爱北京天安门") == ["我", "爱", "北京", "天安门"]
    assert tokenize("中华人民共和国成立了") == ["中华人民共和国", "成立", "了"]


def test_mixed_chinese_and_english():
    assert tokenize("我爱北京天安门 and Python") == ["我", "爱", "北京", "天安门", "and", "python"]
    assert tokenize("我今天用Python写了一个machine learning模型 #AI") == [
        "我", "今天", "用", "python", "写", "了", "一个", "machine", "learning", "模型", "#ai",
    ]  # fmt: skip


def test_the_lang_hint_routes_text():
    assert tokenize("plain words", lang="zh") == ["plain", "words"]  # no Chinese run: word rules
    assert tokenize("北京", lang="en") == ["北京"]  # no jieba: Han letters are one word


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ???"])
def test_nothing_to_tokenize(text):
    assert tokenize(text) == []
