"""Canonical records to Arrow tables and back (the store's batch format)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from socialens.schema import Interaction, Post, Record, User, field_names

_STR = pa.string()
_INT = pa.int64()
_TS = pa.timestamp("us")
_LIST = pa.list_(pa.string())

ARROW_TYPES: dict[type, dict[str, pa.DataType]] = {
    Post: {
        "id": _STR,
        "platform": _STR,
        "author": _STR,
        "created_at": _TS,
        "text": _STR,
        "lang": _STR,
        "title": _STR,
        "community": _STR,
        "reply_to": _STR,
        "repost_of": _STR,
        "quote_of": _STR,
        "hashtags": _LIST,
        "mentions": _LIST,
        "urls": _LIST,
        "emoji": _LIST,
        "media": _LIST,
        "like_count": _INT,
        "repost_count": _INT,
        "reply_count": _INT,
        "quote_count": _INT,
        "impression_count": _INT,
        "bookmark_count": _INT,
        "content_state": _STR,
    },
    User: {
        "id": _STR,
        "platform": _STR,
        "handle": _STR,
        "name": _STR,
        "description": _STR,
        "created_at": _TS,
        "followers": _INT,
        "following": _INT,
        "verified": pa.bool_(),
    },
    Interaction: {
        "actor": _STR,
        "kind": _STR,
        "platform": _STR,
        "target_post": _STR,
        "target_user": _STR,
        "value": pa.float64(),
        "timestamp": _TS,
        "id": _STR,
    },
}
_TIME_FIELDS = {"created_at", "timestamp"}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def interaction_id(i: Interaction) -> str:
    """A stable id for an interaction, so the same event ingested twice is stored once.

    The same formula as the SQL in ``store.derived``, so derived and imported copies of one
    event share an id.
    """
    stamp = ""
    if i.timestamp is not None:
        moment = i.timestamp if i.timestamp.tzinfo else i.timestamp.replace(tzinfo=UTC)
        stamp = str((moment - _EPOCH) // timedelta(microseconds=1))
    key = f"{i.actor}\x00{i.kind}\x00{i.target_post or ''}\x00{i.target_user or ''}\x00{stamp}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def records_to_table(record_type: type, records: Sequence[Record]) -> pa.Table:
    types = ARROW_TYPES[record_type]
    if record_type is Interaction:
        for r in records:
            if not r.id:  # type: ignore[union-attr]
                r.id = interaction_id(r)  # type: ignore[union-attr,arg-type]
    columns = {}
    for name in field_names(record_type):
        values = [getattr(r, name) for r in records]
        if name in _TIME_FIELDS:
            values = [_naive_utc(v) for v in values]
        columns[name] = pa.array(values, type=types[name])
    return pa.table(columns)


def table_to_records(record_type: type, table: pa.Table | pa.RecordBatch) -> Iterator[Record]:
    names = [n for n in field_names(record_type) if n in table.schema.names]
    rows: Iterable[dict[str, Any]] = table.select(names).to_pylist()
    for row in rows:
        for name in _TIME_FIELDS & row.keys():
            if row[name] is not None:
                row[name] = row[name].replace(tzinfo=UTC)
        for name, value in row.items():
            if value is None and isinstance(ARROW_TYPES[record_type][name], pa.ListType):
                row[name] = []
        yield record_type(**row)
