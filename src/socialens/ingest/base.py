"""The importer contract: ``iter_raw(source)`` yields raw items, ``map_item(raw)`` makes records.

An importer only maps a platform's fields onto the canonical records, with raw identifiers.
Everything common (text normalisation, entity extraction, language id, pseudonymisation)
happens afterwards in ``socialens.ingest.edge``, identically for every platform.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson

from socialens.component import Component
from socialens.errors import RecordError
from socialens.ingest.readers import (
    RawItem,
    Reject,
    Source,
    excerpt,
    iter_json_lines,
    load_json_document,
    parse_prefix,
)
from socialens.schema import Record, check_record


@dataclass(slots=True)
class Sample:
    """What format detection looks at: the file name and its first decompressed bytes."""

    name: str
    head: bytes
    _first: Any = field(default=None, init=False, repr=False)
    _parsed: bool = field(default=False, init=False, repr=False)

    @property
    def first_json(self) -> Any:
        """The first line parsed as JSON, else the head parsed as a document, else the start
        of a longer document (its first complete items, closed: ``parse_prefix``), else None."""
        if not self._parsed:
            self._first, self._parsed = self._parse(), True
        return self._first

    def _parse(self) -> Any:
        line = self.head.lstrip().split(b"\n", 1)[0]
        for candidate in (line, self.head):
            try:
                return orjson.loads(candidate)
            except orjson.JSONDecodeError:
                continue
        return parse_prefix(self.head.lstrip())


class Importer(Component):
    """Base importer for JSON: JSON lines, or one document (pretty-printed or not).

    Subclasses set the class attributes below, ``sniff`` and ``map_item``, and ``split`` where
    a value holds several items (an API page); the reading is shared, so every JSON format
    reads both layouts the same way (``Source.layout``).
    """

    #: The ``--format`` value.
    format_name: ClassVar[str] = ""
    #: The ``platform`` of every record it produces.
    platform: ClassVar[str] = ""
    #: True where hashtags are written ``#topic#`` (Weibo).
    paired_hashtags: ClassVar[bool] = False

    def sniff(self, sample: Sample) -> float:
        """Confidence (0 to 1) that the sample is in this format."""
        return 0.0

    def split(self, data: Any) -> Iterable[Any]:
        """The items in one JSON value: a page (list, API response) gives its items, an item
        itself. Items of a document are numbered by position, items of a line by the line."""
        return data if isinstance(data, list) else [data]

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        if source.layout() == "document":
            for index, item in enumerate(self.split(load_json_document(source)), start=1):
                yield RawItem(item, index)
            return
        for line_item in iter_json_lines(source):
            if isinstance(line_item, Reject):
                yield line_item
            else:
                yield from (RawItem(item, line_item.line) for item in self.split(line_item.data))

    def details(self) -> dict[str, Any]:
        """What the ingest history should record about how the last file was read (e.g. the
        moment relative times were resolved against); empty by default."""
        return {}

    def map_item(self, raw: Any) -> Iterable[Record]:
        """Canonical records (raw identifiers) from one raw item; raise RecordError if malformed."""
        raise NotImplementedError

    def line_delimited(self, source: Source) -> bool:
        """True when each line decodes on its own (``decode_line``), so lines can be split
        across worker processes. Importers that override ``iter_raw`` read whole documents
        unless they say otherwise."""
        return type(self).iter_raw is Importer.iter_raw and source.layout() == "lines"

    def decode_line(self, line: bytes) -> Any:
        return orjson.loads(line)

    def map_safely(self, data: Any, line: int, path: str) -> list[Record] | Reject:
        """``map_item`` with every failure turned into a Reject that says where and why."""
        try:
            records = list(self.map_item(data))
            for record in records:
                check_record(record)
            return records
        except RecordError as exc:
            return Reject(path, line, exc.reason, exc.field, excerpt(data))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
            return Reject(path, line, f"unexpected structure: {type(exc).__name__}: {exc}", None, excerpt(data))

    def read(self, source: Source) -> Iterator[tuple[RawItem, list[Record]] | Reject]:
        """Raw items with their records; malformed items come back as Rejects, never raised."""
        path = str(source.path)
        for item in self.iter_raw(source):
            if isinstance(item, Reject):
                yield item
                continue
            mapped = self.map_safely(item.data, item.line, path)
            yield mapped if isinstance(mapped, Reject) else (item, mapped)

    def read_lines(self, lines: list[tuple[int, bytes]], path: str) -> Iterator[list[Record] | Reject]:
        """Records from already-split lines (the parallel path of ``line_delimited`` formats)."""
        for number, line in lines:
            try:
                data = self.decode_line(line)
            except ValueError as exc:
                yield Reject(path, number, f"not valid JSON: {exc}", None, excerpt(line))
                continue
            for item in self.split(data):
                yield self.map_safely(item, number, path)
