"""Mojibake repair: text that went through the wrong encoding on its way (UTF-8 read as
Latin-1 or Windows-1252, ``cafÃ©``, ``donâ€™t``), put back with ftfy.

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
    r"[\x{c2}-\x{f4}][\x{80}-\x{bf}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17d}\x{17e}\x{192}"
    r"\x{2c6}\x{2dc}\x{2013}\x{2014}\x{2018}-\x{201e}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}"
    r"\x{203a}\x{20ac}\x{2122}]|[\x{80}-\x{9f}]"
)


def _python_pattern(pattern: str) -> re.Pattern[str]:
    """RE2's ``\\x{hhhh}`` as Python's ``\\uhhhh``."""
    return re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: "\\u" + m.group(1).zfill(4), pattern))


_SUSPECT = _python_pattern(SUSPECT_PATTERN)


def repair_text(text: str) -> str:
    """``text`` with mojibake undone; clean text (all ASCII, most of the rest) comes back as is.

    >>> repair_text("cafÃ© â€œquotedâ€\\x9d"), repair_text("donÃ¢â‚¬â„¢t"), repair_text("日本語 🐦 à la")
    ('café “quoted”', 'don’t', '日本語 🐦 à la')
    """
    if text.isascii() or not _SUSPECT.search(text):
        return text
    import ftfy

    return ftfy.fix_encoding(text)


def needs_repair(text: str) -> bool:
    """Whether ``repair_text`` would look at ``text`` closely (the cheap test alone)."""
    return not text.isascii() and _SUSPECT.search(text) is not None
