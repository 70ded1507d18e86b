"""Mastodon: Status entities from the REST and streaming APIs, and an archive's outbox.json.

Status ids are local to the server that answered the API call (a remote post fetched through
mastodon.social has a mastodon.social id, and so has its ``in_reply_to_id``), so post ids are
``{server}:{id}`` with that server, which keeps reply and reblog links joinable.
Accounts are keyed by their full ``user@instance`` address instead: it names the same person
whichever server reported them, where a numeric account id differs from server to server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.mastodon_fields import (
    actor_acct,
    ap_ref,
    count,
    host_of,
    is_activity,
    is_status,
    language,
    media_url,
    mentioned_accounts,
    status_text,
    user_from_account,
)
from socialens.ingest.readers import RawItem, Reject, Source, excerpt, load_json_document
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Post, Record, User
from socialens.text.normalize import strip_html

_STATUS_EVENTS = ("update", "status.update")
_NOTE_TYPES = ("Note", "Question", "Article", "Page")


@register("ingest.mastodon.v1")
class MastodonImporter(Importer):
    """Statuses as a JSON array (an API page), JSON lines, streaming-API events, or an outbox.

    ``instance`` names the server the statuses were fetched from; when left out it is read
    from the data (the host of any account local to that server, whose ``acct`` has no ``@``).
    """

    format_name = "mastodon"
    platform = "mastodon"

    def __init__(self, instance: str | None = None) -> None:
        self.instance = instance
        self.server_: str | None = None

    def sniff(self, sample: Sample) -> float:
        first = sample.first_json
        if isinstance(first, list) and first:
            first = first[0]
        if isinstance(first, dict):
            if "event" in first and "payload" in first:
                return 0.95
            if is_status(first):
                return 0.95
            items = first.get("orderedItems")
            if isinstance(items, list) and (not items or is_activity(items[0])):  # an outbox
                return 0.9
            return 0.0
        head = sample.head.lstrip()
        if head.startswith((b"event:", b":")) and re.search(rb"^event: ?(?:status\.)?update\s*$", head, re.M):
            return 0.9  # server-sent events from /api/v1/streaming
        # Pretty-printed documents longer than the sample do not parse; look for their marks.
        if head[:1] in (b"{", b"[") and b'"acct"' in head and b'"favourites_count"' in head:
            return 0.85
        if head[:1] == b"{" and b'"orderedItems"' in head and b"activitystreams" in head:
            return 0.8
        return 0.0

    def line_delimited(self, source: Source) -> bool:
        head = self._learn_server(source)
        return source.layout() == "lines" and not _is_sse(head)

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        head = self._learn_server(source)
        if not head:
            return
        if _is_sse(head) or source.layout() != "document":
            yield from _iter_lines(source)
            return
        document = load_json_document(source)
        items = _page_items(document)
        items = [document] if items is None else items
        self.server_ = self.server_ or _infer_server(items[:1000])
        yield from (RawItem(item, n) for n, item in enumerate(items, start=1))

    def _learn_server(self, source: Source) -> bytes:
        """The answering server, from the setting or the sample; returns the stripped sample.

        Learned before any record is mapped, so every line (in any worker) gets the same one.
        """
        head = source.head()
        self.server_ = host_of(self.instance) if self.instance else None
        if self.server_ is None:
            complete = head.rsplit(b"\n", 1)[0] if b"\n" in head.strip() else head
            self.server_ = _infer_server(_parse_lines(complete))
        return head.strip()

    def map_item(self, raw: Any) -> list[Record]:
        page = _page_items(raw)  # a whole API page on one line, in the line-parallel path
        if page is not None:
            return [record for item in page for record in self.map_item(item)]
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for a status")
        if "event" in raw and "account" not in raw:  # a streaming API event
            if raw["event"] not in _STATUS_EVENTS:  # deletes, notifications, filter changes
                return []
            raw = _payload(raw.get("payload"))
        out: list[Record] = []
        if "account" not in raw and isinstance(raw.get("type"), str):
            self._activity(raw, out)
        else:
            self._status(raw, out, self.server_ or _local_server(raw), depth=0)
        return out

    # -- REST / streaming Status entities -------------------------------------------
    def _status(self, raw: dict[str, Any], out: list[Record], server: str | None, depth: int) -> str:
        local_id = raw.get("id")
        if not isinstance(local_id, (str, int)) or isinstance(local_id, bool) or local_id == "":
            raise RecordError("missing or not a string", "id")
        server = server or host_of(raw.get("uri")) or host_of(raw.get("url"))
        if not server:
            raise RecordError("missing: cannot tell the instance (pass instance=...)", "uri")
        account = raw.get("account")
        if not isinstance(account, dict):
            raise RecordError("missing or not an object", "account")
        user = user_from_account(account, "account")
        content = raw.get("content") or ""
        if not isinstance(content, str):
            raise RecordError(f"not a string: {type(content).__name__}", "content")
        repost_of = None
        if depth == 0 and isinstance(raw.get("reblog"), dict):
            repost_of = self._status(raw["reblog"], out, server, depth + 1)
        mentions = mentioned_accounts(raw.get("mentions"))
        media = raw.get("media_attachments") or []
        post = Post(
            id=f"{server}:{local_id}",
            platform=self.platform,
            author=user.id,
            created_at=parse_time(raw.get("created_at")),
            text=status_text(content, mentions),
            title=strip_html(raw.get("spoiler_text")) or None,
            lang=language(raw.get("language")),
            reply_to=f"{server}:{raw['in_reply_to_id']}" if raw.get("in_reply_to_id") else None,
            repost_of=repost_of,
            quote_of=self._quote(raw.get("quote"), out, server, depth),
            hashtags=[t["name"] for t in raw.get("tags") or [] if isinstance(t, dict) and t.get("name")],
            mentions=list(mentions),
            media=[media_url(m) for m in media if isinstance(m, dict)],
            like_count=count(raw, "favourites_count"),
            repost_count=count(raw, "reblogs_count"),
            reply_count=count(raw, "replies_count"),
            quote_count=count(raw, "quotes_count"),
            content_state="repost" if repost_of and not content.strip() else None,
        )
        out.append(post)
        out.append(user)
        return post.id

    def _quote(self, quote: Any, out: list[Record], server: str, depth: int) -> str | None:
        """Mastodon 4.4's Quote / ShallowQuote, or a quoted Status inline (Fedibird and forks)."""
        if not isinstance(quote, dict) or quote.get("state", "accepted") != "accepted":
            return None  # pending, rejected or revoked quotes do not show the quoted post
        quoted = quote.get("quoted_status") if "account" not in quote else quote
        if isinstance(quoted, dict) and depth < 2:
            return self._status(quoted, out, server, depth + 1)
        quoted_id = quote.get("quoted_status_id")
        return f"{server}:{quoted_id}" if quoted_id else None

    # -- ActivityPub outbox (account archive) -----------------------------------------
    def _activity(self, raw: dict[str, Any], out: list[Record]) -> None:
        kind = raw["type"]
        obj = raw.get("object")
        if kind == "Announce":
            author = actor_acct(raw.get("actor"), "actor")
            target = obj.get("id") if isinstance(obj, dict) else obj
            if not isinstance(target, str):
                raise RecordError("missing or not a URI", "object")
            out.append(
                Post(
                    id=ap_ref(raw.get("id"), "id"),
                    platform=self.platform,
                    author=author,
                    created_at=parse_time(raw.get("published"), "published"),
                    repost_of=ap_ref(target, "object"),
                    content_state="repost",
                )
            )
            out.append(User(id=author, platform=self.platform, handle=author))
        elif kind == "Create" and isinstance(obj, dict) and obj.get("type") in _NOTE_TYPES:
            self._note(obj, raw.get("actor"), out)

    def _note(self, note: dict[str, Any], actor: Any, out: list[Record]) -> None:
        author = actor_acct(note.get("attributedTo") or actor, "object.attributedTo")
        content = note.get("content") or ""
        if not isinstance(content, str):
            raise RecordError(f"not a string: {type(content).__name__}", "object.content")
        tags = [t for t in note.get("tag") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]
        tags = [t for t in tags if t.get("type") in ("Mention", "Hashtag")]
        # A Mention tag names the account and links its actor URI, which tells a local one's host.
        mentions = mentioned_accounts(
            [{"acct": t["name"].lstrip("@"), "url": t.get("href")} for t in tags if t["type"] == "Mention"]
        )
        content_map = note.get("contentMap")
        quote = note.get("quote") or note.get("quoteUri") or note.get("_misskey_quote")
        attachments = note.get("attachment") or []
        out.append(
            Post(
                id=ap_ref(note.get("id"), "object.id"),
                platform=self.platform,
                author=author,
                created_at=parse_time(note.get("published"), "object.published"),
                text=status_text(content, mentions),
                title=strip_html(note.get("summary")) or None,
                lang=language(next(iter(content_map), None) if isinstance(content_map, dict) else None),
                reply_to=ap_ref(note["inReplyTo"], "object.inReplyTo") if note.get("inReplyTo") else None,
                quote_of=ap_ref(quote, "object.quote") if isinstance(quote, str) else None,
                hashtags=[t["name"].lstrip("#") for t in tags if t.get("type") == "Hashtag"],
                mentions=list(mentions),
                media=[a["url"] for a in attachments if isinstance(a, dict) and isinstance(a.get("url"), str)],
            )
        )
        out.append(User(id=author, platform=self.platform, handle=author))


