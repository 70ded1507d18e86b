"""The lexicons and the weak labeller on hand-written sentences, English and Chinese."""

from __future__ import annotations

import numpy as np
import pytest

from socialens.analyses.emotion.lexicons import EMOTIONS, load_lexicon
from socialens.analyses.emotion.weak_labels import (
    LexiconEmotion,
    mask_tokens,
    match_tokens,
    tokens_of,
    weak_labels,
)
from socialens.errors import ConfigError


def emotions(text: str, lang: str) -> set[str]:
    lexicon = load_lexicon(lang)
    return {lexicon.emotions[i] for i in match_tokens(tokens_of(text, lang), lexicon).emotions}


def test_lexicons_hold_the_issue_emotions_and_no_function_words():
    en, zh = load_lexicon("en"), load_lexicon("zh")
    assert en.emotions == EMOTIONS["en"] and len(en.emotions) == 8 and "positive" not in en.emotions
    assert zh.emotions == ("乐", "好", "怒", "哀", "惧", "恶", "惊")
    assert len(en.words) > 4000 and len(zh.words) > 20000
    assert "不是" not in zh.words  # a stopword (and negator) DUTIR files as an emotion
    assert "not" in en.negators and "don't" in en.negators and "没有" in zh.negators


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am so happy today!", {"joy", "anticipation", "trust"}),
        ("I am not happy with this", set()),  # negated: counts for nothing
        ("I don't hate it", set()),
        ("not late but angry", {"anger", "disgust"}),  # "but" ends the negation's scope
        ("never happy, always furious about the delay", {"anger", "disgust"}),
        ("#terrible service", {"anger", "disgust", "fear", "sadness"}),  # hashtags count as their word
        ("The bus leaves at 5 from stop B", set()),  # NRC files "flight" under fear, "gate" under trust
        ("", set()),
    ],
)
def test_english_weak_labels(text, expected):
    assert emotions(text, "en") >= expected if expected else emotions(text, "en") == set()


def test_english_labels_are_exactly_the_lexicon_classes():
    assert emotions("I am so happy today!", "en") == {"anticipation", "joy", "trust"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这个酒店很干净，我很满意", {"好"}),
        ("服务不满意", set()),  # 不 negates 满意
        ("我不喜欢，但是很满意", {"好"}),  # 但是 ends the scope
        ("房间太脏了，非常失望", {"哀"}),
        ("今天下午三点开会", set()),
    ],
)
def test_chinese_weak_labels(text, expected):
    assert emotions(text, "zh") == expected


def test_masking_removes_every_lexicon_word_negated_or_not():
    lexicon = load_lexicon("en")
    tokens = tokens_of("not happy but angry about the flight", "en")
    match = match_tokens(tokens, lexicon)
    masked = mask_tokens(tokens, match)
    assert "happy" not in masked and "angry" not in masked and "not" in masked
    assert match_tokens(masked, lexicon).positions == ()


def test_weak_label_matrix_and_the_lexicon_component():
    texts = ["so happy", "nothing here at all", "我很满意"]
    matrix = weak_labels(texts, "en")
    assert matrix.shape == (3, 8) and matrix.dtype == np.float32
    assert matrix[0].sum() > 0 and matrix[1].sum() == 0 and matrix[2].sum() == 0  # Chinese: no English hit
    zh = LexiconEmotion(lang="zh").fit(texts)
    assert zh.label_names_ == EMOTIONS["zh"] and zh.predict_proba(texts)[2, 1] == 1.0
    assert LexiconEmotion().predict_proba([]).shape == (0, 8)
    with pytest.raises(ConfigError, match="no emotion lexicon for language 'fr'"):
        weak_labels(["x"], "fr")
