"""Bluesky (AT Protocol): Jetstream events, and post views from the AppView API.

Every post is keyed by its ``at://`` URI, the one identifier that replies, quotes, likes and
reposts all use to point at it, so those links join without a lookup. Authors are DIDs, the
stable account identifier (handles change); handles come from identity events and views.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Interaction, Post, Record, User

POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
_MAPPED = (POST, LIKE, REPOST, FOLLOW)
_FACET = "app.bsky.richtext.facet#"
# API responses that wrap a list of items: getAuthorFeed/getTimeline, searchPosts/getPosts, listRecords.
_PAGE_KEYS = ("feed", "posts", "records")
# A reply's parent or a quoted post may come back as one of these instead of a post view.
_UNAVAILABLE = ("#notFoundPost", "#blockedPost", "#viewNotFound", "#viewBlocked", "#viewDetached")
_IMAGE_CDN = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
_VIDEO_CDN = "https://video.bsky.app/watch/{did}/{cid}/playlist.m3u8"


@register("ingest.bluesky.v1")
class BlueskyImporter(Importer):
    """Jetstream JSON lines, or post views (JSON lines, or a feed/search/listRecords document).

    ``include_context`` also imports the posts that views carry hydrated (a reply's parent
    and root, a quoted post), so the reply and quote edges point at stored posts.
    """

    format_name = "bluesky"
    platform = "bluesky"

    def __init__(self, include_context: bool = True) -> None:
        self.include_context = include_context

    def sniff(self, sample: Sample) -> float:
        first = sample.first_json
        if isinstance(first, list) and first:
            first = first[0]
        if isinstance(first, dict):
            page = next((first[k] for k in _PAGE_KEYS if isinstance(first.get(k), list) and first[k]), None)
            if page is not None and isinstance(page[0], dict):
                first = page[0]
            if isinstance(first.get("did"), str) and "time_us" in first and "kind" in first:
                return 0.97
            if isinstance(first.get("post"), dict):
                first = first["post"]
            if str(first.get("uri", "")).startswith("at://") and ("record" in first or "value" in first):
                return 0.95
            return 0.0
        # A pretty-printed document longer than the sample does not parse; look for its marks.
        head = sample.head
        if (
            head.lstrip()[:1] in (b"{", b"[")
            and b'"app.bsky.' in head
            and (b'"at://did:' in head or b'"time_us"' in head)
        ):
            return 0.8
        return 0.0

    def split(self, data: Any) -> list[Any]:
        """Items of an API page (feed, search, listRecords), or the one item."""
        items = _page_items(data)
        return [data] if items is None else items

    def map_item(self, raw: Any) -> list[Record]:
        page = _page_items(raw)  # a whole API page on one line, in the line-parallel path
        if page is not None:
            return [record for item in page for record in self.map_item(item)]
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object (a Jetstream event or a post view)")
        if "kind" in raw and ("did" in raw or "time_us" in raw):
            return self._event(raw)
        out: list[Record] = []
        if isinstance(raw.get("post"), dict):
            self._feed_item(raw, out)
        elif "value" in raw and "uri" in raw:
            did, collection, rkey = _split_uri(raw["uri"], "uri")
            out.extend(self._record(did, collection, rkey, _object(raw, "value"), None))
        elif "uri" in raw:
            self._view(raw, out)
        else:
            raise RecordError("missing: neither a Jetstream event ('did', 'kind') nor a post view", "uri")
        return out

    # -- Jetstream ------------------------------------------------------------------
    def _event(self, raw: dict[str, Any]) -> list[Record]:
        did = raw.get("did")
        if not isinstance(did, str) or not did.startswith("did:"):
            raise RecordError("missing or not a DID", "did")
        kind = raw.get("kind")
        if kind == "identity":
            identity = raw.get("identity")
            handle = identity.get("handle") if isinstance(identity, dict) else None
            return [User(id=did, platform=self.platform, handle=handle)] if isinstance(handle, str) else []
        if kind != "commit":  # "account" status changes carry nothing canonical
            return []
        commit = _object(raw, "commit")
        # A delete leaves nothing to import; most of the firehose is collections we do not map.
        if commit.get("operation") == "delete" or commit.get("collection") not in _MAPPED:
            return []
        received = _from_micros(raw.get("time_us"))
        rkey = commit.get("rkey")
        if not isinstance(rkey, str) or not rkey:
            raise RecordError("missing", "commit.rkey")
        record = _object(commit, "record", "commit.record")
        return self._record(did, commit["collection"], rkey, record, received)

    def _record(
        self, did: str, collection: str, rkey: str, record: dict[str, Any], received: datetime | None
    ) -> list[Record]:
        """A repository record, from Jetstream or listRecords, keyed by its owner and rkey."""
        if collection == POST:
            return [self._post(f"at://{did}/{POST}/{rkey}", did, record, received)]
        when = _time(record.get("createdAt"), "record.createdAt", received)
        subject = record.get("subject")
        if collection in (LIKE, REPOST):
            uri = subject.get("uri") if isinstance(subject, dict) else None
            if not isinstance(uri, str) or not uri.startswith("at://"):
                raise RecordError("missing or not an at:// URI", "record.subject.uri")
            kind = "like" if collection == LIKE else "repost"
            return [Interaction(actor=did, kind=kind, platform=self.platform, target_post=uri, timestamp=when)]
        if collection == FOLLOW:
            if not isinstance(subject, str) or not subject.startswith("did:"):
                raise RecordError("missing or not a DID", "record.subject")
            return [Interaction(actor=did, kind="follow", platform=self.platform, target_user=subject, timestamp=when)]
        return []  # profiles, blocks, lists, feed generators: not posts or interactions

    # -- AppView views --------------------------------------------------------------
    def _feed_item(self, raw: dict[str, Any], out: list[Record]) -> None:
        post_uri = self._view(raw["post"], out)
        reply = raw.get("reply")
        if self.include_context and isinstance(reply, dict):
            root, parent = reply.get("root"), reply.get("parent")
            for context in (root,) if parent == root else (root, parent):
                if isinstance(context, dict) and _is_view(context):
                    self._context(context, out, "record")
        reason = raw.get("reason")
        if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost"):
            by = reason.get("by")
            if isinstance(by, dict) and isinstance(by.get("did"), str):
                out.append(self._user(by, "reason.by"))
                when = _time(reason.get("indexedAt"), "reason.indexedAt", None)
                out.append(
                    Interaction(
                        actor=by["did"], kind="repost", platform=self.platform, target_post=post_uri, timestamp=when
                    )
                )

    def _view(self, view: dict[str, Any], out: list[Record], record_key: str = "record") -> str:
        """A post view (or an embedded viewRecord, whose record is under ``value``)."""
        uri = view.get("uri")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise RecordError("missing or not an at:// URI", "uri")
        author = _object(view, "author")
        did = author.get("did")
        if not isinstance(did, str) or not did:
            raise RecordError("missing", "author.did")
        record = _object(view, record_key)
        indexed = _time(view.get("indexedAt"), "indexedAt", None)
        post = self._post(uri, did, record, indexed)
        post.like_count = _count(view, "likeCount")
        post.repost_count = _count(view, "repostCount")
        post.reply_count = _count(view, "replyCount")
        post.quote_count = _count(view, "quoteCount")
        embed = view.get("embed") if isinstance(view.get("embed"), dict) else (view.get("embeds") or [None])[0]
        if isinstance(embed, dict):
            post.media = _view_media(embed) or post.media
            quoted = _quoted_view(embed)
            if self.include_context and quoted is not None:
                self._context(quoted, out, "value")
        out.append(post)
        out.append(self._user(author, "author"))
        return uri

    def _context(self, view: dict[str, Any], out: list[Record], record_key: str) -> None:
        """A hydrated neighbour post; if it is malformed the post that carried it still counts."""
        context: list[Record] = []
        try:
            self._view(view, context, record_key)
        except RecordError:
            return
        out.extend(context)

    def _user(self, profile: dict[str, Any], where: str) -> User:
        return User(
            id=profile["did"],
            platform=self.platform,
            handle=profile.get("handle") if profile.get("handle") != "handle.invalid" else None,
            name=profile.get("displayName") or None,
            description=profile.get("description") or None,
            created_at=_time(profile.get("createdAt"), f"{where}.createdAt", None),
            followers=_count(profile, "followersCount"),
            following=_count(profile, "followsCount"),
        )

    # -- the post record, common to both sources -------------------------------------
    def _post(self, uri: str, did: str, record: dict[str, Any], fallback: datetime | None) -> Post:
        text = record.get("text", "")
        if not isinstance(text, str):
            raise RecordError(f"not a string: {type(text).__name__}", "record.text")
        hashtags, mentions, urls = _facets(text, record.get("facets"))
        extra_tags = record.get("tags")
        if isinstance(extra_tags, list):  # tags outside the text, set by the client
            hashtags.extend(t for t in extra_tags if isinstance(t, str) and t not in hashtags)
        reply = record.get("reply")
        parent = reply.get("parent") if isinstance(reply, dict) else None
        reply_to = parent.get("uri") if isinstance(parent, dict) else None
        if reply is not None and not isinstance(reply_to, str):
            raise RecordError("missing or not a string", "record.reply.parent.uri")
        embed = record.get("embed")
        quote_of, media, link = _record_embed(embed if isinstance(embed, dict) else {}, did)
        if link and link not in urls:
            urls.append(link)
        langs = record.get("langs")
        lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
        return Post(
            id=uri,
            platform=self.platform,
            author=did,
            created_at=_time(record.get("createdAt"), "record.createdAt", fallback),
            text=text,
            lang=(lang.split("-")[0].lower() or None) if lang else None,
            reply_to=reply_to,
            quote_of=quote_of,
            hashtags=hashtags,
            mentions=mentions,
            urls=urls,
            media=media,
        )


def _facets(text: str, facets: Any) -> tuple[list[str], list[str], list[str]]:
    """Hashtags, mention handles and link targets from rich-text facets.

    A mention facet names a DID, but mentions are handles everywhere else, so the handle is
    read from the text at the facet's UTF-8 byte range.
    """
    hashtags: list[str] = []
    mentions: list[str] = []
    urls: list[str] = []
    if not isinstance(facets, list):
        return hashtags, mentions, urls
    encoded = text.encode("utf-8")
    for facet in facets:
        if not isinstance(facet, dict) or not isinstance(facet.get("features"), list):
            continue  # a broken facet loses its entity, not the post
        for feature in facet["features"]:
            kind = str(feature.get("$type", "")) if isinstance(feature, dict) else ""
            if kind == _FACET + "tag" and isinstance(feature.get("tag"), str):
                hashtags.append(feature["tag"])
            elif kind == _FACET + "link" and isinstance(feature.get("uri"), str):
                urls.append(feature["uri"])
            elif kind == _FACET + "mention" and isinstance(index := facet.get("index"), dict):
                start, end = index.get("byteStart"), index.get("byteEnd")
                span = encoded[start:end].decode("utf-8", "ignore").strip() if _ints(start, end) else ""
                if span.startswith("@") and len(span) > 1:
                    mentions.append(span[1:])
    return list(dict.fromkeys(hashtags)), list(dict.fromkeys(mentions)), list(dict.fromkeys(urls))


def _record_embed(embed: dict[str, Any], did: str) -> tuple[str | None, list[str], str | None]:
    """The quoted post URI, media URLs and external link of a post record's embed."""
    kind = str(embed.get("$type", ""))
    quote_of = None
    media_embed: dict[str, Any] = embed
    if kind.startswith("app.bsky.embed.record"):
        inner = embed.get("record")
        if kind.startswith("app.bsky.embed.recordWithMedia") and isinstance(inner, dict):
            inner = inner.get("record")
            media = embed.get("media")
            media_embed = media if isinstance(media, dict) else {}
        uri = inner.get("uri") if isinstance(inner, dict) else None
        # Only a quoted post is a quote; an embedded feed, list or starter pack is not.
        if isinstance(uri, str) and f"/{POST}/" in uri:
            quote_of = uri
    media_kind = str(media_embed.get("$type", ""))
    if media_kind.startswith("app.bsky.embed.images"):
        images = [i.get("image") for i in media_embed.get("images") or [] if isinstance(i, dict)]
        media = [_IMAGE_CDN.format(did=did, cid=cid) for cid in map(_blob_cid, images) if cid]
    elif media_kind.startswith("app.bsky.embed.video"):
        media = [_VIDEO_CDN.format(did=did, cid=cid) for cid in [_blob_cid(media_embed.get("video"))] if cid]
    else:
        media = []
    external = media_embed.get("external") if media_kind.startswith("app.bsky.embed.external") else None
    link = external.get("uri") if isinstance(external, dict) else None
    return quote_of, media, link if isinstance(link, str) else None


