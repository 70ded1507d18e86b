"""The clause around a mention: the part of a post whose sentiment is the entity's.

A post is cut at sentence ends and clause breaks (``; : , ( ) - …``, line breaks) and before the
words that turn a sentence to another target (``but``, ``however``, ``although``, ``while``,
``whereas``, ``unlike``, ``than``, ``instead of``, ``except``). A piece with fewer than
:data:`MIN_WORDS` words besides mentions (``@united,``) is joined to the next piece (the last one to
the one before), so a bare address takes the clause it opens.

An entity that is the object of a comparison (``better than @united``, ``unlike @united``,
``instead of @united``, a piece of at most :data:`MIN_WORDS` words after the cue) takes the
opposite of the clause it is compared in: ``Clause.flip``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 2
_BREAK = re.compile(
    r"(?:[.!?。！？;；:|\n]+(?=\s|$)|\.{2,}|…|[,，()\[\]{}\"“”]|\s[-–—]+\s|(?=\b(?:but|however|although|though|"
    r"while|whereas|unlike|than|then|instead of|except)\b))",
    re.IGNORECASE,
)
_COMPARISON = re.compile(r"^\s*(?:than|unlike|instead of)\b", re.IGNORECASE)
# "then" written for "than" after a comparative ("better then @united") is a comparison too.
_COMPARATIVE_THEN = re.compile(r"\b(?:better|worse|more|less|rather|\w{2,}er)\s*$", re.IGNORECASE)
_WORD = re.compile(r"(?<![@＠\w])[^\W\d_][\w'’]*", re.UNICODE)
_MENTION = re.compile(r"[@＠#][\w]+")


@dataclass(frozen=True, slots=True)
class Clause:
    """``text[start:end]`` is the clause; ``flip`` says the entity is the other side of a comparison."""

    start: int
    end: int
    flip: bool = False


def split_pieces(text: str) -> list[tuple[int, int]]:
    """Character spans of the pieces between breaks (breaks that are words stay with the next piece).

    >>> t = "@united lost my bag, but Delta was great"
    >>> [t[a:b] for a, b in split_pieces(t)]
    ['@united lost my bag', 'but Delta was great']
    """
    spans, start = [], 0
    for m in _BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end())
    if start < len(text):
        spans.append((start, len(text)))
    return [_trimmed(text, a, b) for a, b in spans if text[a:b].strip()]


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    piece = text[a:b]
    return a + len(piece) - len(piece.lstrip()), b - len(piece) + len(piece.rstrip())


def clause_around(text: str, start: int, end: int) -> Clause:
    """The clause of ``text`` that holds the mention ``text[start:end]``.

    >>> t = "@SouthwestAir is so much better than @united"
    >>> c = clause_around(t, 37, 44)
    >>> t[c.start:c.end], c.flip
    ('@SouthwestAir is so much better', True)
    """
    pieces = _join_short(text, split_pieces(text))
    if not pieces:
        return Clause(0, len(text))
    index = next((i for i, (a, b) in enumerate(pieces) if a <= start < b), _nearest(pieces, start))
    a, b = pieces[index]
    compared = index > 0 and _is_comparison(text, pieces[index - 1], (a, b))
    if compared and _content_words(text[a:b]) <= MIN_WORDS + 1:
        before_a, before_b = pieces[index - 1]
        return Clause(before_a, before_b, flip=True)
    return Clause(a, b)


def _join_short(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pieces with too few words of their own joined to their neighbour (comparisons kept apart)."""
    out: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for a, b in pieces:
        if pending is not None:
            a, pending = pending[0], None
        compared = bool(out) and _is_comparison(text, out[-1], (a, b))
        if _content_words(text[a:b]) < MIN_WORDS and not compared:
            pending = (a, b)
            continue
        out.append((a, b))
    if pending is not None:
        if out and not (len(out) > 1 and _is_comparison(text, out[-2], out[-1])):
            out[-1] = (out[-1][0], pending[1])
        else:
            out.append(pending)
    return out


def _is_comparison(text: str, before: tuple[int, int], piece: tuple[int, int]) -> bool:
    words = text[piece[0] : piece[1]]
    if _COMPARISON.match(words):
        return True
    return words.lower().startswith("then") and bool(_COMPARATIVE_THEN.search(text[before[0] : before[1]]))


def _content_words(piece: str) -> int:
    return len(_WORD.findall(_MENTION.sub(" ", piece)))


def _nearest(pieces: list[tuple[int, int]], position: int) -> int:
    return min(range(len(pieces)), key=lambda i: min(abs(pieces[i][0] - position), abs(pieces[i][1] - position)))
