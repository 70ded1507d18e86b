"""Canonical records. Importers produce these; analyses only ever see these.

Timestamps are timezone-aware UTC ``datetime`` objects. Identifiers are strings and are
unique within a platform: the store keys every table on ``(platform, id)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar, Literal

InteractionKind = Literal["like", "reply", "repost", "quote", "mention", "follow", "click", "view", "rating"]
INTERACTION_KINDS: tuple[str, ...] = (
    "like",
    "reply",
    "repost",
    "quote",
    "mention",
    "follow",
    "click",
    "view",
    "rating",
)


@dataclass(slots=True, kw_only=True)
class Post:
    """One post, comment, status or record, normalised across platforms."""

    table: ClassVar[str] = "posts"

    id: str
    platform: str
    author: str | None = None
    created_at: datetime | None = None
    text: str = ""
    lang: str | None = None
    title: str | None = None
    community: str | None = None
    reply_to: str | None = None
    repost_of: str | None = None
    quote_of: str | None = None
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    emoji: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    impression_count: int | None = None
    bookmark_count: int | None = None
    #: None for a post with content of its own; else why it has none, so analyses can leave it
    #: out: ``deleted`` or ``removed`` (Reddit keeps the placeholder), ``repost`` (a reblog that
    #: only shares another post).
    content_state: str | None = None


@dataclass(slots=True, kw_only=True)
class User:
    """One account. ``id`` and ``handle`` are pseudonyms unless raw identifiers are kept."""

    table: ClassVar[str] = "users"

    id: str
    platform: str
    handle: str | None = None
    name: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None


@dataclass(slots=True, kw_only=True)
class Interaction:
    """Something an actor did to a post or a user: like, reply, follow, click, rating, ...

    ``id`` is derived from the other fields when left empty, so the same event ingested
    twice is stored once.
    """

    table: ClassVar[str] = "interactions"

    actor: str
    kind: str
    platform: str
    target_post: str | None = None
    target_user: str | None = None
    value: float | None = None
    timestamp: datetime | None = None
    id: str = ""


MediaKind = Literal["image", "video", "gif"]
MEDIA_KINDS: tuple[str, ...] = ("image", "video", "gif")


@dataclass(slots=True, kw_only=True)
class Media:
    """One attachment of a post: a photo, a video or an animated GIF.

    ``id`` is derived from the platform, post and position when left empty. ``path`` is the
    store's own copy (metadata stripped) when the file was found, ``url`` where the platform
    serves it (identifiers inside it pseudonymised). ``sha256`` is of the original file's bytes,
    ``phash`` a 64-bit perceptual hash (16 hex digits) of the picture or first key frame.
    Not an ingest record type: attachments are mapped by ``socialens.ingest.attachments``.
    """

    table: ClassVar[str] = "media"

    post: str
    platform: str
    position: int = 0
    kind: str = "image"
    url: str | None = None
    path: str | None = None
    mime: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    phash: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    alt_text: str | None = None
    id: str = ""


Record = Post | User | Interaction
RecordType = type[Post] | type[User] | type[Interaction]
RECORD_TYPES: tuple[type[Post], type[User], type[Interaction]] = (Post, User, Interaction)


def field_names(record_type: type[Record]) -> list[str]:
    """The column order of a record type, as stored."""
    return [f.name for f in fields(record_type)]


def to_dict(record: Record) -> dict[str, Any]:
    """A plain dict of a record's fields (cheaper than ``dataclasses.asdict``: no deep copy)."""
    return {name: getattr(record, name) for name in field_names(type(record))}


def _spec(record_type: type[Record]) -> list[tuple[str, str, bool]]:
    """(field, kind, nullable) for each field, read from the annotations."""
    spec = []
    for f in fields(record_type):
        annotation = str(f.type)
        kind = annotation.replace(" | None", "").strip()
        spec.append((f.name, kind, "None" in annotation))
    return spec


_SPECS = {t: _spec(t) for t in RECORD_TYPES}
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "datetime": (datetime,),
    "list[str]": (list,),
}


def _fast_spec(record_type: type[Record]) -> tuple[Any, tuple[frozenset[type], ...], tuple[int, ...]]:
    """One C-level getter for all fields, the exact types each may hold, where the lists are."""
    spec = _SPECS[record_type]
    allowed = tuple(frozenset(_PY_TYPES[kind] + ((type(None),) if nullable else ())) for _, kind, nullable in spec)
    lists = tuple(i for i, (_, kind, _) in enumerate(spec) if kind == "list[str]")
    return attrgetter(*(name for name, _, _ in spec)), allowed, lists


_FAST = {t: _fast_spec(t) for t in RECORD_TYPES}
_VALID_SIGNATURES: set[tuple[type, ...]] = set()


def check_record(record: Record) -> None:
    """Raise ``RecordError`` naming the field if a record does not have the canonical types.

    Integer fields accept integral floats and digit strings ("5"), which several platforms
    emit, and are converted in place; anything else is an error, so a wrong type is
    reported against its source line instead of failing a whole batch later.

    >>> check_record(Post(id="1", platform="x", like_count="5"))
    >>> check_record(Post(id="1", platform="x", like_count="five"))
    Traceback (most recent call last):
    socialens.errors.RecordError: [E103] field 'like_count': expected an integer, got 'five'
    """
    getter, allowed, lists = _FAST[type(record)]
    values = getter(record)
    # The common case costs a tuple of types and a set look-up: a combination of field types
    # is checked in full once, then remembered. List elements are always checked.
    signature = tuple(map(type, values))
    if signature not in _VALID_SIGNATURES:
        if not all(t in a for t, a in zip(signature, allowed, strict=True)):
            _check_slowly(record)
            return
        _VALID_SIGNATURES.add(signature)
    for i in lists:
        if values[i] and not all(type(x) is str for x in values[i]):
            _check_slowly(record)
            return


def _check_slowly(record: Record) -> None:
    from socialens.errors import RecordError

    for name, kind, nullable in _SPECS[type(record)]:
        value = getattr(record, name)
        if value is None:
            if not nullable:
                raise RecordError("missing", name)
            continue
        if kind == "str":
            if type(value) is not str:
                raise RecordError(f"expected text, got {value!r}"[:200], name)
        elif kind == "int":
            if type(value) is not int:
                setattr(record, name, _as_int(value, name))
        elif kind == "list[str]":
            if type(value) is not list or not all(type(v) is str for v in value):
                raise RecordError(f"expected a list of text, got {value!r}"[:200], name)
        elif kind == "datetime":
            if not isinstance(value, datetime):
                raise RecordError(f"expected a time, got {value!r}"[:200], name)
        elif kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise RecordError(f"expected a number, got {value!r}"[:200], name)
        elif kind == "bool" and not isinstance(value, bool):
            raise RecordError(f"expected true or false, got {value!r}"[:200], name)


def _as_int(value: Any, name: str) -> int:
    from socialens.errors import RecordError

    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise RecordError(f"expected an integer, got {value!r}"[:200], name)