def _local_server(status: Any) -> str | None:
    """The answering server: the host of any account in the status whose ``acct`` has no ``@``."""
    if not isinstance(status, dict):
        return None
    if "payload" in status:
        try:
            status = _payload(status["payload"])
        except RecordError:
            return None
    nested = [status.get("reblog"), (status.get("quote") or {}).get("quoted_status")]
    accounts = [status.get("account"), *(s.get("account") for s in nested if isinstance(s, dict))]
    accounts += status.get("mentions") if isinstance(status.get("mentions"), list) else []
    for account in accounts:
        if isinstance(account, dict) and isinstance(account.get("acct"), str) and "@" not in account["acct"]:
            host = host_of(account.get("url"))
            if host:
                return host
    return None


def _payload(payload: Any) -> dict[str, Any]:
    """The status in a streaming event; the WebSocket API sends it as a JSON string."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise RecordError(f"not valid JSON: {exc}", "payload") from None
    if not isinstance(payload, dict):
        raise RecordError("not a status object", "payload")
    return payload


def _page_items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("orderedItems"), list):
        return data["orderedItems"]
    return None


def _is_document(head: bytes) -> bool:
    """Pretty-printed (a first line of only ``{`` or ``[``), or the file's only line."""
    return head.split(b"\n", 1)[0].strip() in (b"{", b"[") or (bool(head) and b"\n" not in head)


def _is_sse(head: bytes) -> bool:
    return head.startswith((b"event:", b":", b"data:"))


def _infer_server(items: Iterable[Any]) -> str | None:
    return next(filter(None, map(_local_server, items)), None)


def _parse_lines(data: bytes) -> Iterator[Any]:
    for line in data.split(b"\n"):
        try:
            parsed = orjson.loads(line.strip().removeprefix(b"data:"))
        except orjson.JSONDecodeError:
            continue
        items = _page_items(parsed)
        yield from items if items is not None else [parsed]


def _iter_lines(source: Source) -> Iterator[RawItem | Reject]:
    """JSON lines (statuses, pages, WebSocket events) or server-sent events (``event:``/``data:``)."""
    event: str | None = None
    for number, line in source.lines():
        stripped = line.strip()
        if stripped.startswith(b":"):  # SSE heartbeat
            continue
        if stripped.startswith(b"event:"):
            event = stripped[6:].strip().decode("utf-8", errors="replace")
            continue
        body = stripped[5:] if stripped.startswith(b"data:") else stripped
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            yield Reject(str(source.path), number, f"not valid JSON: {exc}", None, excerpt(line))
            continue
        if stripped.startswith(b"data:"):
            data, event = {"event": event or "update", "payload": data}, None
        items = _page_items(data)
        yield from (RawItem(item, number) for item in (items if items is not None else [data]))
