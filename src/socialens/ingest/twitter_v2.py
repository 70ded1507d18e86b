"""X/Twitter API v2 responses: whole response documents, twarc2 pages a line, or flattened tweets.

A v2 response keeps a tweet's author, media and referenced tweets apart from the tweet, in
``includes``; a tweet can only be mapped together with the expansions of its page, so
``iter_raw`` splits each page into its tweets and hands every tweet its page's expansions.
``twarc2 flatten`` writes one tweet a line with those expansions already embedded; both
shapes go through the same mapping.
"""

from __future__ import annotations

import re
from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Post, Record, User

_REFERENCE_FIELDS = {"replied_to": "reply_to", "retweeted": "repost_of", "quoted": "quote_of"}
# Keys only a v2 tweet carries: v1.1 statuses have id_str and user, other platforms neither.
_V2_TWEET_KEYS = ("author_id", "edit_history_tweet_ids", "public_metrics", "referenced_tweets", "conversation_id")
_PAGE_KEYS = ("data", "includes", "meta", "errors", "matching_rules")
# A pretty-printed response longer than the detection sample does not parse; look at its bytes.
_PRETTY_DATA = re.compile(rb'"data"\s*:\s*[\[{]\s*\{')
_PRETTY_MARKERS = tuple(f'"{key}"'.encode() for key in (*_V2_TWEET_KEYS, "result_count", "newest_id"))
# Keys that mark another platform's post, with what to do about it.
_FOREIGN_KEYS = {
    "id_str": "an X v1.1 status; use --format twitter-v1",
    "user": "an X v1.1 status or a Weibo post; use --format twitter-v1 or weibo",
    "mid": "a Weibo post; use --format weibo",
    "account": "a Mastodon status; use --format mastodon",
    "subreddit": "a Reddit post; use --format reddit",
    "uri": "a Bluesky or Mastodon post; use --format bluesky or mastodon",
}
# Referenced tweets are followed this deep (a retweet of a quote is two hops).
_MAX_DEPTH = 2


class Page:
    """The expansions (``includes``) of one response page, by id, shared by its tweets."""

    __slots__ = ("media", "tweets", "users")

    def __init__(self, includes: Any = None) -> None:
        includes = includes if isinstance(includes, dict) else {}
        self.users = _index(includes.get("users"), "id")
        self.tweets = _index(includes.get("tweets"), "id")
        self.media = _index(includes.get("media"), "media_key")


class PageTweet(dict):  # type: ignore[type-arg]
    """A tweet from a page with the page's expansions attached.

    A dict subclass so that a reject's excerpt shows the tweet itself, not the whole page.
    """

    __slots__ = ("page",)

    def __init__(self, tweet: dict[str, Any], page: Page) -> None:
        super().__init__(tweet)
        self.page = page


