"""Generic tables: CSV/TSV, JSON lines and Parquet, with a column mapping onto one record type.

This is how anything without a dedicated importer comes in: a spreadsheet of posts, a user
table, or a rating or click log as interactions, e.g. MovieLens ratings with
``record="interaction", mapping={"actor": "userId", "target_post": "movieId",
"value": "rating", "kind": "=rating"}``. Every file is read streaming (CSV by record,
Parquet by batch), so memory stays bounded whatever the file size.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any, ClassVar

import orjson

from socialens.errors import ConfigError, InputFileError, RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.mapping import RowMapper, json_columns
from socialens.ingest.readers import RawItem, Reject, Source, excerpt
from socialens.registry import register
from socialens.schema import Record

_CSV_SUFFIXES = (".csv", ".tsv", ".tab")
_DELIMITERS = (",", "\t", ";")
# Long free text (articles, Reddit self-posts) exceeds the csv module's 128 KiB default.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024
_PARQUET_BATCH_ROWS = 8192


class TabularImporter(Importer):
    """The shared base: settings, the per-file mapping check, and mapping rows to records.

    ``mapper_`` is the mapping checked against the current file (learned state, rebuilt at
    the start of each file), so an error in the mapping is raised once, not per record.
    """

    def __init__(
        self,
        record: str = "post",
        mapping: dict[str, str] | None = None,
        platform: str = "generic",
        time_format: str | None = None,
        list_separator: str = " ",
        delimiter: str | None = None,
        encoding: str = "utf-8",
    ) -> None:
        self.record = record
        self.mapping = mapping
        self.platform = platform  # type: ignore[misc]  # a setting here, a class constant elsewhere
        self.time_format = time_format
        self.list_separator = list_separator
        self.delimiter = delimiter
        self.encoding = encoding
        self.mapper_: RowMapper | None = None

    def _check_mapping(self, columns: list[str], strict: bool) -> RowMapper:
        self.mapper_ = RowMapper(
            self.record,
            self.mapping,
            columns,
            platform=self.platform,
            time_format=self.time_format,
            list_separator=self.list_separator,
            strict=strict,
        )
        return self.mapper_

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError(f"expected an object with named fields, got {type(raw).__name__}")
        mapper = self.mapper_ or self._check_mapping(json_columns(raw), strict=False)
        return [mapper.map_row(raw)]


@register("ingest.csv.v1")
class CsvImporter(TabularImporter):
    """Comma, tab or semicolon separated text with a header row (quoted multi-line fields too)."""

    format_name: ClassVar[str] = "csv"

    def sniff(self, sample: Sample) -> float:
        if not sample.name.lower().endswith(_CSV_SUFFIXES):
            return 0.0
        if not sample.head.strip():
            return 0.5  # an empty .csv is still a CSV (and imports as nothing)
        first = _first_line(sample.head.decode("utf-8-sig", errors="replace"))
        if first.lstrip()[:1] in ("{", "["):
            return 0.0
        header = next(csv.reader([first], delimiter=_guess_delimiter(first, sample.name)), [])
        named = [cell for cell in header if cell.strip()]
        return 0.6 if named and len(named) * 2 >= len(header) else 0.0

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        self.mapper_ = None
        if source.size == 0:
            return
        delimiter = _delimiter_setting(self.delimiter) or _sniff_delimiter(source, self.encoding)
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        with source.open() as binary:
            text = io.TextIOWrapper(binary, encoding=_bom_aware(self.encoding), newline="")
            tap = _LineTap(text)
            # strict: a malformed quote is a reject at its line, and reading resumes after it.
            reader = csv.reader(tap, delimiter=delimiter, strict=True)
            yield from self._records(source, reader, tap)

    def _records(self, source: Source, reader: Any, tap: _LineTap) -> Iterator[RawItem | Reject]:
        header: list[str] | None = None
        end = 0  # physical line where the previous record ended
        while True:
            tap.lines.clear()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if header is None:
                    raise InputFileError(source.path, f"the header row is not valid CSV ({exc})") from None
                yield Reject(str(source.path), end + 1, f"malformed CSV: {exc}", None, excerpt(tap.text()))
                end = reader.line_num
                continue
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    source.path,
                    f"not {self.encoding} text around line {end + 1} ({exc.reason}); "
                    "set the encoding, e.g. importer_settings={'encoding': 'latin-1'}",
                ) from None
            start, end = end + 1, reader.line_num
            if not "".join(row).strip():
                continue  # blank lines, and spreadsheets' rows of empty cells
            if header is None:
                header = [cell.strip() for cell in row]
                self._check_mapping(header, strict=True)
                continue
            if len(row) != len(header) and (len(row) < len(header) or any(c.strip() for c in row[len(header) :])):
                reason = f"row has {len(row)} fields but the header has {len(header)}"
                yield Reject(str(source.path), start, reason, None, excerpt(tap.text()))
                continue
            yield RawItem(dict(zip(header, row, strict=False)), start)


@register("ingest.jsonl.v1")
class JsonlImporter(TabularImporter):
    """One JSON object a line (or one JSON array of objects); dotted paths reach nested keys."""

    format_name: ClassVar[str] = "jsonl"

    def sniff(self, sample: Sample) -> float:
        if not sample.head.strip():
            return 0.5 if sample.name.lower().endswith((".jsonl", ".ndjson")) else 0.0
        first = sample.first_json
        if isinstance(first, list) and first:
            first = first[0]
        # Platform importers recognise their own objects with higher scores.
        return 0.5 if isinstance(first, dict) and ("id" in first or "text" in first) else 0.0

    def split(self, data: Any) -> list[Any]:
        """An array of objects gives its objects; anything else is one item (to be rejected
        whole: one reject for one bad line)."""
        if isinstance(data, list) and all(isinstance(item, dict) for item in data):
            return data
        return [data]

    def line_delimited(self, source: Source) -> bool:
        """JSON lines split across workers; the mapping is checked here first, against the
        first object in the head, so it fails once and the workers receive it checked."""
        if source.layout() != "lines":
            return False
        self.mapper_ = None
        for line in source.head().splitlines():
            try:
                first = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a bad line (or the head's cut-off last line) is not the first object
            if isinstance(first, dict):
                self._check_mapping(json_columns(first), strict=False)
                break
        return True

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        self.mapper_ = None
        for item in super().iter_raw(source):
            if self.mapper_ is None and isinstance(item, RawItem) and isinstance(item.data, dict):
                # JSON objects may leave optional keys out, so only required fields are checked here.
                self._check_mapping(json_columns(item.data), strict=False)
            yield item


@register("ingest.parquet.v1")
class ParquetImporter(TabularImporter):
    """Parquet files, read by batches of rows and only the columns the mapping uses."""

    format_name: ClassVar[str] = "parquet"

    def sniff(self, sample: Sample) -> float:
        return 0.9 if sample.head[:4] == b"PAR1" else 0.0

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.mapper_ = None
        if source.size == 0:
            return
        # Parquet needs random access: a compressed one is decompressed into memory first.
        where: Any = pa.BufferReader(source.read_all()) if source.compression else source.path
        try:
            parquet = pq.ParquetFile(where)
        except (pa.ArrowException, OSError) as exc:
            raise InputFileError(source.path, f"not a readable Parquet file ({exc})") from None
        schema = parquet.schema_arrow
        mapper = self._check_mapping(_schema_columns(schema), strict=True)
        number = 0
        try:
            batches = parquet.iter_batches(_PARQUET_BATCH_ROWS, columns=mapper.top_level_columns(schema.names))
            for batch in batches:
                for row in batch.to_pylist():
                    number += 1
                    yield RawItem(row, number)
        except (pa.ArrowException, OSError) as exc:
            raise InputFileError(source.path, f"corrupt Parquet data after row {number} ({exc})") from None


class _LineTap:
    """Iterates a text stream for the csv reader, keeping the lines of the current record
    so a reject can show what was on them."""

    def __init__(self, stream: io.TextIOWrapper) -> None:
        self.stream = stream
        self.lines: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self.stream)
        self.lines.append(line)
        return line

    def text(self) -> str:
        return "".join(self.lines)


def _bom_aware(encoding: str) -> str:
    """utf-8-sig for UTF-8, so a spreadsheet's byte-order mark does not end up in a column name."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ConfigError(f"encoding={encoding!r} is not a known text encoding (e.g. 'utf-8', 'latin-1')") from None
    return "utf-8-sig" if name == "utf-8" else encoding


def _delimiter_setting(delimiter: str | None) -> str | None:
    # A tab is hard to type in a TOML file or on a command line.
    delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter) if delimiter else None
    if delimiter is not None and len(delimiter) != 1:
        raise ConfigError(f"delimiter={delimiter!r} must be one character (or 'tab'), or None to detect it")
    return delimiter


def _first_line(text: str) -> str:
    lines = text.lstrip("\r\n").splitlines()
    return lines[0] if lines else ""


def _guess_delimiter(header: str, name: str) -> str:
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _sniff_delimiter(source: Source, encoding: str) -> str:
    head = source.head(64 * 1024).decode(_bom_aware(encoding), errors="replace")
    return _guess_delimiter(_first_line(head), source.name)


def _schema_columns(schema: Any) -> list[str]:
    """Column names and dotted paths into struct columns, as a mapping may name them."""
    import pyarrow as pa

    names: list[str] = []

    def walk(prefix: str, fields: Any, depth: int) -> None:
        for f in fields:
            names.append(prefix + f.name)
            if depth > 1 and pa.types.is_struct(f.type):
                walk(f"{prefix}{f.name}.", [f.type.field(i) for i in range(f.type.num_fields)], depth - 1)

    walk("", schema, 3)
    return names
