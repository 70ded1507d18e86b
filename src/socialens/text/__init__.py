"""Pure text functions: normalise, extract entities, identify language, tokenise, scrub."""

from __future__ import annotations

from socialens.text.extract import extract_emoji, extract_hashtags, extract_mentions, extract_urls
from socialens.text.langid import detect_language
from socialens.text.normalize import normalize_text, strip_html
from socialens.text.scrub import scrub_contacts
from socialens.text.tokenize import tokenize

__all__ = [
    "detect_language",
    "extract_emoji",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "normalize_text",
    "scrub_contacts",
    "strip_html",
    "tokenize",
]
