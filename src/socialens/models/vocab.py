"""A word vocabulary over socialens tokens, shared by word2vec and the models that embed words.

Tokens come from ``socialens.text.tokenize.tokenize`` so training and scoring split text the
same way (jieba for Chinese runs). URLs and numbers are folded into ``<url>`` and ``<num>``:
each one is almost always unique, so as words they would all be ``<unk>``, while "has a link"
or "mentions a number" is a signal worth a vector of its own. Pure Python, no torch.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from socialens.text.tokenize import tokenize

PAD, UNK, URL, NUM = "<pad>", "<unk>", "<url>", "<num>"
PAD_ID, UNK_ID = 0, 1
_SPECIALS = (PAD, UNK, URL, NUM)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FORMAT = "socialens.vocab.v1"


def text_tokens(text: str, lang: str | None = None) -> list[str]:
    """The tokens a vocabulary sees for ``text``: lower-cased, URLs and numbers folded.

    ``lang="zh"`` forces jieba; anything else lets each Chinese run in the text be segmented
    with jieba and the rest split as words, so mixed posts work in every model.

    >>> text_tokens("Flight 2 delayed 3.5 hours http://t.co/x 😡")
    ['flight', '<num>', 'delayed', '<num>', 'hours', '<url>', '😡']
    """
    out = []
    for token in tokenize(text or "", lang="zh" if lang == "zh" else None):
        if token.startswith(("http", "www.", "HTTP")):
            out.append(URL)
        elif _NUMBER.fullmatch(token):
            out.append(NUM)
        else:
            out.append(token)
    return out


class Vocab:
    """Token <-> id maps with ``<pad>`` = 0 and ``<unk>`` = 1; keeps counts for word2vec sampling.

    >>> v = Vocab.build([["a", "b", "a"], ["a", "c"]], min_count=2)
    >>> v.itos
    ['<pad>', '<unk>', '<url>', '<num>', 'a']
    >>> v.encode_tokens(["a", "zzz"])
    [4, 1]
    """

    def __init__(self, itos: Sequence[str], counts: Sequence[int] | None = None, lang: str | None = None) -> None:
        if tuple(itos[:2]) != (PAD, UNK):
            raise ValueError(f"a vocabulary starts with {PAD!r}, {UNK!r}; got {list(itos[:2])}")
        self.itos = list(itos)
        self.stoi = {token: i for i, token in enumerate(self.itos)}
        self.counts = list(counts) if counts is not None else [0] * len(self.itos)
        self.lang = lang

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[str]],
        min_count: int = 2,
        max_size: int | None = 30_000,
        lang: str | None = None,
    ) -> Vocab:
        """Keep tokens seen at least ``min_count`` times, the ``max_size`` most frequent at most.

        Ties in frequency break by first appearance, so the same corpus gives the same ids.
        """
        counter: Counter[str] = Counter()
        for tokens in token_lists:
            counter.update(tokens)
        specials = {s: counter.pop(s, 0) for s in _SPECIALS}
        kept = [(t, c) for t, c in counter.most_common() if c >= min_count]
        if max_size is not None:
            kept = kept[: max(0, max_size - len(_SPECIALS))]
        itos = [*_SPECIALS, *(t for t, _ in kept)]
        counts = [specials[s] for s in _SPECIALS] + [c for _, c in kept]
        return cls(itos, counts, lang)

    @classmethod
    def from_texts(
        cls, texts: Iterable[str], lang: str | None = None, min_count: int = 2, max_size: int | None = 30_000
    ) -> Vocab:
        return cls.build((text_tokens(t, lang) for t in texts), min_count, max_size, lang)

    def __len__(self) -> int:
        return len(self.itos)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and (self.itos, self.counts, self.lang) == (
            other.itos,
            other.counts,
            other.lang,
        )

    def tokens(self, text: str) -> list[str]:
        return text_tokens(text, self.lang)

    def encode_tokens(self, tokens: Iterable[str]) -> list[int]:
        stoi = self.stoi
        return [stoi.get(t, UNK_ID) for t in tokens]

    def encode(self, text: str, max_len: int | None = None) -> list[int]:
        """Token ids of ``text``; the first ``max_len`` tokens when it is longer."""
        ids = self.encode_tokens(self.tokens(text))
        return ids if max_len is None else ids[:max_len]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens for ids, padding dropped; unknown ids read as ``<unk>``."""
        n = len(self.itos)
        return [self.itos[i] if 0 <= i < n else UNK for i in ids if i != PAD_ID]

    def to_dict(self) -> dict[str, Any]:
        return {"format": _FORMAT, "lang": self.lang, "itos": self.itos, "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocab:
        if data.get("format") != _FORMAT:
            raise ValueError(f"not a socialens vocabulary (format {data.get('format')!r}, expected {_FORMAT!r})")
        return cls(list(data["itos"]), [int(c) for c in data["counts"]], data.get("lang"))

    def save(self, path: str | Path) -> None:
        # ASCII escapes: a token with a lone surrogate (text that was not valid UTF-8) still round-trips.
        Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
