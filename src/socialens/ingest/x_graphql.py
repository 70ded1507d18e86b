"""X web GraphQL responses, as twscrape and similar scrapers save them (``TweetDetail``,
``UserTweets``, ``SearchTimeline``, ``Followers`` ...): one response a file, or one a line.

A response nests its tweets deep in timeline instructions; every node whose ``__typename`` is
``Tweet`` is one (``TweetWithVisibilityResults`` wraps one), and every ``User`` node met
outside a tweet is an account (follower lists, profile look-ups). A tweet carries its author
(``core.user_results``), the tweet it retweets (``legacy.retweeted_status_result``) and the
one it quotes (``quoted_status_result``); those come in too, so the edges point at stored posts.
User objects changed shape in 2025: ``core.screen_name`` and ``relationship_counts`` where
older responses have ``legacy.screen_name`` and ``legacy.followers_count``; both are read.
"""

from __future__ import annotations

from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.timeparse import parse_time
from socialens.ingest.twitter_v2 import to_count
from socialens.registry import register
from socialens.schema import Post, Record, User

_TWEET = "Tweet"
_WRAPPED = "TweetWithVisibilityResults"  # a tweet with a notice (age or country restrictions)
_USER = "User"
# Responses nest a few dozen levels; a file nesting deeper than this is not a response.
_MAX_DEPTH = 200
_HEAD_MARKERS = (b'"__typename"', b'"rest_id"')


