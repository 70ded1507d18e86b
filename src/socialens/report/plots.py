"""Plots as inline SVG strings, so the report stays one file that needs nothing else.

matplotlib is an extra (``socialens[report]``), imported on first use. Figures are built
with ``matplotlib.figure.Figure`` directly: that needs no GUI backend and leaves the global
pyplot state (and a notebook's backend) alone, which matters when a report is written from
a library call.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any

from socialens.errors import MissingExtraError

#: Palette that stays readable for the common colour-vision deficiencies (Okabe-Ito).
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_MAX_LABEL = 32
#: Periods with too few posts for a share: drawn in this grey, never in a series colour.
THIN_COLOR = "#9a9a9a"
THIN_TOOLTIP = "too few posts to show a share"
#: More thin periods than this and their counts are left to the tooltips (labels would overlap).
_THIN_LABELS_MAX = 24

RC = {
    "svg.fonttype": "none",  # real <text>: smaller files, any script rendered by the browser's fonts
    "svg.hashsalt": "socialens",  # stable element ids: the same data gives the same file
    "text.parse_math": False,  # a '$' in a hashtag is text, not mathtext
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_XML_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')
# Element ids and the references to them: ``id="x"``, ``url(#x)``, ``xlink:href="#x"``.
_IDS = re.compile(r'(\sid="|url\(#|href="#)(?=[^"#)])')


def available() -> bool:
    """Whether matplotlib can be imported (the report falls back to tables without it)."""
    try:
        matplotlib_module()
    except MissingExtraError:
        return False
    return True


def matplotlib_module() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError("matplotlib", "report") from None
    return matplotlib


def new_figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(8.0, height), layout="constrained")


def to_svg(figure: Any, label: str, titles: Mapping[str, str] | None = None) -> str:
    """The figure as an inline SVG string. ``titles``: artist gid -> tooltip text (an SVG ``<title>``)."""
    import warnings

    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text in the SVG (svg.fonttype none): the browser's fonts draw any script and
        # emoji; a glyph missing from matplotlib's own font only affects its size estimate.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _XML_PREAMBLE.sub("", buffer.getvalue(), count=1))
    for gid, title in (titles or {}).items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{escape(title)}</title>', 1)
    # Drop the fixed size on the root element only: the plot then scales with the page.
    head, sep, rest = svg.partition(">")
    head = _SIZE.sub("", head) + f' class="plot" role="img" aria-label="{escape(label)}"'
    # All plots share the page's id namespace: give each its own prefix so none can clash
    # with another plot's clip paths or with a section anchor.
    prefix = "plot-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + "-"
    return _IDS.sub(lambda m: m.group(1) + prefix, head + sep + rest)


def shorten(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def line_chart(
    series: Mapping[str, Sequence[tuple[datetime, float]]],
    ylabel: str,
    label: str,
    unit: str | None = None,
    thin: Sequence[tuple[datetime, int]] = (),
) -> str:
    """One line per key of ``series`` (e.g. posts per week per platform), as an SVG string.

    With ``unit`` (day, week, month, year) a period missing from a series is a gap in its line,
    not a straight line drawn across it; a point alone between gaps is drawn as a dot. ``thin``:
    periods with too few posts for a share, ``(period, posts)``, drawn as grey marks on the
    baseline with their counts and the tooltip "too few posts to show a share".
    """
    matplotlib = matplotlib_module()
    with matplotlib.rc_context(RC):
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        figure = new_figure(3.2)
        axes = figure.add_subplot()
        for i, (name, points) in enumerate(sorted(series.items())):
            color = COLORS[i % len(COLORS)]
            xs, ys = with_gaps(sorted(points), unit) if unit else ([p[0] for p in points], [p[1] for p in points])
            marker = "o" if len(points) < 40 else None
            axes.plot(xs, ys, color=color, linewidth=1.4, marker=marker, markersize=3, label=name)
            alone = [(x, y) for j, (x, y) in enumerate(zip(xs, ys, strict=True)) if _alone(ys, j)]
            if alone and marker is None:
                axes.scatter([x for x, _ in alone], [y for _, y in alone], color=color, s=6)
        titles = mark_thin_periods(axes, thin)
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.set_ylabel(ylabel)
        axes.set_ylim(bottom=0, top=None if series else 100)
        axes.grid(axis="y", alpha=0.3)
        if len(series) > 1 or (series and thin):
            axes.legend(frameon=False)
        return to_svg(figure, label, titles)


def mark_thin_periods(axes: Any, thin: Sequence[tuple[datetime, int]]) -> dict[str, str]:
    """Grey marks on the baseline for periods too thin for a share, each with its count (as a
    label while few, always as a tooltip). The tooltips by artist gid, for ``to_svg``."""
    titles: dict[str, str] = {}
    for i, (moment, posts) in enumerate(thin):
        mark = axes.scatter(
            [moment], [0], marker="s", s=22, color=THIN_COLOR, zorder=3, clip_on=False,
            label=THIN_TOOLTIP if i == 0 else None,
        )  # fmt: skip
        gid = f"thin-period-{i}"
        mark.set_gid(gid)
        titles[gid] = f"{moment:%Y-%m-%d}: {THIN_TOOLTIP} ({posts:,} post{'s' if posts != 1 else ''})"
        if len(thin) <= _THIN_LABELS_MAX:
            axes.annotate(
                f"{posts:,}", (moment, 0), xytext=(0, 5), textcoords="offset points",
                ha="center", fontsize=6, color=THIN_COLOR,
            )  # fmt: skip
    return titles


def next_period(moment: datetime, unit: str) -> datetime:
    """The start of the period after the one starting at ``moment``.

    >>> next_period(datetime(2019, 12, 1), "month"), next_period(datetime(2020, 1, 6), "week")
    (datetime.datetime(2020, 1, 1, 0, 0), datetime.datetime(2020, 1, 13, 0, 0))
    """
    from datetime import timedelta

    if unit == "hour":
        return moment + timedelta(hours=1)
    if unit == "day":
        return moment + timedelta(days=1)
    if unit == "week":
        return moment + timedelta(days=7)
    if unit == "month":
        return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)
    if unit == "year":
        return moment.replace(year=moment.year + 1)
    raise ValueError(f"unknown time unit {unit!r}")


def with_gaps(points: Sequence[tuple[datetime, float]], unit: str) -> tuple[list[datetime], list[float]]:
    """x and y with a NaN wherever periods are missing, so matplotlib breaks the line there."""
    xs: list[datetime] = []
    ys: list[float] = []
    for moment, value in points:
        if xs and moment > next_period(xs[-1], unit):
            xs.append(next_period(xs[-1], unit))
            ys.append(float("nan"))
        xs.append(moment)
        ys.append(float(value))
    return xs, ys


def with_zeros(points: Sequence[tuple[datetime, int]], unit: str) -> list[tuple[datetime, int]]:
    """Counts with every missing period as 0: an empty period had no posts, so the line drops to 0
    there instead of cutting straight across it.

    >>> with_zeros([(datetime(2020, 1, 1), 3), (datetime(2020, 3, 1), 1)], "month")[1]
    (datetime.datetime(2020, 2, 1, 0, 0), 0)
    """
    out: list[tuple[datetime, int]] = []
    for moment, value in points:
        while out and next_period(out[-1][0], unit) < moment:
            out.append((next_period(out[-1][0], unit), 0))
        out.append((moment, value))
    return out


def _alone(ys: Sequence[float], j: int) -> bool:
    def missing(k: int) -> bool:
        return k < 0 or k >= len(ys) or ys[k] != ys[k]  # NaN

    return not missing(j) and missing(j - 1) and missing(j + 1)


def bar_chart(items: Sequence[tuple[str, int]], xlabel: str, label: str) -> str:
    """Horizontal bars, largest on top (long labels read better sideways), as an SVG string."""
    matplotlib = matplotlib_module()
    with matplotlib.rc_context(RC):
        figure = new_figure(max(1.6, 0.25 * len(items) + 0.8))
        axes = figure.add_subplot()
        names = [shorten(name) for name, _ in items][::-1]
        values = [value for _, value in items][::-1]
        bars = axes.barh(range(len(values)), values, color=COLORS[0])
        axes.set_yticks(range(len(values)), names)
        axes.bar_label(bars, labels=[f"{v:,}" for v in values], padding=2, fontsize=8)
        axes.set_xlabel(xlabel)
        axes.margins(x=0.08)
        return to_svg(figure, label)
