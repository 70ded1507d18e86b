"""Language identification: the bundled fastText model behind two exact-enough shortcuts."""

from __future__ import annotations

import pytest

from socialens.text import langid
from socialens.text.langid import UNDETERMINED, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The weather is lovely today, let's go to the park", "en"),
        ("今天天气很好，我们去公园玩吧", "zh"),
        ("Il fait très beau aujourd'hui, allons au parc", "fr"),
        ("Hola, ¿cómo estás? Me gusta mucho la playa en verano.", "es"),
        ("Guten Morgen, wie geht es dir heute? Das Wetter ist schön.", "de"),
        ("今日はとても良い天気ですね。公園に行きましょう", "ja"),  # kanji and kana: not the zh shortcut
        ("我今天用Python写了一个machine learning模型", "zh"),  # mixed, mostly Chinese
    ],
)
def test_languages(text, lang):
    code, score = detect_language(text)
    assert code == lang
    assert 0.0 < score <= 1.0


def test_mixed_chinese_and_english_gets_one_of_the_two():
    assert detect_language("我今天很开心 but so tired after work")[0] in ("zh", "en")


@pytest.mark.parametrize(
    "text", ["", "   \n", "😀😀🎉", "🇫🇷", "https://t.co/abc", "@bob #tag https://x.co", "123 456!"]
)
def test_nothing_to_identify_is_undetermined(text):
    assert detect_language(text) == (UNDETERMINED, 0.0)
    assert detect_language(text, exact=True) == (UNDETERMINED, 0.0)


def test_urls_mentions_and_hashtags_are_not_language():
    text = "Ceci est vraiment une belle journée https://the-and-of.com/the/and @the_and_of #TheAndOf"
    assert detect_language(text)[0] == "fr"


def test_a_10kb_post():
    text = "The quick brown fox jumps over the lazy dog and it was a lot of fun. " * 150
    assert len(text) > 10_000
    assert detect_language(text) == ("en", 1.0)
    assert detect_language(text, exact=True)[0] == "en"
    assert detect_language("x" * 10_000)[0] == UNDETERMINED


class _Model:
    """Stands in for fastText, so a test can see whether the model was asked."""

    def __init__(self, label: str, score: float) -> None:
        self.label, self.score, self.calls = label, score, 0
        self.f = self  # the compiled binding, which detect_language calls directly

    def predict(self, text: str, k: int, threshold: float, on_error: str) -> list[tuple[float, str]]:
        assert text.endswith("\n") and "\n" not in text[:-1]  # fastText wants one line
        self.calls += 1
        return [(self.score, f"__label__{self.label}")]


def test_shortcuts_answer_without_the_model_and_exact_skips_them(monkeypatch):
    model = _Model("nl", 0.9)
    monkeypatch.setattr(langid, "_model", lambda: model)
    assert detect_language("this is what we have to do for the people") == ("en", 1.0)
    assert detect_language("今天天气很好") == ("zh", 1.0)
    assert model.calls == 0
    assert detect_language("this is what we have to do for the people", exact=True) == ("nl", 0.9)
    assert detect_language("今天天气很好\n我们去公园", exact=True) == ("nl", 0.9)
    assert model.calls == 2


def test_low_scores_fall_back_on_script(monkeypatch):
    monkeypatch.setattr(langid, "_model", lambda: _Model("ko", 0.1))
    assert detect_language("Han 字 but mostly latin words here", exact=True) == ("zh", 0.1)
    assert detect_language("qwrtz plmkn", exact=True) == (UNDETERMINED, 0.1)
    assert detect_language("qwrtz plmkn", min_score=0.05, exact=True) == ("ko", 0.1)


def test_exact_uses_the_real_model():
    code, score = detect_language("The weather is lovely today, let's go to the park", exact=True)
    assert code == "en" and 0.5 < score <= 1.0


def test_typographic_punctuation_reads_as_ascii_for_the_english_rule(monkeypatch):
    model = _Model("de", 0.6)  # what fastText says of the first text below (a real tweet)
    monkeypatch.setattr(langid, "_model", lambda: model)
    assert detect_language("I\u2019ll be signing copies of my new book \u2014 come to the store") == ("en", 1.0)
    assert detect_language("NO GAMES! IF THEY DON\u2019T, THEN THEY OWN IT!") == ("en", 1.0)
    assert detect_language("Gracias \u2014 Trump Tower Miami") == ("de", 0.6)  # no function words
    assert detect_language("Il fait tr\u00e8s beau aujourd\u2019hui, allons au parc") == ("de", 0.6)  # not typography
    assert model.calls == 2
