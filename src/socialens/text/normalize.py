"""Unicode and markup normalisation applied to every text at the edge."""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width and bidi control characters carry no meaning for analysis but split tokens.
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates come from bytes decoded with errors="surrogateescape"; they are not text
# and cannot be encoded, so they become U+FFFD like any other undecodable byte.
SURROGATES = re.compile("[\ud800-\udfff]")
_TAG = re.compile(r"<[^>]{0,2000}>")
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def normalize_text(text: str | None) -> str:
    """NFC-normalise, unescape HTML entities and drop invisible and control characters.

    >>> normalize_text("caf\\u0065\\u0301 &amp; cr\\u00e8me\\u200b")
    'café & crème'
    """
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = SURROGATES.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
        text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    return text.strip()


def strip_html(markup: str | None) -> str:
    """Plain text from the HTML that Weibo and Mastodon deliver: breaks kept, tags dropped.

    >>> strip_html('<p>Hi <a href="x">@bob</a><br>there</p>')
    'Hi @bob\\nthere'
    """
    if not markup:
        return ""
    text = _BREAK_TAG.sub("\n", markup)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