@register("ingest.twitter_v2.v1")
class TwitterV2Importer(Importer):
    """Tweets as the v2 API returns them, with their authors, media and referenced tweets.

    Referenced tweets found in the expansions are imported too, so reply/repost/quote edges
    point at stored posts; an expansion too incomplete to map is skipped, its link kept.
    """

    format_name = "twitter-v2"
    platform = "twitter"

    def sniff(self, sample: Sample) -> float:
        first = sample.first_json
        if isinstance(first, list) and first:
            first = first[0]
        if isinstance(first, dict):
            if _is_page(first):
                data = first.get("data")
                tweet = data[0] if isinstance(data, list) and data else data
                if isinstance(tweet, dict):
                    return 0.95 if _looks_like_tweet(tweet, strict=False) else 0.0
                meta = first.get("meta")
                return 0.9 if isinstance(meta, dict) and "result_count" in meta else 0.0
            return 0.9 if _looks_like_tweet(first, strict=True) else 0.0
        head = sample.head[:8192]
        if head.lstrip()[:1] in (b"{", b"[") and _PRETTY_DATA.search(head) and b'"id_str"' not in head:
            return 0.85 if any(marker in head for marker in _PRETTY_MARKERS) else 0.0
        return 0.0

    def split(self, data: Any) -> list[Any]:
        """Tweets of a response page (or of an array of pages), each with its page's expansions."""
        entries = data if isinstance(data, list) else [data]
        return [tweet for entry in entries for tweet in _split(entry)]

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for a tweet")
        records: list[Record] = []
        if _is_page(raw):  # a whole page handed over at once: one bad tweet rejects it all
            tweets = _split(raw)
            if len(tweets) == 1 and tweets[0] is raw:
                raise RecordError(f"expected a list of tweets, got {type(raw.get('data')).__name__}", "data")
            for tweet in tweets:
                records.extend(self.map_item(tweet))
            return records
        _check_platform(raw)
        self._tweet(raw, getattr(raw, "page", None) or Page(), records, depth=0)
        return records

    def _tweet(self, raw: dict[str, Any], page: Page, out: list[Record], depth: int) -> str:
        tweet_id = _ident(raw.get("id"), "id")
        if tweet_id is None:
            raise RecordError("missing", "id")
        text, entities = _text_and_entities(raw)
        text = _without_media_links(text, entities)
        author = raw.get("author") if isinstance(raw.get("author"), dict) else None
        author_id = _ident(raw.get("author_id"), "author_id") or _ident((author or {}).get("id"), "author.id")
        if author is None and author_id is not None:
            author = page.users.get(author_id)
        links: dict[str, str | None] = dict.fromkeys(_REFERENCE_FIELDS.values())
        for ref in _list(raw.get("referenced_tweets"), "referenced_tweets"):
            target = _ident(ref.get("id"), "referenced_tweets.id") if isinstance(ref, dict) else None
            if target is None or ref.get("type") not in _REFERENCE_FIELDS:
                continue
            links[_REFERENCE_FIELDS[ref["type"]]] = target
            embedded = _embedded_tweet(ref, page)
            if embedded is not None and depth < _MAX_DEPTH:
                self._referenced(embedded, page, out, depth + 1)
        metrics = _dict(raw.get("public_metrics"), "public_metrics")
        out.append(
            Post(
                id=tweet_id,
                platform=self.platform,
                author=author_id,
                created_at=parse_time(raw.get("created_at")),
                text=text,
                lang=None,  # left to the edge's language id, as for every platform
                reply_to=links["reply_to"],
                repost_of=links["repost_of"],
                quote_of=links["quote_of"],
                hashtags=_entity_values(entities, "hashtags", "tag"),
                mentions=_entity_values(entities, "mentions", "username"),
                urls=_urls(entities),
                media=_media(raw, page),
                like_count=to_count(metrics.get("like_count"), "public_metrics.like_count"),
                repost_count=to_count(metrics.get("retweet_count"), "public_metrics.retweet_count"),
                reply_count=to_count(metrics.get("reply_count"), "public_metrics.reply_count"),
                quote_count=to_count(metrics.get("quote_count"), "public_metrics.quote_count"),
                impression_count=to_count(metrics.get("impression_count"), "public_metrics.impression_count"),
                bookmark_count=to_count(metrics.get("bookmark_count"), "public_metrics.bookmark_count"),
            )
        )
        if author is not None:
            user = user_from_v2(author, self.platform)
            if user is not None:
                out.append(user)
        out.extend(_related_users(raw, entities, page, self.platform))
        return tweet_id

    def _referenced(self, raw: dict[str, Any], page: Page, out: list[Record], depth: int) -> None:
        records: list[Record] = []
        try:
            self._tweet(raw, page, records, depth)
        except RecordError:
            return  # an expansion missing its text (deleted, withheld) only loses itself
        out.extend(records)


def _check_platform(raw: dict[str, Any]) -> None:
    """A v2 tweet has none of the keys that mark other platforms' posts."""
    foreign = next((key for key in _FOREIGN_KEYS if key in raw), None)
    if foreign is not None:
        raise RecordError(f"not an X API v2 tweet: it has {foreign!r} ({_FOREIGN_KEYS[foreign]})", foreign)


def user_from_v2(user: dict[str, Any], platform: str = "twitter") -> User | None:
    """A v2 user object (``includes.users`` or a flattened ``author``); None without an id."""
    user_id = _ident(user.get("id"), "user.id")
    if user_id is None:
        return None
    metrics = _dict(user.get("public_metrics"), "user.public_metrics")
    verified = user.get("verified")
    return User(
        id=user_id,
        platform=platform,
        handle=_string(user.get("username"), "user.username"),
        name=_string(user.get("name"), "user.name"),
        description=_string(user.get("description"), "user.description"),
        created_at=parse_time(user.get("created_at"), "user.created_at"),
        followers=to_count(metrics.get("followers_count"), "user.public_metrics.followers_count"),
        following=to_count(metrics.get("following_count"), "user.public_metrics.following_count"),
        verified=verified if isinstance(verified, bool) else None,
    )


def to_count(value: Any, field: str) -> int | None:
    """A count given as a number or as a digit string (the account archive writes strings).

    >>> to_count("12", "favorite_count"), to_count(3, "like_count"), to_count(None, "x")
    (12, 3, None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise RecordError(f"expected a whole number, got {value!r}", field)


def _ident(value: Any, field: str) -> str | None:
    """An id as a string; v2 writes them as strings, some tools as numbers."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"expected an id string, got {value!r}", field)


def _string(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"expected a string, got {type(value).__name__}", field)


def _dict(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise RecordError(f"expected an object, got {type(value).__name__}", field)


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise RecordError(f"expected a list, got {type(value).__name__}", field)


def _index(items: Any, key: str) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i[key]): i for i in items if isinstance(i, dict) and isinstance(i.get(key), (str, int))}


