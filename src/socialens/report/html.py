"""Page assembly: registered sections into one self-contained HTML file.

The page carries its CSS inline and its plots as inline SVG; it loads no script, font or
stylesheet from anywhere, so it opens offline and can be mailed or archived as one file.
The fragment helpers here (``table``, ``chart``, ``stat_grid``) escape every value they are
given, so sections built with them cannot inject markup from post text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import socialens
from socialens.errors import MissingExtraError
from socialens.pipeline.selection import Selection
from socialens.report.sections import Section, build_sections, registered_sections
from socialens.store import Store

DEFAULT_TITLE = "socialens report"
log = logging.getLogger(__name__)

_CSS = """
:root { --ink: #1d2330; --muted: #5b6475; --line: #dde1e8; --accent: #0072B2; --paper: #fff; --band: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "socialens-emoji", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
       sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
       color: var(--ink); background: var(--band); }
header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
code { overflow-wrap: anywhere; }
header { padding-top: 28px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 0 0 12px; font-size: 19px; }
nav { margin: 12px 0 20px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; font-size: 14px; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
          padding: 18px 22px; margin: 0 0 18px; }
.muted, .note, footer { color: var(--muted); font-size: 13px; }
.empty { font-size: 17px; padding: 18px 22px; background: var(--paper); border: 1px dashed var(--line); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 0; }
.stats div { background: var(--band); border-radius: 6px; padding: 10px 12px; }
.stats dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.stats dd { margin: 2px 0 0; font-size: 20px; font-weight: 600; }
.stats dd small { display: block; font-size: 12px; font-weight: 400; color: var(--muted); }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top;
         overflow-wrap: break-word; }
