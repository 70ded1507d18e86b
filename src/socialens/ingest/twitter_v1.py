"""X/Twitter API v1.1 statuses, one JSON object a line or a JSON array (twarc, tweepy dumps)."""

from __future__ import annotations

from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
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
        first = next(iter(_page_items(sample.first_json)), None)
        if isinstance(first, dict) and _is_status(first):
            return 0.95
        if isinstance(first, dict) and _is_user(first):
            return 0.9  # users/lookup, lists/members: profiles, each with its latest status
        if isinstance(first_json := sample.first_json, dict) and "search_metadata" in first_json:
            return 0.9  # a search that found nothing
        return 0.0

    def split(self, data: Any) -> list[Any]:
        return _page_items(data)

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for a status")
        if "delete" in raw or "limit" in raw:  # stream control messages, not statuses
            return []
        records: list[Record] = []
        if _is_user(raw):
            self._profile(raw, records)
            return records
        _check_platform(raw)
        self._status(raw, records, depth=0)
        return records

    def _profile(self, user: dict[str, Any], out: list[Record]) -> None:
        """A user object from users/lookup or search; its latest status, if embedded, is theirs."""
        out.append(user_from_v1(user, self.platform))
        status = user.get("status")
        if isinstance(status, dict) and "user" not in status:
            self._status({**status, "user": user}, out, depth=0)

    def _status(self, raw: dict[str, Any], out: list[Record], depth: int) -> str:
        status_id = raw.get("id_str") or (str(raw["id"]) if "id" in raw else None)
        if not status_id or not isinstance(status_id, str):
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
        repost_of = self._embedded(raw.get("retweeted_status"), out, depth)
        quote_of = self._embedded(raw.get("quoted_status"), out, depth) or raw.get("quoted_status_id_str")
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

    def _embedded(self, status: Any, out: list[Record], depth: int) -> str | None:
        """A retweeted or quoted status: imported when whole, else only linked to by id
        (users/lookup trims the statuses it embeds to their own fields, without a user)."""
        if not isinstance(status, dict):
            return None
        if depth == 0 and self.include_embedded and isinstance(status.get("user"), dict):
            return self._status(status, out, depth + 1)
        status_id = status.get("id_str") or status.get("id")
        return str(status_id) if isinstance(status_id, (str, int)) and status_id != "" else None


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


# API responses that wrap a list: search/tweets, lists/members and the like.
_PAGE_KEYS = ("statuses", "users")
# Keys of Weibo's API, a clone of v1.1: the same shape, but not Twitter's data.
_WEIBO_KEYS = ("mid", "idstr", "mblogid", "attitudes_count", "reposts_count")


def _page_items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "id_str" not in data and "id" not in data:
        for key in _PAGE_KEYS:
            if isinstance(data.get(key), list):
                return data[key]  # type: ignore[no-any-return]
        if "search_metadata" in data:
            return []
    return [data]


def _is_status(item: dict[str, Any]) -> bool:
    """A v1.1 status for detection: ``id_str`` (every v1.1 object has it), a user, a text."""
    return "id_str" in item and isinstance(item.get("user"), dict) and ("text" in item or "full_text" in item)


def _is_user(item: dict[str, Any]) -> bool:
    """A v1.1 user object: an id, a screen name, and no text of its own."""
    return "screen_name" in item and "id_str" in item and "text" not in item and "full_text" not in item


def _check_platform(raw: dict[str, Any]) -> None:
    found = [key for key in _WEIBO_KEYS if key in raw]
    if found:
        raise RecordError(f"not an X/Twitter status: it has Weibo's {found[0]!r}; use --format weibo", found[0])
