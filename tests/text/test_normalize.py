"""Normalisation and contact scrubbing, and every text function on bad input."""

from __future__ import annotations

import unicodedata

import pytest

from socialens.text import (
    detect_language,
    extract_emoji,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    normalize_text,
    scrub_contacts,
    strip_html,
    tokenize,
)


# -- normalisation ---------------------------------------------------------------------------
def test_nfc_html_entities_and_invisible_characters():
    decomposed = "cafe\u0301 cre\u0300me"
    out = normalize_text(decomposed)
    assert out == "café crème" and unicodedata.is_normalized("NFC", out)
    assert normalize_text("Q&amp;A &lt;3 &#39;hi&#39; &quot;x&quot; &#x1F600;") == "Q&A <3 'hi' \"x\" 😀"
    assert normalize_text("&amp;amp;") == "&amp;"  # unescaped once, as the platform escaped once
    assert normalize_text("zero\u200bwidth\ufeff mark\u200e bidi\u202e") == "zerowidth mark bidi"
    assert normalize_text("bell\x07 nul\x00 tab\tand\nnewline kept") == "bell nul tab\tand\nnewline kept"
    assert normalize_text("  padded  ") == "padded"
    assert normalize_text(None) == "" and normalize_text("") == ""


def test_zero_width_joiner_survives_so_emoji_sequences_stay_whole():
    family = "👨\u200d👩\u200d👧"
    assert normalize_text(f"us {family}") == f"us {family}"
    assert extract_emoji(normalize_text(f"us {family}\u200b")) == [family]


def test_strip_html_keeps_breaks_and_drops_tags():
    markup = (
        '<p>Hi <a href="https://x.social/@bob" class="u-url mention">@<span>bob</span></a> &amp; all</p>'
        "<p>2nd<br/>3rd</p>"
    )
    assert strip_html(markup) == "Hi @bob & all\n2nd\n3rd"
    assert strip_html(None) == "" and strip_html("<p></p>") == ""


# -- scrubbing -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("mail bob.smith@example.co.uk now", "mail [email] now"),
        ("a.b+tag@mail.example.com, x_y@test.io", "[email], [email]"),
        ("call 555-123-4567 or (212) 555-0199 or 415.555.0100", "call [phone] or [phone] or [phone]"),
        ("call +1 415-555-0100", "call [phone]"),
        ("UK +44 20 7946 0958", "UK [phone]"),
        ("Paris +33 1 42 68 53 00", "Paris [phone]"),
        ("Berlin +49 30 12345678", "Berlin [phone]"),
        ("Tokyo +81 3-1234-5678", "Tokyo [phone]"),
        ("中国 +86 138 0013 8000", "中国 [phone]"),
        ("mobile 13800138000", "mobile [phone]"),
        ("手机13800138000联系我", "手机[phone]联系我"),  # no spaces around numbers in Chinese
    ],
)
def test_contacts_are_scrubbed(text, scrubbed):
    assert scrub_contacts(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "in 2016-2017 we won 3-1 and 102-99",
        "prices $1,000,000 and €1.234.567,89 and 1,234,567 people",
        "on 2023-03-30, 30.03.2023, 12/31/2023 at 10:30-11:45",
        "ISBN 978-3-16-148410-0 and order 1234567",
        "tweet id 1641339425791750144 and 11304812345678807",
        "version v1.13800138000 build",
        "1999-2000-2001 seasons",
    ],
)
def test_numbers_that_are_not_contacts_stay(text):
    assert scrub_contacts(text) == text


# -- bad input: defined output, never an exception -------------------------------------------
INVALID_UTF8 = b"caf\xc3 \xff\xfe ok \xe4\xb8 \xed\xa0\x80 the end".decode("utf-8", errors="replace")
BAD_INPUTS = {
    "empty": "",
    "emoji only": "😀🎉👨‍👩‍👧🇫🇷",
    "10 KB": "Mixed 内容 with #tags @handles https://x.co/y 😀 and numbers 13800138000. " * 150,
    "zh+en": "我今天用Python写了一个machine learning模型，感觉great!",
    "invalid utf-8": INVALID_UTF8,
    "controls": "\x00\x01\x02\u200b\ufeff",
    "lone markup": "<<<&&&;;;>>> &#xZZ; &bogus;",
}
TEXT_FUNCTIONS = {
    "normalize_text": (normalize_text, str),
    "strip_html": (strip_html, str),
    "scrub_contacts": (scrub_contacts, str),
    "extract_hashtags": (extract_hashtags, list),
    "extract_paired_hashtags": (lambda t: extract_hashtags(t, paired=True), list),
    "extract_mentions": (extract_mentions, list),
    "extract_urls": (extract_urls, list),
    "extract_emoji": (extract_emoji, list),
    "tokenize": (tokenize, list),
    "detect_language": (detect_language, tuple),
    "detect_language_exact": (lambda t: detect_language(t, exact=True), tuple),
}


@pytest.mark.parametrize("name", TEXT_FUNCTIONS)
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_every_text_function_survives_bad_input(name, case):
    function, kind = TEXT_FUNCTIONS[name]
    out = function(BAD_INPUTS[case])
    assert isinstance(out, kind)
    if kind is list:
        assert all(isinstance(item, str) and item for item in out)
    if kind is tuple:
        assert isinstance(out[0], str) and 0.0 <= out[1] <= 1.0001


def test_bad_input_outputs_that_matter():
    assert "\ufffd" in normalize_text(INVALID_UTF8)  # replacement characters are kept, not dropped
    assert tokenize(INVALID_UTF8) == ["caf", "ok", "the", "end"]
    assert extract_emoji(BAD_INPUTS["emoji only"]) == ["😀", "🎉", "👨\u200d👩\u200d👧", "🇫🇷"]
    assert tokenize(BAD_INPUTS["emoji only"]) == ["😀", "🎉", "👨\u200d👩\u200d👧", "🇫🇷"]
    assert scrub_contacts(BAD_INPUTS["10 KB"]).count("[phone]") == 150
    assert extract_hashtags(BAD_INPUTS["10 KB"]) == ["tags"]
    assert normalize_text(BAD_INPUTS["controls"]) == ""


def test_lone_surrogates_become_replacement_characters():
    from socialens.text.langid import detect_language

    broken = b"caf\xe9 \xff terrible service".decode("utf-8", "surrogateescape")
    clean = normalize_text(broken)
    assert "\ufffd" in clean and clean.encode("utf-8")  # encodable again
    assert detect_language(broken)[0] in ("en", "und", "fr")