td.text { min-width: 13em; }
details.more { margin: 0; }
details.more summary { color: inherit; font-size: inherit; list-style: none; }
details.more summary::-webkit-details-marker { display: none; }
details.more .hint { color: var(--accent); font-size: 12px; white-space: nowrap; }
details.more[open] .clip { display: none; }
svg.plot text { font-family: "socialens-emoji", system-ui, "Noto Sans", "DejaVu Sans", sans-serif, "Noto Color Emoji"; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { white-space: pre-line; overflow-wrap: anywhere; }
figure { margin: 0; }
svg.plot { width: 100%; height: auto; display: block; }
details { margin-top: 8px; }
.caveat { background: #fff8e6; border-left: 4px solid #d99a00; border-radius: 4px; padding: 8px 14px; margin: 0 0 12px;
          font-size: 14px; }
.caveat ul { margin: 4px 0 0; padding-left: 18px; }
.explain { background: var(--band); border: 1px dashed var(--line); border-radius: 6px; padding: 14px 16px;
           color: var(--muted); }
summary { cursor: pointer; color: var(--muted); font-size: 13px; }
"""


def render_report(
    store: Store, title: str = DEFAULT_TITLE, sections: list[str] | None = None, selection: Selection | None = None
) -> str:
    """The report page as a string (``sections`` limits it to those section ids; ``selection``
    limits the posts and interactions it reads)."""
    from socialens.store.selection import scoped

    selection = selection or Selection()
    with scoped(store, selection):
        built = build_sections(store, only=sections)
        empty_store = store.count("posts") == 0
    nav = "".join(f'<a href="#{escape(s.id)}">{escape(s.title)}</a>' for s in built)
    body = "\n".join(_render_section(s) for s in built)
    left_out = [i for i, _ in registered_sections() if (sections is None or i in sections)]
    left_out = [i for i in left_out if i not in {s.id for s in built}]
    if left_out and not empty_store:
        body += "\n" + _render_section(
            Section(
                id="not-shown",
                title="Not in this report",
                html=f'<p class="muted">Nothing to show yet for: {escape(", ".join(left_out))}. Each appears once '
                "its analysis has run on this store and found something (<code>socialens analyze NAME</code>; "
                "for alerts, <code>socialens alerts</code>).</p>",
            )
        )
    if empty_store:
        empty = (
            '<p class="empty">There is no data to report: this store holds no posts yet. '
            "Add some with <code>socialens ingest FILE</code>, or try <code>socialens demo</code>.</p>"
        )
        body = empty + "\n" + body
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    emoji_font = _emoji_font(title + nav + body)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="socialens {escape(socialens.__version__)}">
<title>{escape(title)}</title>
<style>{emoji_font}{_CSS}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p class="muted">Store <code>{escape(store.path.name)}</code> · generated {generated} by socialens \
{escape(socialens.__version__)} · user identifiers are pseudonymised · covers {escape(selection.describe())}.</p>
<nav>{nav}</nav>
</header>
<main>
{body}
</main>
<footer><p>One self-contained file: no scripts, fonts or images are loaded from elsewhere.</p></footer>
</body>
</html>
"""


def write_report(
    store: Store,
    path: str | Path,
    title: str = DEFAULT_TITLE,
    sections: list[str] | None = None,
    selection: Selection | None = None,
) -> Path:
    """Write the report for ``store`` to ``path`` (parent folders are created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(store, title=title, sections=sections, selection=selection)
    # Write then rename: a reader never sees half a report.
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target


def _emoji_font(page: str) -> str:
    """The page's emoji as an embedded font subset ('' without a colour emoji font or fontTools)."""
    from socialens.report.emoji_font import emoji_font_css

    try:
        font = emoji_font_css(page)
    except ImportError:
        log.info("emoji: fontTools is not installed (pip install 'socialens[report]'); emoji use the viewer's fonts")
        return ""
    log.info("emoji: %s", font.note)
    return font.css


def _render_section(section: Section) -> str:
    return f'<section id="{escape(section.id)}">\n<h2>{escape(section.title)}</h2>\n{section.html}\n</section>'


# -- fragment helpers for sections ---------------------------------------------------------
def format_value(value: Any) -> str:
    """A cell value as escaped text: thousands separators, UTC times, '–' for missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return escape(str(value))


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[int] = (),
    text: int = -1,
    fold_after: int | None = None,
) -> str:
    """An HTML table that stays inside its card (it scrolls sideways if it must); ``numeric``
    columns are right-aligned, column ``text`` keeps line breaks. Long texts show their start
    and the rest on demand (``clip_text``); rows after ``fold_after`` are behind a "show more" fold."""
    if fold_after is not None and len(rows) > fold_after:
        rest = len(rows) - fold_after
        return table(headers, rows[:fold_after], numeric, text) + (
            f'<details class="rows"><summary>show {rest:,} more</summary>'
            f"{table(headers, rows[fold_after:], numeric, text)}</details>"
        )

    def cell(tag: str, i: int, content: str) -> str:
        cls = "num" if i in numeric else "text" if i == text else ""
        return f'<{tag} class="{cls}">{content}</{tag}>' if cls else f"<{tag}>{content}</{tag}>"

    def value(i: int, v: Any) -> str:
        limit = CLIP_TEXT if i == text else CLIP_CELL
        if not isinstance(v, str):
            return format_value(v)
        long = len(v) > limit or v.count("\n") >= CLIP_LINES
        # The text column wraps anywhere (CSS); other columns get break points in long words only.
        if long:
            return clip_text(v, limit, breaks=i != text)
        return escape(v) if i == text else breakable(v)

    head = "".join(cell("th", i, escape(h)) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, value(i, v)) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


#: Characters (and lines) of a post shown in a table before "show all"; other cells get fewer.
CLIP_TEXT = 280
CLIP_CELL = 240
CLIP_LINES = 4


def clip_text(text: str, limit: int = CLIP_TEXT, breaks: bool = False) -> str:
    """Escaped text cut at a word near ``limit`` (or after ``CLIP_LINES`` lines), with the full
    text behind a "show all" fold; ``breaks``: long words may break (``breakable``).

    >>> clip_text("short")
    'short'
    """
    show = breakable if breaks else escape
    lines = [line for line in text.splitlines() if line.strip()]
    if len(text) <= limit and len(lines) <= CLIP_LINES:
        return show(text)
    shown = "\n".join(lines[:CLIP_LINES])
    if len(shown) > limit:
        cut = shown.rfind(" ", limit // 2, limit)
        shown = shown[: cut if cut > 0 else limit]
    head = shown.rstrip()
    return (
        f'<details class="more"><summary><span class="clip">{show(head)}…</span> '
        f'<span class="hint">show all {len(text):,} characters</span></summary>{show(text)}</details>'
    )


_LONG_TOKEN = re.compile(r"\S{19,}")


def breakable(text: str) -> str:
    """Escaped text where words of 19+ characters (links, long hashtags) may break every 12
    characters: a table column is then never wider than its longest ordinary word.

    >>> breakable("see #averyveryverylonghashtagindeed <b>")
    'see #averyveryve<wbr>rylonghashta<wbr>gindeed &lt;b&gt;'
    """
    out, start = [], 0
    for match in _LONG_TOKEN.finditer(text):
        token = match.group()
        out.append(escape(text[start : match.start()]))
        out.append("<wbr>".join(escape(token[i : i + 12]) for i in range(0, len(token), 12)))
        start = match.end()
    out.append(escape(text[start:]))
    return "".join(out)


def chart(make_svg: Callable[[], str], data_table: str, caption: str) -> str:
    """A plot with its data under a fold; without matplotlib, the data alone and an install hint."""
    try:
        svg = make_svg()
    except MissingExtraError as exc:
        return f'<p class="note">Plots need matplotlib: {escape(exc.message)}</p>{data_table}'
    return (
        f"<figure>{svg}<figcaption class='muted'>{escape(caption)}</figcaption></figure>"
        f"<details><summary>Show the data</summary>{data_table}</details>"
    )


def caveat_note(caveats: Sequence[str]) -> str:
    """Why a section's numbers may mean little (``socialens.analyses.adequacy``), said plainly first."""
    if not caveats:
        return ""
    items = "".join(f"<li>{escape(c[:1].upper() + c[1:])}.</li>" for c in caveats)
    return f'<div class="caveat" role="note"><strong>Read with care</strong><ul>{items}</ul></div>'


def explanation(reason: str, what: str) -> str:
    """Shown instead of a chart that would mislead: what is missing and why nothing is drawn."""
    return f'<p class="explain">No {escape(what)} is drawn: {escape(reason)}.</p>'


def stat_grid(items: Sequence[tuple[str, Any, str]]) -> str:
    """Key numbers as a grid of ``(label, value, small print)``; all three are escaped."""
    cells = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{format_value(value)}"
        + (f"<small>{escape(detail)}</small>" if detail else "")
        + "</dd></div>"
        for label, value, detail in items
    )
    return f'<dl class="stats">{cells}</dl>'
