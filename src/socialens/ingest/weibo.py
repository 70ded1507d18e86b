"""Weibo posts as crawlers save them: m.weibo.cn / weibo.com API ``mblog`` objects and the
row formats of weibo-crawler and WeiboSpider.

Accepted layouts: one object a line or one JSON document; an object may be an ``mblog``,
a flat crawler row, an API page (``{"ok": 1, "data": {"cards": [{"mblog": ...}]}}``,
``data.list``, ``statuses``) or a crawler result (``{"user": {...}, "weibo": [...]}``).
Pages are opened here (``read_lines`` for the parallel path, ``iter_raw`` for documents) so
that one malformed post is rejected alone, not its whole page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from socialens.errors import ConfigError, RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.readers import RawItem, Reject, Source
from socialens.ingest.timeparse import parse_time, parse_weibo_time
from socialens.ingest.weibo_fields import pictures, read_text, split_list
from socialens.registry import register
from socialens.schema import Post, Record, User

_STRONG_KEYS = frozenset({"mblogid", "attitudes_count", "reposts_count"})
_SPIDER_KEYS = frozenset({"up_num", "retweet_num", "comment_num"})
_HEAD_MARKERS = (b'"mblogid"', b'"attitudes_count"', b'"reposts_count"', b'"mblog"', b'"retweet_num"')
_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BID = re.compile(r"^[0-9A-Za-z]{4,10}$")
_UNITS = {"万": 10_000, "亿": 100_000_000}
# Keys that only Weibo's posts (API mblogs, weibo-crawler and WeiboSpider rows) carry; and keys
# of X's v1.1 statuses, which Weibo's API otherwise resembles.
_WEIBO_KEYS = frozenset(
    {"mid", "idstr", "bid", "mblogid", "attitudes_count", "reposts_count", "comments_count", "up_num"}
    | {"retweet_num", "comment_num", "publish_time", "user_id"}
)
_TWITTER_KEYS = ("id_str", "full_text", "favorite_count", "retweet_count", "extended_tweet")


@register("ingest.weibo.v1")
class WeiboImporter(Importer):
    """Weibo statuses with their authors; a repost brings its original post with it.

    ``crawl_time`` (ISO 8601) anchors the relative times crawlers copy from the page
    ('刚刚', '5分钟前', '今天 12:30', '01-05'); left unset they count from the file's
    modification time, so a file imports the same way every time (set it to the moment of
    the crawl when the file was copied since). ``reference_`` is the moment used.
    """

    format_name = "weibo"
    platform = "weibo"
    paired_hashtags = True

    def __init__(self, crawl_time: str | None = None, include_retweeted: bool = True) -> None:
        self.crawl_time = crawl_time
        self.include_retweeted = include_retweeted
        self.reference_: datetime | None = None

    def sniff(self, sample: Sample) -> float:
        first_json = sample.first_json
        if first_json is None:  # a document longer than the sample: look for Weibo's own keys
            return 0.75 if any(marker in sample.head for marker in _HEAD_MARKERS) else 0.0
        first = next(_expand(first_json), None)
        if not isinstance(first, dict):
            return 0.0
        if _STRONG_KEYS & first.keys():
            return 0.95
        if len(_SPIDER_KEYS & first.keys()) >= 2 and "publish_time" in first:
            return 0.9
        if "mid" in first and ("text" in first or isinstance(first.get("user"), dict)):
            return 0.8
        return 0.0

    def line_delimited(self, source: Source) -> bool:
        self._anchor(source)
        return super().line_delimited(source)

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        self._anchor(source)
        return super().iter_raw(source)

    def split(self, data: Any) -> list[Any]:
        return list(_expand(data))

    def details(self) -> dict[str, Any]:
        return {"relative_times_from": self.reference_.isoformat()} if self.reference_ else {}

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for a Weibo post")
        if "ok" in raw and not any(k in raw for k in ("id", "idstr", "mid")):
            raise RecordError(f"an API response without posts: {raw.get('msg') or raw.get('ok')!r}", "ok")
        _check_platform(raw)
        out: list[Record] = []
        self._status(raw, out, depth=0)
        return out

    def _anchor(self, source: Source) -> None:
        """Fix the moment relative times count from: ``crawl_time``, else the file's modification
        time, so the same file imports the same way every time (the ingest history records it)."""
        if self.crawl_time is None:
            self.reference_ = datetime.fromtimestamp(source.path.stat().st_mtime, UTC).replace(microsecond=0)
            return
        try:
            self.reference_ = parse_time(self.crawl_time, "crawl_time")
        except RecordError:
            raise ConfigError(f"crawl_time {self.crawl_time!r} is not an ISO 8601 time") from None

    def _now(self) -> datetime:
        return self.reference_ or datetime.now(UTC)

    def _status(self, raw: dict[str, Any], out: list[Record], depth: int) -> str:
        post_id = _status_id(raw)
        text, mentions, urls = read_text(raw)
        original = raw.get("retweeted_status") or raw.get("retweet")
        repost_of = _optional_id(raw.get("retweet_id"), "retweet_id")
        if isinstance(original, dict):
            if depth == 0 and self.include_retweeted:
                repost_of = self._status(original, out, depth + 1)
            else:
                repost_of = _status_id(original)
        elif original is not None:
            raise RecordError("expected the original post as an object", "retweeted_status")
        created = raw.get("created_at") or raw.get("publish_time")
        out.append(
            Post(
                id=post_id,
                platform=self.platform,
                author=self._author(raw, out, required=depth == 0),
                created_at=parse_weibo_time(created, self._now(), "created_at"),
                text=text,
                repost_of=repost_of,
                hashtags=split_list(raw.get("topics"), ","),
                mentions=mentions or split_list(raw.get("at_users"), ","),
                urls=urls,
                media=pictures(raw),
                like_count=_count(raw, "attitudes_count", "up_num"),
                repost_count=_count(raw, "reposts_count", "retweet_num"),
                reply_count=_count(raw, "comments_count", "comment_num"),
            )
        )
        return post_id

    def _author(self, raw: dict[str, Any], out: list[Record], required: bool) -> str | None:
        """The author's raw numeric id; a User record comes with it.

        An original whose author deleted it arrives with ``"user": null``: kept, authorless.
        """
        user = raw.get("user")
        if isinstance(user, dict) and (user.get("idstr") or user.get("id")):
            user_id = str(user.get("idstr") or user["id"])
            screen_name = _optional_str(user.get("screen_name") or user.get("nickname"), "user.screen_name")
            out.append(
                User(
                    id=user_id,
                    platform=self.platform,
                    handle=screen_name,
                    name=screen_name,
                    description=_optional_str(user.get("description"), "user.description"),
                    created_at=parse_weibo_time(user.get("created_at"), self._now(), "user.created_at"),
                    followers=_count(user, "followers_count", "followers", field_prefix="user."),
                    following=_count(user, "follow_count", "friends_count", "following", field_prefix="user."),
                    verified=user["verified"] if isinstance(user.get("verified"), bool) else None,
                )
            )
            return user_id
        flat_id = _optional_id(raw.get("user_id"), "user_id")  # crawler rows carry the user flat
        if flat_id is not None:
            handle = _optional_str(raw.get("screen_name"), "screen_name")
            out.append(User(id=flat_id, platform=self.platform, handle=handle, name=handle))
            return flat_id
        if required:
            raise RecordError("missing: a post needs a 'user' object or a 'user_id'", "user")
        return None


def _check_platform(raw: dict[str, Any]) -> None:
    """Weibo's API is a clone of X's v1.1: only its own keys tell its posts apart."""
    twitter = next((key for key in _TWITTER_KEYS if key in raw), None)
    if twitter is not None:
        raise RecordError(f"not a Weibo post: it has X/Twitter's {twitter!r}; use --format twitter-v1", twitter)
    if not _WEIBO_KEYS & raw.keys():
        raise RecordError(
            "not a Weibo post: none of Weibo's fields (mid, idstr, bid, mblogid, attitudes_count, "
            "reposts_count, comments_count, up_num, publish_time, user_id)",
            "mid",
        )


def _expand(data: Any) -> Iterator[Any]:
    """Posts out of API pages and crawler results; anything else passes through as is."""
    if isinstance(data, list):
        for element in data:
            yield from _expand(element)
        return
    if not isinstance(data, dict):
        yield data
        return
    inner = data.get("data")
    if isinstance(data.get("mblog"), dict):  # a card
        yield data["mblog"]
    elif isinstance(data.get("card_group"), list):  # search results group their cards
        yield from _expand(data["card_group"])
    elif "card_type" in data:
        return  # a card without a post: user cards, "no more content" notices
    elif "ok" in data and isinstance(inner, dict):
        pages = [inner[key] for key in ("cards", "list", "statuses") if isinstance(inner.get(key), list)]
        for page in pages:
            yield from _expand(page)
        if not pages:
            # A single status (statuses/show), else a response map_item rejects with its message.
            yield inner if any(k in inner for k in ("idstr", "mid")) else data
    elif isinstance(data.get("statuses"), list):
        yield from _expand(data["statuses"])
    elif isinstance(data.get("weibo"), list):
        user = data.get("user")
        for row in data["weibo"]:
            yield _with_user(row, user)
    else:
        yield data


def _with_user(row: Any, user: Any) -> Any:
    """A crawler row with the result file's user object, when the row is that user's post."""
    if not isinstance(row, dict) or not isinstance(user, dict) or "user" in row:
        return row
    if row.get("user_id") in (None, "") or str(row["user_id"]) == str(user.get("id")):
        return {**row, "user": user}
    return row


def _status_id(raw: dict[str, Any]) -> str:
    """The numeric id; crawlers that only know the short ``bid`` get it converted."""
    for key in ("idstr", "mid", "id"):
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value.isdigit():
            return value
        if isinstance(value, str) and key == "id" and _BID.match(value):
            return mid_from_bid(value)
    bid = raw.get("mblogid") or raw.get("bid")
    if isinstance(bid, str) and _BID.match(bid):
        return mid_from_bid(bid)
    raise RecordError("missing or not a post id (idstr, mid, id or mblogid)", "id")


def mid_from_bid(bid: str) -> str:
    """The numeric id of a post from the base62 ``bid`` in its URL (weibo.com/<uid>/<bid>).

    >>> mid_from_bid("ImTGkcdDn")
    '4454572602912349'
    """
    digits: list[str] = []
    end = len(bid)
    while end > 0:
        start = max(end - 4, 0)
        number = 0
        for char in bid[start:end]:
            number = number * 62 + _BASE62.index(char)
        digits.append(str(number).zfill(7) if start > 0 else str(number))
        end = start
    return "".join(reversed(digits))


def _count(raw: dict[str, Any], *fields: str, field_prefix: str = "") -> int | None:
    """The first count present; Weibo writes large ones as '1.2万' or '100万+'."""
    for field in fields:
        value = raw.get(field)
        if value is None or value == "" or isinstance(value, bool):
            continue  # a bool "following" means "I follow them", not a count
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip().rstrip("+").replace(",", "")
            scale = _UNITS.get(text[-1:], 1)
            number = text[:-1] if scale > 1 else text
            try:
                return int(float(number) * scale)
            except ValueError:
                pass
        raise RecordError(f"expected a count, got {value!r}", field_prefix + field)
    return None


def _optional_str(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError("expected a string", field)
    return value


def _optional_id(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RecordError("expected a numeric id", field)
    return str(value)
