"""Tokenisation for English (and other space-delimited languages) and Chinese (jieba)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from socialens.text.extract import EMOJI_RE

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Order matters: URLs and entities are whole tokens before words are split.
_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[#@][\w][\w.\-]*\w|[#@]\w"
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"
    r"|\d+(?:[.,]\d+)*"
    r"|" + EMOJI_RE.pattern
)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str, lang: str | None = None, lower: bool = True) -> list[str]:
    """Word tokens; Chinese runs are segmented with jieba, other text by Unicode word rules.

    URLs, hashtags, mentions and emoji stay single tokens. Mixed Chinese and English works:
    each Chinese run is segmented, the rest split as words.

    >>> tokenize("Loving the new #iPhone 😍 can't wait! https://t.co/x")
    ['loving', 'the', 'new', '#iphone', '😍', "can't", 'wait', 'https://t.co/x']
    >>> tokenize("我爱北京天安门 and Python")
    ['我', '爱', '北京', '天安门', 'and', 'python']
    """
    if not text:
        return []
    if lang == "zh" or (lang is None and _CJK.search(text)):
        tokens = _tokenize_mixed(text)
    else:
        tokens = _TOKEN.findall(text)
    if lower:
        return [t if t.startswith(("http", "www.", "HTTP")) else t.lower() for t in tokens]
    return tokens


def _tokenize_mixed(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    for run in _CJK_RUN.finditer(text):
        tokens.extend(_TOKEN.findall(text[pos : run.start()]))
        tokens.extend(w for w in _jieba().lcut(run.group()) if w.strip())
        pos = run.end()
    tokens.extend(_TOKEN.findall(text[pos:]))
    return tokens
