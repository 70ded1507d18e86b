"""X/Twitter API v1.1 statuses, one JSON object a line or a JSON array (twarc, tweepy dumps)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.readers import RawItem, Reject, Source, iter_json_lines, load_json_document
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Post, Record, User


@register("ingest.twitter_v1.v1")
class TwitterV1Importer(Importer):
    """Statuses as the v1.1 REST and streaming APIs return them.

    Retweets and quotes bring the original status with them; both are imported, so the
    originals are searchable and the repost/quote edges point at stored posts.
    """

    format_name = "twitter-v1"
    platform = "twitter"

    def __init__(self, include_embedded: bool = True) -> None:
        self.include_embedded = include_embedded

    def sniff(self, sample: Sample) -> float:
        first = sample.first_json
        if isinstance(first, list) and first:
            first = first[0]
        if not isinstance(first, dict):
            return 0.0
        if "id_str" in first and isinstance(first.get("user"), dict) and ("text" in first or "full_text" in first):
            return 0.95
        return 0.0

    def line_delimited(self, source: Source) -> bool:
        return source.head(1) != b"["

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        if source.head(1) == b"[":
            document = load_json_document(source)
            for index, item in enumerate(document, start=1):
                yield RawItem(item, index)
        else:
            yield from iter_json_lines(source)

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for a status")
        if "delete" in raw or "limit" in raw:  # stream control messages, not statuses
            return []
        records: list[Record] = []
        self._status(raw, records, depth=0)
        return records

    def _status(self, raw: dict[str, Any], out: list[Record], depth: int) -> str:
        status_id = raw.get("id_str") or (str(raw["id"]) if "id" in raw else None)
        if not status_id:
            raise RecordError("missing", "id_str")
        user = raw.get("user")
        if not isinstance(user, dict) or not (user.get("id_str") or user.get("id")):
            raise RecordError("missing or not an object", "user")
        text = raw.get("full_text") or raw.get("text")
        extended = raw.get("extended_tweet")
        if isinstance(extended, dict) and extended.get("full_text"):
            text = extended["full_text"]
        if text is None:
            raise RecordError("missing", "text")
        entities = (extended or {}).get("entities") or raw.get("entities") or {}
        repost_of = quote_of = None
        if depth == 0 and isinstance(raw.get("retweeted_status"), dict):
            repost_of = self._status(raw["retweeted_status"], out, depth + 1)
        if depth == 0 and isinstance(raw.get("quoted_status"), dict):
            quote_of = self._status(raw["quoted_status"], out, depth + 1)
        quote_of = quote_of or raw.get("quoted_status_id_str")
        media = (raw.get("extended_entities") or entities).get("media") or []
        out.append(
            Post(
                id=str(status_id),
                platform=self.platform,
                author=str(user.get("id_str") or user["id"]),
                created_at=parse_time(raw.get("created_at")),
                text=text,
                lang=None,
                reply_to=raw.get("in_reply_to_status_id_str"),
                repost_of=repost_of,
                quote_of=quote_of,
                hashtags=[h["text"] for h in entities.get("hashtags") or [] if h.get("text")],
                mentions=[m["screen_name"] for m in entities.get("user_mentions") or [] if m.get("screen_name")],
                urls=[u.get("expanded_url") or u.get("url") for u in entities.get("urls") or [] if u.get("url")],
                media=[m.get("media_url_https") or m.get("type", "media") for m in media],
                like_count=raw.get("favorite_count"),
                repost_count=raw.get("retweet_count"),
                reply_count=raw.get("reply_count"),
                quote_count=raw.get("quote_count"),
            )
        )
        out.append(user_from_v1(user, self.platform))
        return str(status_id)


def user_from_v1(user: dict[str, Any], platform: str = "twitter") -> User:
    """A v1.1 user object (also what the archive and many scrapers emit)."""
    return User(
        id=str(user.get("id_str") or user["id"]),
        platform=platform,
        handle=user.get("screen_name"),
        name=user.get("name"),
        description=user.get("description"),
        created_at=parse_time(user.get("created_at"), "user.created_at"),
        followers=user.get("followers_count"),
        following=user.get("friends_count"),
        verified=user.get("verified"),
    )
