"""Entity extraction: hashtags, mentions, URLs and emoji as social-media text really writes them."""

from __future__ import annotations

import pytest

from socialens.text.extract import extract_emoji, extract_hashtags, extract_mentions, extract_urls, strip_urls


# -- hashtags --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Go #MAGA and #maga again", ["maga"]),  # lower-cased, unique, in order
        ("#café #日本語 #Ünïcode #über_alles", ["café", "日本語", "ünïcode", "über_alles"]),
        ("全角 ＃話題 もある", ["話題"]),  # full-width hash sign
        ("We're #1!", ["1"]),  # the documented choice: digits make a tag too
        ("#a,#b.#c", ["a", "b", "c"]),
        ("C# and abc#def and issue#12 are not tags", []),
        ("&#39;s entity and path/#frag", []),
        ("", []),
    ],
)
def test_hashtags(text, tags):
    assert extract_hashtags(text) == tags


def test_url_fragments_are_not_hashtags():
    text = "see https://example.com/page#section and http://x.co/#/route then #real"
    assert extract_hashtags(text) == ["real"]
    assert "#section" not in strip_urls(text)


def test_weibo_paired_topics_keep_their_spaces():
    assert extract_hashtags("#北京 天气# 今天 #上海#", paired=True) == ["北京 天气", "上海"]
    assert extract_hashtags("#Topic One# and #topic one#", paired=True) == ["topic one"]
    assert extract_hashtags("only #one side", paired=True) == []
    assert extract_hashtags("#北京 天气# 今天 #上海#") == ["北京", "上海"]  # unpaired reading differs


# -- mentions --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("hi @Bob_1 and @bob_1!", ["bob_1"]),
        ("mail bob@example.com or @alice", ["alice"]),  # e-mail addresses are not mentions
        ("@alice.bsky.social posted", ["alice.bsky.social"]),  # bluesky
        ("cc @me@mastodon.social, @you@fosstodon.org.", ["me@mastodon.social", "you@fosstodon.org"]),  # mastodon
        ("thanks @user.", ["user"]),  # sentence dot is not part of the handle
        ("转发微博//@小明:谢谢@小红", ["小明", "小红"]),  # weibo
        ("see https://mastodon.social/@carol", []),  # inside a URL
        ("@ alone and @@double", []),
        ("", []),
    ],
)
def test_mentions(text, handles):
    assert extract_mentions(text) == handles


# -- URLs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see https://x.co/a?b=1. and www.example.org)", ["https://x.co/a?b=1", "www.example.org"]),
        (
            '"https://q.com/x", (https://a.com/b); https://c.org/d!',
            ["https://q.com/x", "https://a.com/b", "https://c.org/d"],
        ),
        ("(https://en.wikipedia.org/wiki/Mercury_(planet)).", ["https://en.wikipedia.org/wiki/Mercury_(planet)"]),
        (
            "HTTPS://EXAMPLE.COM/Path and https://x.co/a twice https://x.co/a",
            ["HTTPS://EXAMPLE.COM/Path", "https://x.co/a"],
        ),
        ("链接：https://weibo.com/123456，欢迎", ["https://weibo.com/123456"]),  # full-width punctuation ends it
        ("https://t.co/abc…", ["https://t.co/abc…"]),
        ("no links, just a dot.com", []),
    ],
)
def test_urls(text, urls):
    assert extract_urls(text) == urls


# -- emoji -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("great 👍🏽 and 👍🏿", ["👍🏽", "👍🏿"]),  # skin tones stay with their base
        ("family 👨‍👩‍👧 coder 👩🏽‍💻", ["👨\u200d👩\u200d👧", "👩🏽\u200d💻"]),  # ZWJ sequences whole
        ("pride 🏳️‍🌈", ["🏳\ufe0f\u200d🌈"]),
        ("flags 🇫🇷🇩🇪 and 🇯🇵", ["🇫🇷", "🇩🇪", "🇯🇵"]),  # pairs of regional indicators
        ("keycaps 1️⃣ #️⃣ *️⃣", ["1\ufe0f\u20e3", "#\ufe0f\u20e3", "*\ufe0f\u20e3"]),
        ("love ❤️❤️ ☀", ["❤\ufe0f", "☀"]),
        ("plain ascii :) <3", []),
        ("日本語のテキスト", []),
    ],
)
def test_emoji(text, emoji):
    assert extract_emoji(text) == emoji


def test_keycap_is_not_a_hashtag_and_digits_are_not_emoji():
    assert extract_hashtags("press #️⃣ now") == []
    assert extract_emoji("call 1 2 3 #1") == []
