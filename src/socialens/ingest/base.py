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
from socialens.ingest.readers import RawItem, Reject, Source, iter_json_lines
from socialens.schema import Record


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

    def read(self, source: Source) -> Iterator[tuple[RawItem, list[Record]] | Reject]:
        """Raw items with their records; malformed items come back as Rejects, never raised."""
        from socialens.errors import RecordError
        from socialens.ingest.readers import excerpt

        for item in self.iter_raw(source):
            if isinstance(item, Reject):
                yield item
                continue
            try:
                records = list(self.map_item(item.data))
            except RecordError as exc:
                yield Reject(str(source.path), item.line, exc.reason, exc.field, excerpt(item.data))
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                reason = f"unexpected structure: {type(exc).__name__}: {exc}"
                yield Reject(str(source.path), item.line, reason, None, excerpt(item.data))
            else:
                yield item, records
