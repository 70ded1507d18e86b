"""Mastodon: Status entities from the REST and streaming APIs, and an archive's outbox.json.

Status ids are local to the server that answered the API call (a remote post fetched through
mastodon.social has a mastodon.social id, and so has its ``in_reply_to_id``), so post ids are
``{server}:{id}`` with that server, which keeps reply and reblog links joinable.
Accounts are keyed by their full ``user@instance`` address instead: it names the same person
whichever server reported them, where a numeric account id differs from server to server.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import orjson

from socialens.errors import InputFileError, RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.readers import RawItem, Reject, Source, excerpt
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Post, Record, User
from socialens.text.normalize import strip_html

# ActivityPub ids of Mastodon statuses and actors, as an archive's outbox.json has them.
_AP_STATUS = re.compile(r"^https?://([^/]+)/users/[^/]+/statuses/([^/]+?)(?:/activity)?/?$")
_AP_ACTOR = re.compile(r"^https?://([^/]+)/(?:users/|@)([^/@]+)/?$")
_PROFILE_URL = re.compile(r"^https?://([^/]+)/(?:@|users/)([\w.\-]+)/?$")
_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
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
            if _is_status(first):
                return 0.95
            items = first.get("orderedItems")
            if isinstance(items, list) and (not items or _is_activity(items[0])):  # an outbox
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
        return not (_is_document(head) or _is_sse(head))

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        head = self._learn_server(source)
        if not head:
            return
        if not _is_document(head):
            yield from _iter_lines(source)
            return
        pretty = head.split(b"\n", 1)[0].strip() in (b"{", b"[")
        try:
            document = orjson.loads(source.read_all())
        except orjson.JSONDecodeError as exc:
            if pretty:
                raise InputFileError(source.path, f"not a complete JSON document (truncated?): {exc}") from None
            yield from _iter_lines(source)  # one line that is not JSON: rejected with its number
            return
        items = _page_items(document) or [document]
        self.server_ = self.server_ or _infer_server(items[:1000])
        yield from (RawItem(item, n) for n, item in enumerate(items, start=1))

    def _learn_server(self, source: Source) -> bytes:
        """The answering server, from the setting or the sample; returns the stripped sample.

        Learned before any record is mapped, so every line (in any worker) gets the same one.
        """
        head = source.head()
        self.server_ = _host(self.instance) if self.instance else None
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
        server = server or _host(raw.get("uri")) or _host(raw.get("url"))
        if not server:
            raise RecordError("missing: cannot tell the instance (pass instance=...)", "uri")
        account = raw.get("account")
        if not isinstance(account, dict):
            raise RecordError("missing or not an object", "account")
        user = _account(account, "account")
        content = raw.get("content") or ""
        if not isinstance(content, str):
            raise RecordError(f"not a string: {type(content).__name__}", "content")
        repost_of = None
        if depth == 0 and isinstance(raw.get("reblog"), dict):
            repost_of = self._status(raw["reblog"], out, server, depth + 1)
        mentions = _mentions(raw.get("mentions"))
        media = raw.get("media_attachments") or []
        post = Post(
            id=f"{server}:{local_id}",
            platform=self.platform,
            author=user.id,
            created_at=parse_time(raw.get("created_at")),
            text=_text(content, mentions),
            title=strip_html(raw.get("spoiler_text")) or None,
            lang=_lang(raw.get("language")),
            reply_to=f"{server}:{raw['in_reply_to_id']}" if raw.get("in_reply_to_id") else None,
            repost_of=repost_of,
            quote_of=self._quote(raw.get("quote"), out, server, depth),
            hashtags=[t["name"] for t in raw.get("tags") or [] if isinstance(t, dict) and t.get("name")],
            mentions=list(mentions),
            media=[_media_url(m) for m in media if isinstance(m, dict)],
            like_count=_count(raw, "favourites_count"),
            repost_count=_count(raw, "reblogs_count"),
            reply_count=_count(raw, "replies_count"),
            quote_count=_count(raw, "quotes_count"),
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
            author = _actor_acct(raw.get("actor"), "actor")
            target = obj.get("id") if isinstance(obj, dict) else obj
            if not isinstance(target, str):
                raise RecordError("missing or not a URI", "object")
            out.append(
                Post(
                    id=_ap_ref(raw.get("id"), "id"),
                    platform=self.platform,
                    author=author,
                    created_at=parse_time(raw.get("published"), "published"),
                    repost_of=_ap_ref(target, "object"),
                )
            )
            out.append(User(id=author, platform=self.platform, handle=author))
        elif kind == "Create" and isinstance(obj, dict) and obj.get("type") in _NOTE_TYPES:
            self._note(obj, raw.get("actor"), out)

    def _note(self, note: dict[str, Any], actor: Any, out: list[Record]) -> None:
        author = _actor_acct(note.get("attributedTo") or actor, "object.attributedTo")
        content = note.get("content") or ""
        if not isinstance(content, str):
            raise RecordError(f"not a string: {type(content).__name__}", "object.content")
        tags = [t for t in note.get("tag") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]
        tags = [t for t in tags if t.get("type") in ("Mention", "Hashtag")]
        # A Mention tag names the account and links its actor URI, which tells a local one's host.
        mentions = _mentions(
            [{"acct": t["name"].lstrip("@"), "url": t.get("href")} for t in tags if t["type"] == "Mention"]
        )
        content_map = note.get("contentMap")
        quote = note.get("quote") or note.get("quoteUri") or note.get("_misskey_quote")
        attachments = note.get("attachment") or []
        out.append(
            Post(
                id=_ap_ref(note.get("id"), "object.id"),
                platform=self.platform,
                author=author,
                created_at=parse_time(note.get("published"), "object.published"),
                text=_text(content, mentions),
                title=strip_html(note.get("summary")) or None,
                lang=_lang(next(iter(content_map), None) if isinstance(content_map, dict) else None),
                reply_to=_ap_ref(note["inReplyTo"], "object.inReplyTo") if note.get("inReplyTo") else None,
                quote_of=_ap_ref(quote, "object.quote") if isinstance(quote, str) else None,
                hashtags=[t["name"].lstrip("#") for t in tags if t.get("type") == "Hashtag"],
                mentions=list(mentions),
                media=[a["url"] for a in attachments if isinstance(a, dict) and isinstance(a.get("url"), str)],
            )
        )
        out.append(User(id=author, platform=self.platform, handle=author))


def _account(account: dict[str, Any], field: str) -> User:
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct:
        raise RecordError("missing", f"{field}.acct")
    handle = _full_acct(acct, account.get("url") or account.get("uri"))
    if handle is None:
        raise RecordError("a local account without a url to tell its instance", f"{field}.url")
    return User(
        id=handle.lower(),
        platform="mastodon",
        handle=handle,
        name=account.get("display_name") or None,
        description=_text(account.get("note") or "", {}) or None,
        created_at=parse_time(account.get("created_at"), f"{field}.created_at"),
        followers=_count(account, "followers_count"),
        following=_count(account, "following_count"),
    )


def _full_acct(acct: str, url: Any) -> str | None:
    """``user@instance``: ``acct`` is just ``user`` for an account on the answering server."""
    if "@" in acct:
        return acct.lstrip("@")
    host = _host(url)
    return f"{acct}@{host}" if host else None


def _mentions(raw: Any) -> dict[str, tuple[str, str | None]]:
    """The mentioned accounts: full ``user@instance`` address to (username, profile url)."""
    found: dict[str, tuple[str, str | None]] = {}
    for mention in raw if isinstance(raw, list) else []:
        if isinstance(mention, dict) and isinstance(mention.get("acct"), str):
            url = mention.get("url") if isinstance(mention.get("url"), str) else None
            full = _full_acct(mention["acct"], url)
            if full:
                found[full] = (str(mention.get("username") or full.split("@")[0]), url)
    return found


def _text(content: str, mentions: dict[str, tuple[str, str | None]]) -> str:
    """Plain text whose mentions read ``@user@instance``, the form the mention list holds.

    The HTML shows only ``@bob``; left so, the text would pseudonymise to another handle than
    the list, and two bobs on two servers to one. A mention link is resolved by its href (a
    mentioned account's url, else a profile url's host and name); what is left, by its
    username when only one mentioned account has it.
    """
    by_url = {url: full for full, (_, url) in mentions.items() if url}

    def resolve(match: re.Match[str]) -> str:
        if not strip_html(match[2]).startswith("@"):
            return match[0]
        href = html.unescape(match[1])
        profile = _PROFILE_URL.match(href)
        full = by_url.get(href) or (f"{profile[2]}@{profile[1].lower()}" if profile else None)
        return f"@{full}" if full else match[0]

    text = strip_html(_ANCHOR.sub(resolve, content) if "<a" in content else content)
    usernames = Counter(username for username, _ in mentions.values())
    for full, (username, _) in mentions.items():
        if usernames[username] == 1 and "@" in text:
            pattern = rf"(?<![\w@/.])@{re.escape(username)}(?![\w@]|[.\-]\w)"
            text = re.sub(pattern, f"@{full}".replace("\\", r"\\"), text)
    return text


def _media_url(attachment: dict[str, Any]) -> str:
    return str(attachment.get("url") or attachment.get("remote_url") or attachment.get("type") or "media")


def _lang(value: Any) -> str | None:
    return (value.split("-")[0].lower() or None) if isinstance(value, str) and value else None


def _count(raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _host(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    return host.lower() if host else None


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
            host = _host(account.get("url"))
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


def _ap_ref(uri: Any, field: str) -> str:
    """An ActivityPub status id as a post id: ``host:id`` for Mastodon, the URI otherwise."""
    if not isinstance(uri, str) or not uri:
        raise RecordError("missing or not a URI", field)
    match = _AP_STATUS.match(uri)
    return f"{match.group(1).lower()}:{match.group(2)}" if match else uri


def _actor_acct(uri: Any, field: str) -> str:
    match = _AP_ACTOR.match(uri) if isinstance(uri, str) else None
    if not match:
        raise RecordError(f"not an actor URI: {uri!r}", field)
    return f"{match.group(2)}@{match.group(1)}".lower()


def _is_status(item: Any) -> bool:
    account = item.get("account") if isinstance(item, dict) else None
    return isinstance(account, dict) and "acct" in account and "id" in item and ("content" in item or "reblog" in item)


def _is_activity(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") in ("Create", "Announce")


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