def _blob_cid(blob: Any) -> str | None:
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")  # current, then legacy blobs
    return cid if isinstance(cid, str) else None


def _view_media(embed: dict[str, Any]) -> list[str]:
    """Media URLs of a hydrated embed view (images#view, video#view, recordWithMedia#view)."""
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia") and isinstance(embed.get("media"), dict):
        return _view_media(embed["media"])
    if kind.startswith("app.bsky.embed.images"):
        return [i["fullsize"] for i in embed.get("images") or [] if isinstance(i, dict) and i.get("fullsize")]
    if kind.startswith("app.bsky.embed.video") and isinstance(embed.get("playlist"), str):
        return [embed["playlist"]]
    return []


def _quoted_view(embed: dict[str, Any]) -> dict[str, Any] | None:
    """The viewRecord of a quoted post inside a record#view or recordWithMedia#view."""
    inner = embed.get("record")
    if str(embed.get("$type", "")).startswith("app.bsky.embed.recordWithMedia") and isinstance(inner, dict):
        inner = inner.get("record")
    if isinstance(inner, dict) and f"/{POST}/" in str(inner.get("uri", "")) and _is_view(inner, "value"):
        return inner
    return None


def _is_view(value: Any, record_key: str = "record") -> bool:
    if not isinstance(value, dict) or str(value.get("$type", "")).endswith(_UNAVAILABLE):
        return False
    return isinstance(value.get("author"), dict) and isinstance(value.get(record_key), dict)


def _split_uri(uri: Any, field: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` into its three parts."""
    parts = uri[5:].split("/") if isinstance(uri, str) and uri.startswith("at://") else []
    if len(parts) != 3 or not all(parts):
        raise RecordError(f"not an at://did/collection/rkey URI: {uri!r}", field)
    return parts[0], parts[1], parts[2]


def _object(parent: dict[str, Any], key: str, field: str | None = None) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise RecordError("missing or not an object", field or key)
    return value


def _ints(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _count(raw: dict[str, Any], key: str) -> int | None:
    return raw[key] if _ints(raw.get(key)) else None


def _from_micros(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC) if _ints(value) and value > 0 else None


def _time(value: Any, field: str, fallback: datetime | None) -> datetime | None:
    """A record's own time; it is client-asserted and sometimes nonsense, then the relay's time wins."""
    try:
        return parse_time(value, field) or fallback
    except RecordError:
        if fallback is None:
            raise
        return fallback


def _page_items(data: Any) -> list[Any] | None:
    """The items of an API response page, or None when ``data`` is one item."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "uri" not in data and "did" not in data:
        for key in _PAGE_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
    return None
