"""Attachments at the edge: a platform's media objects -> :class:`socialens.schema.Media` records.

Importers keep mapping a post's media as a list of references (``Post.media``); this module
finds, in the same raw item, the object each reference came from and maps what it says:
kind, MIME type, alt text, size, and where a copy of the file may be found locally. The shapes
it knows (by their fields, so quoted and embedded posts are covered too):

* X/Twitter v1.1 and account archives: ``extended_entities.media[]`` (``media_url_https``,
  ``type`` photo/video/animated_gif, ``ext_alt_text``, ``video_info.variants``); an archive's
  files are ``data/tweets_media/<tweet id>-<file name>``;
* X/Twitter v2: ``includes.media[]`` (``media_key``, ``alt_text``, ``variants``);
* Mastodon statuses: ``media_attachments[]`` (``description``, ``meta.original``);
  an archive's ``outbox.json`` ``attachment[]`` Documents (``mediaType``, ``name``), whose
  ``url`` is the file's path inside the archive;
* Bluesky: ``app.bsky.embed.images``/``video`` blobs (the file is named by its CID) and
  their hydrated views (``fullsize``, ``playlist``).

Identifiers inside media URLs (a Bluesky CDN URL names its author's DID, a profile-style path
names a handle) are rewritten by ``Pseudonymizer.url``, the one function every URL passes
through before it is stored: ``Post.urls``, ``Post.media`` and ``Media.url`` alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from socialens.privacy import Pseudonymizer
from socialens.schema import Media, Post
from socialens.text.normalize import normalize_text
from socialens.text.scrub import scrub_contacts

_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]+?(?=[/?#@]|$)")
_TWITTER_KINDS = {"photo": "image", "video": "video", "animated_gif": "gif"}
_MASTODON_KINDS = {"image": "image", "video": "video", "gifv": "gif"}
_EXTENSION_KINDS = {
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".webp": "image",
    ".gif": "gif",
    ".mp4": "video",
    ".mov": "video",
    ".webm": "video",
    ".m3u8": "video",
}
# Post.media placeholders importers write when a platform gives no URL.
_PLACEHOLDERS = {"media", "photo", "video", "animated_gif", "image", "gifv"}


@dataclass(slots=True)
class Attachment:
    """What a raw media object says about one file."""

    kind: str | None = None
    mime: str | None = None
    alt_text: str | None = None
    cid: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    size_bytes: int | None = None
    # URLs of the same file (a video's variants): their file names are looked for locally.
    urls: list[str] = field(default_factory=list)


def edge_post_id(pseudonymizer: Pseudonymizer, post: Post) -> str:
    """The post id as the edge stores it (``socialens.ingest.edge``: ids that embed a DID change)."""
    if post.id.startswith("at://"):
        return pseudonymizer.reference(post.platform, post.id) or post.id
    return post.id


def media_id(platform: str, post_id: str, position: int) -> str:
    """A stable id for the ``position``-th attachment of a (stored) post."""
    digest = hashlib.sha256(f"{platform}\x00{post_id}\x00{position}".encode()).hexdigest()
    return "m_" + digest[:20]


def index_attachments(raw: Any) -> tuple[dict[str, Attachment], dict[str, Attachment]]:
    """Every media object in a raw item, by each of its URLs and by CID."""
    by_url: dict[str, Attachment] = {}
    by_cid: dict[str, Attachment] = {}
    for node in _walk(raw):
        found = _attachment(node)
        if found is None:
            continue
        for url in found.urls:
            by_url.setdefault(url, found)
        if found.cid:
            by_cid.setdefault(found.cid, found)
    return by_url, by_cid


def map_media(post: Post, raw: Any, pseudonymizer: Pseudonymizer) -> list[tuple[Media, Attachment]]:
    """The Media records of one (raw, not yet edge-processed) post, with what was found about each."""
    if not post.media:
        return []
    by_url, by_cid = index_attachments(raw)
    stored_id = edge_post_id(pseudonymizer, post)
    out = []
    for position, reference in enumerate(post.media):
        found = by_url.get(reference) or next((a for c, a in by_cid.items() if c in reference), None)
        attachment = found or Attachment()
        url = None if reference in _PLACEHOLDERS else reference
        kind = attachment.kind or _kind_from_name(url) or ("image" if reference == "photo" else None) or "image"
        media = Media(
            id=media_id(post.platform, stored_id, position),
            post=stored_id,
            platform=post.platform,
            position=position,
            kind=kind,
            url=pseudonymizer.url(url) if url else None,
            mime=attachment.mime,
            size_bytes=attachment.size_bytes,
            width=attachment.width,
            height=attachment.height,
            duration=attachment.duration,
            alt_text=_scrub_text(pseudonymizer, post.platform, attachment.alt_text),
        )
        if url and url not in attachment.urls:
            attachment.urls = [url, *attachment.urls]
        out.append((media, attachment))
    return out


def local_names(post: Post, attachment: Attachment) -> list[str]:
    """File names (or archive-relative paths) a downloaded copy of the attachment may have."""
    names: list[str] = []
    for url in attachment.urls:
        path = urlsplit(url).path
        base = PurePosixPath(path).name.split("@")[0]
        if not base:
            continue
        if url.startswith("/") or not urlsplit(url).scheme:
            names.append(path.lstrip("/"))  # a Mastodon archive: the path inside the archive
        names.extend([f"{post.id}-{base}", base])
    if attachment.cid:
        names.append(attachment.cid)
    return list(dict.fromkeys(names))


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)


def _attachment(node: dict[str, Any]) -> Attachment | None:
    if isinstance(node.get("media_url_https") or node.get("media_url"), str):
        return _twitter(node)
    if "media_key" in node and isinstance(node.get("type"), str):
        return _twitter_v2(node)
    if isinstance(node.get("mediaType"), str) and isinstance(node.get("url"), str):
        return _activitypub(node)
    if node.get("type") in _MASTODON_KINDS and isinstance(node.get("url") or node.get("remote_url"), str):
        return _mastodon(node)
    if isinstance(node.get("image"), dict) or (isinstance(node.get("video"), dict) and "$type" in node):
        return _bluesky_blob(node)
    if isinstance(node.get("fullsize"), str) or isinstance(node.get("playlist"), str):
        return _bluesky_view(node)
    return None


def _twitter(node: dict[str, Any]) -> Attachment:
    variants = (node.get("video_info") or {}).get("variants") or []
    videos = [v for v in variants if isinstance(v, dict) and str(v.get("content_type", "")).startswith("video/")]
    videos.sort(key=lambda v: -int(v.get("bitrate") or 0))
    kind = _TWITTER_KINDS.get(str(node.get("type")), "image")
    urls = [str(node.get("media_url_https") or node.get("media_url"))]
    urls += [str(v["url"]).split("?")[0] for v in videos if isinstance(v.get("url"), str)]
    return Attachment(
        kind=kind,
        mime=str(videos[0]["content_type"]) if videos else None,
        alt_text=_text(node.get("ext_alt_text") or node.get("alt_text")),
        duration=_seconds((node.get("video_info") or {}).get("duration_millis")),
        urls=urls,
    )


def _twitter_v2(node: dict[str, Any]) -> Attachment:
    variants = [v for v in node.get("variants") or [] if isinstance(v, dict) and isinstance(v.get("url"), str)]
    urls = [str(u) for u in (node.get("url"), node.get("preview_image_url")) if isinstance(u, str)]
    return Attachment(
        kind=_TWITTER_KINDS.get(str(node.get("type")), "image"),
        alt_text=_text(node.get("alt_text")),
        width=_int(node.get("width")),
        height=_int(node.get("height")),
        duration=_seconds(node.get("duration_ms")),
        urls=urls + [str(v["url"]).split("?")[0] for v in variants],
    )


def _activitypub(node: dict[str, Any]) -> Attachment:
    mime = str(node["mediaType"])
    kind = "image" if mime.startswith("image/") else "video" if mime.startswith("video/") else None
    if mime == "image/gif":
        kind = "gif"
    return Attachment(
        kind=kind,
        mime=mime,
        alt_text=_text(node.get("name")),
        width=_int(node.get("width")),
        height=_int(node.get("height")),
        urls=[str(node["url"])],
    )


def _mastodon(node: dict[str, Any]) -> Attachment:
    original = (node.get("meta") or {}).get("original") or {}
    urls = [str(u) for u in (node.get("url"), node.get("remote_url")) if isinstance(u, str)]
    return Attachment(
        kind=_MASTODON_KINDS[str(node["type"])],
        alt_text=_text(node.get("description")),
        width=_int(original.get("width")),
        height=_int(original.get("height")),
        duration=original.get("duration") if isinstance(original.get("duration"), int | float) else None,
        urls=urls,
    )


def _bluesky_blob(node: dict[str, Any]) -> Attachment:
    blob = node.get("image") if isinstance(node.get("image"), dict) else node.get("video")
    assert isinstance(blob, dict)
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
    mime = blob.get("mimeType") if isinstance(blob.get("mimeType"), str) else None
    ratio: dict[str, Any] = node["aspectRatio"] if isinstance(node.get("aspectRatio"), dict) else {}
    return Attachment(
        kind="video" if node.get("video") is blob else ("gif" if mime == "image/gif" else "image"),
        mime=mime,
        alt_text=_text(node.get("alt")),
        cid=cid if isinstance(cid, str) else None,
        width=_int(ratio.get("width")),
        height=_int(ratio.get("height")),
        size_bytes=_int(blob.get("size")),
    )


def _bluesky_view(node: dict[str, Any]) -> Attachment:
    url = node.get("fullsize") or node.get("playlist")
    return Attachment(
        kind="video" if "playlist" in node else "image",
        alt_text=_text(node.get("alt")),
        cid=node.get("cid") if isinstance(node.get("cid"), str) else None,
        urls=[str(url)],
    )


def _kind_from_name(url: str | None) -> str | None:
    if not url:
        return None
    suffix = PurePosixPath(urlsplit(url).path.split("@")[0]).suffix.lower()
    if "@" in url and url.rsplit("@", 1)[1] in ("jpeg", "png", "webp"):
        return "image"
    return _EXTENSION_KINDS.get(suffix)


def _scrub_text(pseudonymizer: Pseudonymizer, platform: str, text: str | None) -> str | None:
    """Alt text is text people write: scrubbed and pseudonymised like a post's."""
    if not text:
        return None
    return pseudonymizer.mentions_in_text(platform, scrub_contacts(normalize_text(text)))


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _seconds(millis: Any) -> float | None:
    return round(float(millis) / 1000, 3) if isinstance(millis, int | float) and not isinstance(millis, bool) else None