@register("ingest.x_graphql.v1")
class XGraphqlImporter(Importer):
    """Tweets and accounts out of X web GraphQL responses (platform ``twitter``, the same ids
    as the API importers, so the same tweet from either source is one post)."""

    format_name = "x-graphql"
    platform = "twitter"

    def sniff(self, sample: Sample) -> float:
        head = sample.head
        if all(marker in head for marker in _HEAD_MARKERS):
            return 0.9 if (b'"Tweet"' in head or b'"User"' in head) else 0.6
        return 0.0

    def split(self, data: Any) -> list[Any]:
        """Every tweet node (not inside another tweet) and every user node outside tweets."""
        found: list[Any] = []
        stack: list[tuple[Any, int]] = [(data, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > _MAX_DEPTH:
                continue
            if isinstance(node, list):
                stack.extend((item, depth + 1) for item in reversed(node))
            elif isinstance(node, dict):
                kind = node.get("__typename")
                # a profile's timeline (UserTweets, Followers) hangs under a User without an id
                if kind in (_TWEET, _WRAPPED) or (kind == _USER and "rest_id" in node):
                    found.append(node)
                else:
                    stack.extend((value, depth + 1) for value in reversed(node.values()))
        return found

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object (a GraphQL Tweet or User node)")
        kind = raw.get("__typename")
        out: list[Record] = []
        if kind == _USER:
            user = _user(raw)
            return [user] if user is not None else []
        if kind not in (_TWEET, _WRAPPED):
            raise RecordError(f"not an X GraphQL Tweet or User node (__typename {kind!r})", "__typename")
        self._tweet(raw, out, depth=0)
        return out

    def _tweet(self, node: dict[str, Any], out: list[Record], depth: int) -> str:
        node = _unwrap(node)
        legacy = _object(node, "legacy")
        tweet_id = _string(node.get("rest_id") or legacy.get("id_str"), "rest_id")
        text, entities = _text(node, legacy)
        author = _user(_result(node.get("core"), "user_results"))
        author_id = author.id if author else _optional(legacy.get("user_id_str"), "legacy.user_id_str")
        retweeted = _result(legacy, "retweeted_status_result")
        quoted = _result(node, "quoted_status_result")
        post = Post(
            id=tweet_id,
            platform=self.platform,
            author=author_id,
            created_at=parse_time(legacy.get("created_at"), "legacy.created_at"),
            text=text,
            reply_to=_optional(legacy.get("in_reply_to_status_id_str"), "legacy.in_reply_to_status_id_str"),
            repost_of=self._embedded(retweeted, out, depth),
            quote_of=self._embedded(quoted, out, depth)
            or _optional(legacy.get("quoted_status_id_str"), "legacy.quoted_status_id_str"),
            hashtags=_values(entities, "hashtags", "text"),
            mentions=_values(entities, "user_mentions", "screen_name"),
            urls=_values(entities, "urls", "expanded_url"),
            media=_media(legacy),
            like_count=to_count(legacy.get("favorite_count"), "legacy.favorite_count"),
            repost_count=to_count(legacy.get("retweet_count"), "legacy.retweet_count"),
            reply_count=to_count(legacy.get("reply_count"), "legacy.reply_count"),
            quote_count=to_count(legacy.get("quote_count"), "legacy.quote_count"),
            bookmark_count=to_count(legacy.get("bookmark_count"), "legacy.bookmark_count"),
            impression_count=to_count(_object(node, "views").get("count"), "views.count"),
        )
        out.append(post)
        if author is not None:
            out.append(author)
        return tweet_id

    def _embedded(self, node: dict[str, Any] | None, out: list[Record], depth: int) -> str | None:
        """A retweeted or quoted tweet: imported when it can be, else linked by its id."""
        if node is None or node.get("__typename") not in (_TWEET, _WRAPPED):
            return None  # TweetTombstone (deleted, withheld) or nothing
        if depth >= 2:
            inner = _unwrap(node)
            return _optional(inner.get("rest_id"), "rest_id")
        records: list[Record] = []
        try:
            tweet_id = self._tweet(node, records, depth + 1)
        except RecordError:
            inner = _unwrap(node)
            return inner.get("rest_id") if isinstance(inner.get("rest_id"), str) else None
        out.extend(records)
        return tweet_id


def _user(node: dict[str, Any] | None) -> User | None:
    """An account from a User node, new shape (``core``) or old (``legacy``); None if unusable."""
    if node is None or node.get("__typename") != _USER or not isinstance(node.get("rest_id"), str):
        return None
    core, legacy = _object(node, "core"), _object(node, "legacy")
    counts = _object(node, "relationship_counts")
    verification = _object(node, "verification")
    verified = verification.get("verified", legacy.get("verified"))
    return User(
        id=node["rest_id"],
        platform="twitter",
        handle=_optional(core.get("screen_name") or legacy.get("screen_name"), "core.screen_name"),
        name=_optional(core.get("name") or legacy.get("name"), "core.name"),
        description=_optional(_object(node, "profile_bio").get("description") or legacy.get("description"), "bio"),
        created_at=parse_time(core.get("created_at") or legacy.get("created_at"), "core.created_at"),
        followers=to_count(counts.get("followers", legacy.get("followers_count")), "followers"),
        following=to_count(counts.get("following", legacy.get("friends_count")), "following"),
        verified=verified if isinstance(verified, bool) else None,
    )


def _unwrap(node: dict[str, Any]) -> dict[str, Any]:
    if node.get("__typename") == _WRAPPED:
        inner = node.get("tweet")
        if not isinstance(inner, dict):
            raise RecordError("missing or not an object", "tweet")
        return inner
    return node


def _text(node: dict[str, Any], legacy: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A long post's whole text is in ``note_tweet``; ``legacy.full_text`` is cut at 280."""
    note = _result(node.get("note_tweet"), "note_tweet_results")
    entities = _object(legacy, "entities")
    if note is not None and isinstance(note.get("text"), str):
        return note["text"], {**entities, **_object(note, "entity_set")}
    text = legacy.get("full_text")
    if not isinstance(text, str):
        raise RecordError("missing or not a string", "legacy.full_text")
    # Attached photos and videos show in place of their t.co link: drop it from the text.
    for media in _list(_object(legacy, "extended_entities").get("media") or entities.get("media")):
        if isinstance(media, dict) and isinstance(media.get("url"), str) and media["url"]:
            text = text.replace(media["url"], "").rstrip()
    return text, entities


def _media(legacy: dict[str, Any]) -> list[str]:
    media = _object(legacy, "extended_entities").get("media") or _object(legacy, "entities").get("media")
    return [str(m.get("media_url_https") or m.get("type") or "media") for m in _list(media) if isinstance(m, dict)]


def _values(entities: dict[str, Any], kind: str, key: str) -> list[str]:
    return [e[key] for e in _list(entities.get(kind)) if isinstance(e, dict) and isinstance(e.get(key), str) and e[key]]


def _result(parent: Any, key: str) -> dict[str, Any] | None:
    """``parent[key].result``: how GraphQL wraps every nested object."""
    holder = parent.get(key) if isinstance(parent, dict) else None
    result = holder.get("result") if isinstance(holder, dict) else None
    return result if isinstance(result, dict) else None


def _object(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"expected an object, got {type(value).__name__}", key)
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise RecordError("missing or not a string", field)
    return value


def _optional(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"expected a string, got {type(value).__name__}", field)
    return value
