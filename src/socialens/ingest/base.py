"""The importer contract: ``iter_raw(source)`` yields raw items, ``map_item(raw)`` makes records.

An importer only maps a platform's fields onto the canonical records, with raw identifiers.
Everything common (text normalisation, entity extraction, language id, pseudonymisation)
happens afterwards in ``socialens.ingest.edge``, identically for every platform.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from socialens.component import Component
from socialens.errors import RecordError
from socialens.ingest.readers import RawItem, Reject, Source, excerpt, iter_json_lines
from socialens.schema import Record, check_record


@dataclass(slots=True)
class Sample:
    """What format detection looks at: the file name and its first decompressed bytes."""

    name: str
    head: bytes

    @property
    def first_json(self) -> Any:
        """The first line parsed as JSON, else the head parsed as a document, else None."""
        line = self.head.lstrip().split(b"\n", 1)[0]
        for candidate in (line, self.head):
            try:
                return orjson.loads(candidate)
            except orjson.JSONDecodeError:
                continue
        return None


class Importer(Component):
    """Base importer for newline-delimited JSON. Subclasses set the class attributes below."""

    #: The ``--format`` value.
    format_name: ClassVar[str] = ""
    #: The ``platform`` of every record it produces.
    platform: ClassVar[str] = ""
    #: True where hashtags are written ``#topic#`` (Weibo).
    paired_hashtags: ClassVar[bool] = False

    def sniff(self, sample: Sample) -> float:
        """Confidence (0 to 1) that the sample is in this format."""
        return 0.0

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        return iter_json_lines(source)

    def map_item(self, raw: Any) -> Iterable[Record]:
        """Canonical records (raw identifiers) from one raw item; raise RecordError if malformed."""
        raise NotImplementedError

    def line_delimited(self, source: Source) -> bool:
        """True when each line decodes on its own (``decode_line``), so lines can be split
        across worker processes. Importers that override ``iter_raw`` read whole documents
        unless they say otherwise."""
        return type(self).iter_raw is Importer.iter_raw

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
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
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
            yield self.map_safely(data, number, path)
