"""Where do identifiers survive? The leak scan over a store, its rejects, exports and reports.

Identifiers come from raw input files (read by the same importers as an ingest: account
ids, handles, display names and mentioned handles, plus every e-mail address and phone
number written anywhere in them) or from a list. Each is looked for as a whole word,
case-insensitively, in every column of every table of a store, every line of its rejects
file, every Parquet/JSON/CSV/text file of an export folder and the text of a report.

Matching is one pass per column, whatever the number of identifiers: DuckDB splits each value
into its words and joins them on the identifiers' first words (:class:`WordIndex`); only the rows
with such a word come back to Python, where each candidate identifier is checked at its place.
Identifiers without a word character are RE2 alternations of a few hundred each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from socialens.errors import ConfigError
from socialens.privacy.scan_index import WORD, WordIndex

# Shorter identifiers match ordinary words and numbers: they are counted, not looked for.
MIN_LENGTH = 4
# Placeholders platforms write instead of an account.
PLACEHOLDERS = frozenset({"[deleted]", "[removed]", "deleted", "removed", "<username>", "null", "none", "anonymous"})
# Rows shown per column and identifier group; every match is counted.
SHOWN = 20
KINDS = ("id", "handle", "name", "email", "phone", "given")
_DATA_URI = re.compile(rb"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=]+")
# Metadata blocks that can carry a camera serial, a GPS position or an author, as they appear in
# the bytes of a file: a JPEG/WebP EXIF block, a PNG eXIf chunk, XMP, an MP4/MOV location atom.
MEDIA_METADATA = {
    b"Exif\x00\x00": "EXIF",
    b"eXIf": "EXIF (PNG)",
    b"http://ns.adobe.com/xap/1.0/": "XMP",
    b"\xa9xyz": "location (MP4)",
}
# Key columns that name a row in each table the store holds.
ROW_KEYS = {
    "posts": ("platform", "id"),
    "users": ("platform", "id"),
    "interactions": ("platform", "id"),
    "post_scores": ("platform", "post_id", "task"),
    "user_scores": ("platform", "user_id", "task"),
    "analysis_results": ("task", "item"),
    "alerts": ("id",),
    "media": ("platform", "id"),
    "media_frames": ("platform", "media_id", "frame_ms"),
    "ingests": ("run_id",),
    "meta": ("key",),
}


@dataclass(frozen=True, slots=True)
class Identifier:
    value: str
    kind: str


@dataclass(slots=True)
class Finding:
    """One place where an identifier survives: ``place`` (store, rejects, export, report), the
    file, the table and column (or the line) and the row key."""

    kind: str
    identifier: str
    place: str
    file: str
    where: str
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ScanReport:
    identifiers: int = 0
    too_short: int = 0
    findings: list[Finding] = field(default_factory=list)
    matches: int = 0
    scanned: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.matches == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "identifiers": self.identifiers,
            "too_short": self.too_short,
            "matches": self.matches,
            "scanned": self.scanned,
            "findings": [f.as_dict() for f in self.findings],
        }


def masked(value: str) -> str:
    """An identifier as the scan shows it: enough to recognise it, not enough to copy it.

    >>> masked("SenSchumer"), masked("bob@example.org")
    ('Se…(10)', 'bo…(15)')
    """
    return f"{value[:2]}…({len(value)})"


# -- identifiers -------------------------------------------------------------------------
def identifiers_from_list(path: Path) -> list[Identifier]:
    """One identifier a line (blank lines and ``#`` comments skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the identifier list: {exc}") from None
    return [Identifier(line.strip(), "given") for line in lines if line.strip() and not line.startswith("#")]


def identifiers_from_raw(
    paths: Iterable[Path], format: str = "auto", settings: dict[str, Any] | None = None
) -> list[Identifier]:
    """Every account id, handle, display name, e-mail and phone number in raw input files
    (``settings``: the importer's, e.g. a generic format's mapping, as given to ingest)."""
    from socialens.ingest.formats import detect_format, get_importer
    from socialens.ingest.readers import Reject, Source

    found: dict[str, Identifier] = {}
    for path in paths:
        source = Source(path)
        importer = detect_format(source) if format == "auto" else get_importer(format, **(settings or {}))
        for item in importer.read(Source(path)):
            if isinstance(item, Reject):
                continue
            raw, records = item
            for ident in (*_record_identifiers(records), *_contacts(raw.data)):
                found.setdefault(ident.value.lower(), ident)
    return list(found.values())


def _record_identifiers(records: Iterable[Any]) -> Iterator[Identifier]:
    from socialens.schema import Interaction, Post, User

    for record in records:
        if isinstance(record, User):
            yield from _named(record.id, "id")
            yield from _named(record.handle, "handle")
            yield from _named(record.name, "name")
        elif isinstance(record, Post):
            yield from _named(record.author, "id")
            for handle in record.mentions:
                yield from _named(handle, "handle")
        elif isinstance(record, Interaction):
            yield from _named(record.actor, "id")
            target = record.target_user or ""
            yield from _named(target[1:], "handle") if target.startswith("@") else _named(target, "id")


def _named(value: str | None, kind: str) -> Iterator[Identifier]:
    if value:
        yield Identifier(value.lstrip("@＠").strip(), kind)


def _contacts(data: Any) -> Iterator[Identifier]:
    from socialens.text.scrub import EMAIL_RE, PHONE_RE

    for text in _strings(data):
        if "@" in text:
            yield from (Identifier(m, "email") for m in EMAIL_RE.findall(text))
        if any(c.isdigit() for c in text):
            yield from (Identifier(m, "phone") for m in PHONE_RE.findall(text))


def _strings(data: Any) -> Iterator[str]:
    """Every string in a raw item, but the values of keys that never identify anyone (times:
    "+0000 2009" reads like a phone number)."""
    from socialens.privacy.rejects import SAFE_KEYS

    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in SAFE_KEYS:
                yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


# -- scanning ----------------------------------------------------------------------------
class Scanner:
    """Looks for ``identifiers`` (less the ``public`` handles, readable on purpose)."""

    def __init__(self, identifiers: Iterable[Identifier], public: Iterable[str] = ()) -> None:
        skip = {p.lower().rpartition(":")[2].lstrip("@") for p in public}
        wanted: dict[str, Identifier] = {}
        self.report = ScanReport()
        for ident in identifiers:
            value = ident.value.strip().lower()
            if not value or value in PLACEHOLDERS or value in skip or value in wanted:
                continue
            if len(value) < MIN_LENGTH:
                self.report.too_short += 1
                continue
            wanted[value] = ident
        self.wanted = wanted
        self.report.identifiers = len(wanted)
        self._index = WordIndex(sorted(wanted))
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")
        heads = pa.table({"word": pa.array(list(self._index.by_head), pa.string())})
        self.con.register("_scan_heads", heads)

    def close(self) -> None:
        self.con.close()

    def scan_store(self, path: Path) -> None:
        """Every column of every table of the store at ``path``, opened read-only."""
        self.report.scanned.append(f"store {path}")
        alias = "scanned"
        self.con.execute(f"ATTACH '{_quote(path)}' AS {alias} (READ_ONLY)")
        try:
            tables = self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY table_name", [alias]
            ).fetchall()
            for (table,) in tables:
                self._scan_relation(f"{alias}.main.{table}", table, "store", str(path), ROW_KEYS.get(table, ()))
        finally:
            self.con.execute(f"DETACH {alias}")

    def scan_text_file(self, path: Path, place: str) -> None:
        """Each line of a text file (rejects, JSON, CSV, HTML without its embedded images)."""
        self.report.scanned.append(f"{place} {path}")
        data = _DATA_URI.sub(b"data:", path.read_bytes())
        lines = data.decode("utf-8", errors="replace").splitlines()
        table = pa.table({"line": pa.array(range(1, len(lines) + 1), pa.int64()), "text": lines})
        self.con.register("_text_lines", table)
        try:
            self._scan_relation("_text_lines", "", place, str(path), ("line",), columns=["text"])
        finally:
            self.con.unregister("_text_lines")

    def scan_media_library(self, root: Path) -> None:
        """Every file of a store's media library (``<store>.media/``): the copies must hold pixels
        and streams only, so any metadata block found is a finding (kind ``metadata``)."""
        self.report.scanned.append(f"media {root}")
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for marker, name in MEDIA_METADATA.items():
                if marker in data:
                    self.report.matches += 1
                    self.report.findings.append(Finding("metadata", name, "media", str(path), "file"))

    def scan_export(self, directory: Path) -> None:
        """Every Parquet table and text file of an export folder."""
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            if path.suffix == ".parquet":
                self.report.scanned.append(f"export {path}")
                self._scan_relation(f"read_parquet('{_quote(path)}')", path.stem, "export", str(path), ())
            elif path.suffix in (".json", ".jsonl", ".csv", ".tsv", ".txt", ".html", ".md"):
                self.scan_text_file(path, "export")

    def _scan_relation(
        self, relation: str, table: str, place: str, file: str, keys: tuple[str, ...], columns: list[str] | None = None
    ) -> None:
        if not self.wanted:
            return
        names = [row[0] for row in self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
        keys = tuple(k for k in keys if k in names) or ()
        key = " || ':' || ".join(f"coalesce(CAST(\"{k}\" AS VARCHAR), '')" for k in keys) or "''"
        for column in columns or names:
            value = f'lower(CAST("{column}" AS VARCHAR))'
            found: list[tuple[int, int, str, str]] = []
            for row, row_key, text, wordless in self._candidates(relation, key, value):
                for ident in self._index.matches(text, wordless):
                    found.append((self._index.group[ident], row, ident, row_key))
            found.sort(key=lambda f: (f[0], f[1], f[2]))  # the order of one alternation per group
            for _, _, ident, row_key in found:
                self._note(ident, place, file, f"{table}.{column}" if table else "", str(row_key))

    def _candidates(self, relation: str, key: str, value: str) -> Iterator[tuple[int, str, str, bool]]:
        """Rows of one column that could hold an identifier: a word of the value (a run of
        ``[0-9a-z_]``) is the first word of one, or the value holds a wordless one. A DuckDB
        join on the words, so the cost grows with the rows, not with rows x identifiers."""
        patterns = [f"regexp_matches(text, ${i + 1})" for i in range(len(self._index.wordless_patterns))]
        wordless = " OR ".join(patterns) or "false"
        query = f"""
            WITH _rows AS (
                SELECT row_number() OVER () AS rn, {key} AS row_key, {value} AS text FROM {relation}
                WHERE {value} IS NOT NULL),
            _words AS (SELECT DISTINCT rn, unnest(regexp_extract_all(text, '[{WORD}]+')) AS word FROM _rows)
            SELECT * FROM (
                SELECT rn, row_key, text, {wordless} AS wordless FROM _rows
                WHERE rn IN (SELECT rn FROM _words JOIN _scan_heads USING (word)) OR {wordless})
            ORDER BY rn"""
        cursor = self.con.execute(query, self._index.wordless_patterns)
        while batch := cursor.fetchmany(10_000):
            yield from batch

    def _note(self, value: str, place: str, file: str, where: str, key: str) -> None:
        self.report.matches += 1
        if len(self.report.findings) < SHOWN * 50:
            ident = self.wanted[value]
            location = where or f"line {key}"
            self.report.findings.append(
                Finding(ident.kind, masked(ident.value), place, file, location, "" if not where else key)
            )


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def scan(
    identifiers: Iterable[Identifier],
    store: Path | None = None,
    rejects: Path | None = None,
    exports: Iterable[Path] = (),
    reports: Iterable[Path] = (),
    public: Iterable[str] = (),
) -> ScanReport:
    """Look for ``identifiers`` in each place given; the rejects file and the media library
    (metadata left in the stored copies) beside ``store`` too."""
    scanner = Scanner(identifiers, public)
    try:
        if store is not None:
            scanner.scan_store(store)
            library = store.with_suffix(".media")
            if library.is_dir():
                scanner.scan_media_library(library)
            beside = store.with_suffix(".rejects.jsonl")
            if rejects is None and beside.exists():
                rejects = beside
        if rejects is not None:
            scanner.scan_text_file(rejects, "rejects")
        for directory in exports:
            scanner.scan_export(directory)
        for report in reports:
            scanner.scan_text_file(report, "report")
    finally:
        scanner.close()
    return scanner.report