def _is_page(raw: dict[str, Any]) -> bool:
    return "id" not in raw and any(key in raw for key in _PAGE_KEYS)


def _looks_like_tweet(raw: dict[str, Any], strict: bool) -> bool:
    """A v2 tweet; ``strict`` (a bare line, no page around it) also wants a v2-only key."""
    if "id" not in raw or "id_str" in raw or "user" in raw or not ("text" in raw or "note_tweet" in raw):
        return False
    return not strict or any(key in raw for key in (*_V2_TWEET_KEYS, "author"))


def _split(parsed: Any) -> list[Any]:
    """The tweets of a response page (each with the page's expansions), or a line's own tweet.

    A page whose ``data`` is not a list of tweets stays whole, for ``map_item`` to reject.
    """
    if not isinstance(parsed, dict) or not _is_page(parsed):
        return [parsed]
    data = parsed.get("data")
    if data is None:  # an empty page, or an error-only response
        return []
    if isinstance(data, dict):
        data = [data]  # single-tweet lookups and stream messages
    if not isinstance(data, list):
        return [parsed]
    page = Page(parsed.get("includes"))
    return [PageTweet(tweet, page) if isinstance(tweet, dict) else tweet for tweet in data]


def _text_and_entities(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A long post's full text and entities live in ``note_tweet``; ``text`` is cut at 280."""
    note = _dict(raw.get("note_tweet"), "note_tweet")
    if note.get("text") is not None:
        text, entities, field = note["text"], note.get("entities"), "note_tweet.text"
    else:
        text, entities, field = raw.get("text"), raw.get("entities"), "text"
    if text is None:
        raise RecordError("missing", "text")
    if not isinstance(text, str):
        raise RecordError(f"expected a string, got {type(text).__name__}", field)
    return text, _dict(entities or raw.get("entities"), "entities")


def _entity_values(entities: dict[str, Any], kind: str, key: str) -> list[str]:
    return [e[key] for e in _list(entities.get(kind), f"entities.{kind}") if isinstance(e, dict) and e.get(key)]


def _urls(entities: dict[str, Any]) -> list[str]:
    # v2 lists attached photos and videos among the urls too (with a media_key); they are media.
    found = _list(entities.get("urls"), "entities.urls")
    return [
        u.get("expanded_url") or u["url"]
        for u in found
        if isinstance(u, dict) and u.get("url") and "media_key" not in u
    ]


def _without_media_links(text: str, entities: dict[str, Any]) -> str:
    """The text without the t.co links of attached photos and videos.

    X shows the attachment in their place; left in, the edge would take a t.co link for the
    post's only URL, where ``urls`` holds the expanded targets of the real links.
    """
    media_links = [
        link["url"]
        for link in _list(entities.get("urls"), "entities.urls")
        if isinstance(link, dict) and "media_key" in link and isinstance(link.get("url"), str) and link["url"]
    ]
    for url in media_links:
        text = text.replace(url, "")
    return text.rstrip() if media_links else text


def _media(raw: dict[str, Any], page: Page) -> list[str]:
    attachments = _dict(raw.get("attachments"), "attachments")
    media = attachments.get("media")  # embedded by twarc2 flatten
    if not isinstance(media, list):
        keys = _list(attachments.get("media_keys"), "attachments.media_keys")
        media = [page.media.get(str(key), {"media_key": key}) for key in keys]
    return [
        m.get("url") or m.get("preview_image_url") or m.get("type") or "media" for m in media if isinstance(m, dict)
    ]


def _embedded_tweet(ref: dict[str, Any], page: Page) -> dict[str, Any] | None:
    """A referenced tweet's body: merged into the reference by twarc2 flatten, else in includes."""
    if isinstance(ref.get("tweet"), dict):
        return ref["tweet"]  # type: ignore[no-any-return]
    if "text" in ref or "note_tweet" in ref:
        return {key: value for key, value in ref.items() if key != "type"}
    return page.tweets.get(str(ref["id"]))


def _related_users(raw: dict[str, Any], entities: dict[str, Any], page: Page, platform: str) -> list[User]:
    """Full user objects of the replied-to and mentioned accounts, where the response has them."""
    candidates: list[Any] = [raw.get("in_reply_to_user") or page.users.get(str(raw.get("in_reply_to_user_id")))]
    for mention in _list(entities.get("mentions"), "entities.mentions"):
        if isinstance(mention, dict):
            # twarc2 flatten merges the user object into the mention; else look it up by id.
            candidates.append(mention if "name" in mention else page.users.get(str(mention.get("id"))))
    users: list[User] = []
    for candidate in candidates:
        if not isinstance(candidate, dict):
            continue
        try:
            user = user_from_v2(candidate, platform)
        except RecordError:
            continue  # a malformed bystander must not cost the tweet
        if user is not None:
            users.append(user)
    return users
