"""An emoji font inside the report: the emoji a page shows, cut from a colour emoji font.

A report is one self-contained file, opened on machines whose fonts nobody controls: without
an emoji-capable font, posts' emoji are empty boxes. When the machine writing the report has a
colour emoji font (Debian/Ubuntu ``fonts-noto-color-emoji``, or the file named by
``SOCIALENS_EMOJI_FONT``), the page embeds a subset of it holding only the emoji that appear
on the page (the most frequent first, at most ``MAX_EMOJI``), declared with a ``unicode-range``
so that ordinary text, digits and ``#`` keep the page's text fonts. Without such a font the page
falls back to the viewer's own emoji fonts, and ``emoji_font_css`` says why in its note.

Noto Color Emoji is under the SIL Open Font License 1.1, which allows embedding subsets; the
subset keeps the font's name table with its copyright and licence notice.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FAMILY = "socialens-emoji"
MAX_EMOJI = 300
_KNOWN_PATHS = (
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",
    "/System/Library/Fonts/Apple Color Emoji.ttc",
)


@dataclass(frozen=True)
class EmojiFont:
    """The ``@font-face`` rule to put in the page's CSS ('' when none) and why, for the log."""

    css: str
    emoji: int
    note: str


def find_emoji_font() -> Path | None:
    """A colour emoji font file on this machine: ``SOCIALENS_EMOJI_FONT``, fontconfig's match
    for "Noto Color Emoji", then the usual install paths."""
    named = os.environ.get("SOCIALENS_EMOJI_FONT")
    if named:
        return Path(named) if Path(named).is_file() else None
    candidates: list[str] = []
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", "Noto Color Emoji"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if "emoji" in found.lower():
            candidates.append(found)
    candidates.extend(_KNOWN_PATHS)
    for candidate in candidates:
        if candidate.endswith((".ttf", ".otf")) and Path(candidate).is_file():
            return Path(candidate)
    return None


def page_emoji(text: str) -> list[str]:
    """The emoji of ``text`` that an emoji font should draw, most frequent first: sequences
    (variation selector, skin tone, ZWJ, flags) and single characters from U+1F000 up, whose
    default look is an emoji. Single symbols like © or ❤ without U+FE0F stay text."""
    import emoji

    counts: Counter[str] = Counter()
    for found in emoji.emoji_list(text):
        value = found["emoji"]
        if len(value) > 1 or ord(value) >= 0x1F000:
            counts[value] += 1
    return [value for value, _ in counts.most_common(MAX_EMOJI)]


def emoji_font_css(text: str, font: Path | None = None) -> EmojiFont:
    """The ``@font-face`` rule embedding the emoji of ``text`` (a page's visible text)."""
    wanted = page_emoji(text)
    if not wanted:
        return EmojiFont("", 0, "no emoji on the page")
    font = font or find_emoji_font()
    if font is None:
        return EmojiFont(
            "",
            len(wanted),
            "no colour emoji font on this machine (install fonts-noto-color-emoji or set SOCIALENS_EMOJI_FONT): "
            "emoji render with the viewer's fonts",
        )
    data = _subset(str(font), "".join(wanted))
    codepoints = sorted({ord(ch) for value in wanted for ch in value if ord(ch) > 0x7F})
    ranges = ", ".join(f"U+{cp:X}" for cp in codepoints)
    encoded = base64.b64encode(data).decode("ascii")
    css = (
        f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/ttf;base64,{encoded}) format("truetype"); '
        f"unicode-range: {ranges}; font-display: block; }}"
    )
    return EmojiFont(css, len(wanted), f"{len(wanted)} emoji embedded from {font.name} ({len(data) // 1024} KiB)")


@lru_cache(maxsize=8)
def _subset(font_path: str, characters: str) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # ZWJ sequences, flags and skin tones are ligatures
    options.name_IDs = ["*"]  # keep the copyright and licence notice
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(font_path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
