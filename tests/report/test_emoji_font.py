"""Reports embed the emoji they show, cut from the machine's colour emoji font (Noto Color Emoji,
installed by scripts/setup), so that posts' emoji render on a viewer's machine without one."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime

import pytest
from fontTools.ttLib import TTFont

from socialens.report import render_report
from socialens.report.emoji_font import FAMILY, emoji_font_css, find_emoji_font, page_emoji
from socialens.schema import Post

TEXT = "Launch day 🚀🚀🚀 so proud 😂 👩‍💻 🇺🇸 ❤️ (c) © 2024 #1 ❤"


def _embedded(css: str) -> TTFont:
    match = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css)
    assert match, css[:200]
    return TTFont(io.BytesIO(base64.b64decode(match.group(1))))


def test_page_emoji_keeps_emoji_and_leaves_text_symbols_alone():
    found = page_emoji(TEXT)
    assert found[0] == "🚀"  # most frequent first
    assert {"😂", "👩‍💻", "🇺🇸", "❤️"} <= set(found)
    assert "©" not in found and "❤" not in found and not any(ch.isascii() for value in found for ch in value)


def test_the_font_holds_the_page_emoji_and_only_non_ascii_code_points_are_claimed():
    font_file = find_emoji_font()
    assert font_file is not None, "no colour emoji font: scripts/setup installs fonts-noto-color-emoji"
    font = emoji_font_css(TEXT)
    assert f'font-family: "{FAMILY}"' in font.css and font.emoji == len(page_emoji(TEXT))
    embedded = _embedded(font.css)
    cmap = embedded.getBestCmap()
    for value in ("🚀", "😂"):
        assert ord(value) in cmap
    # The subset is small (a few emoji, not the 10 MB font) and keeps the licence notice.
    assert len(base64.b64decode(re.search(r"base64,([^)]+)\)", font.css).group(1))) < 200_000  # type: ignore[union-attr]
    assert embedded["name"].getDebugName(13), "licence description kept"
    claimed = re.search(r"unicode-range: ([^;]+);", font.css).group(1)  # type: ignore[union-attr]
    assert "U+1F680" in claimed and "U+200D" in claimed
    assert not re.search(r"U\+(?:[0-7][0-9A-F])\b", claimed), "ASCII (digits, #) must keep the text font"


def test_without_a_font_the_page_says_why_and_embeds_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCIALENS_EMOJI_FONT", str(tmp_path / "missing.ttf"))
    font = emoji_font_css(TEXT)
    assert font.css == "" and "fonts-noto-color-emoji" in font.note
    assert emoji_font_css("no emoji here").note == "no emoji on the page"


def test_the_report_embeds_the_font_and_chromium_loads_it(store):
    from playwright.sync_api import sync_playwright

    when = datetime(2024, 3, 1, tzinfo=UTC)
    post = Post(id="p1", platform="x", author="a1", text=TEXT, created_at=when, lang="en", like_count=12)
    store.write_records({Post: [post]})
    page_html = render_report(store)
    assert f'@font-face {{ font-family: "{FAMILY}"' in page_html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page()
            page.set_content(page_html)
            status = page.evaluate(
                """async (family) => {
                    await document.fonts.load(`16px "${family}"`, "😂");
                    return [...document.fonts].filter(f => f.family.replace(/"/g, "") === family).map(f => f.status);
                }""",
                FAMILY,
            )
        finally:
            browser.close()
    assert status == ["loaded"]


@pytest.mark.parametrize("text", ["plain words only", "digits 123 # and * stay text"])
def test_pages_without_emoji_carry_no_font(text):
    assert emoji_font_css(text).css == ""
