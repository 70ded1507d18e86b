"""Reddit submissions and comments: Pushshift / Arctic Shift NDJSON dumps (``RS_*``, ``RC_*``).

The dumps are one JSON object a line, usually ``.zst`` compressed (the Source decompresses).
A line may also hold what the Reddit API returns (``{"kind": "t3", "data": {...}}``, a
``Listing`` page or a list of them), so saved API responses import too; such a line maps as
a whole. Lines stay independent, so big dumps are read in parallel chunks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from socialens.errors import RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.timeparse import parse_time
from socialens.registry import register
from socialens.schema import Post, Record, User
from socialens.text.extract import extract_urls

# Reddit keeps deleted and removed content in place and blanks the author's name.
_DELETED = frozenset({"[deleted]", "[removed]"})
# "u/name" and "/u/name" (3 to 20 of letters, digits, '_' and '-'), not inside a URL path.
_USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_][A-Za-z0-9_-]{2,19})(?![\w-])")
_MEDIA_HINTS = frozenset({"image", "hosted:video", "rich:video"})
_MEDIA_HOSTS = ("https://i.redd.it/", "https://v.redd.it/", "https://i.imgur.com/")
# Things of the API that are not posts (t2 account, t4 message, t5 subreddit, t6 award, ...).
_OTHER_KINDS = frozenset({"t2", "t4", "t5", "t6", "t8", "more", "LabeledMulti", "UserList", "TrophyList", "wikipage"})
# Comment trees nest a Listing in every reply; real threads stay far below this.
_MAX_NESTING = 400


@register("ingest.reddit.v1")
class RedditImporter(Importer):
    """Submissions (``t3``) and comments (``t1``) from Pushshift-style dumps.

    Post ids are the base36 ids without their ``t1_``/``t3_`` prefix, so a comment's
    ``parent_id`` and a crosspost's ``crosspost_parent`` point straight at stored posts.
    ``u/name`` mentions are rewritten as ``@name`` so the edge pseudonymises them in the text
    and derives mention edges, as for every other platform.
    """

    format_name = "reddit"
    platform = "reddit"

    def __init__(self, include_crossposted: bool = True) -> None:
        self.include_crossposted = include_crossposted

    def sniff(self, sample: Sample) -> float:
        first_json = sample.first_json
        if first_json is None:  # a broken first line: look for the keys every dump line has
            return 0.7 if b'"subreddit"' in sample.head and b'"created_utc"' in sample.head else 0.0
        # an inbox or a search lists messages and subreddits too: any post among the first will do
        for thing in islice(_walk(first_json), 100):
            if isinstance(thing, dict) and "subreddit" in thing and "created_utc" in thing:
                return 0.95
        return 0.0

    def split(self, data: Any) -> list[Any]:
        """Submissions and comments out of API listings, comment trees included; dump lines as is."""
        return list(_walk(data))

    def map_item(self, raw: Any) -> list[Record]:
        out: list[Record] = []
        for thing in _walk(raw):
            if not isinstance(thing, dict):
                raise RecordError("expected a JSON object for a submission or comment")
            _check_platform(thing)
            if _is_comment(thing):
                self._comment(thing, out)
            else:
                self._submission(thing, out, depth=0)
        return out

    def _submission(self, raw: dict[str, Any], out: list[Record], depth: int) -> str:
        post_id = _post_id(raw)
        title = raw.get("title")
        if not isinstance(title, str):
            raise RecordError("missing or not a string", "title")
        selftext = _text(raw, "selftext")
        repost_of = _strip_prefix(raw.get("crosspost_parent"), "crosspost_parent")
        originals = raw.get("crosspost_parent_list")
        original = originals[0] if isinstance(originals, list) and originals else None
        if depth == 0 and self.include_crossposted and isinstance(original, dict):
            repost_of = self._submission(original, out, depth + 1)
        link = raw.get("url") if not raw.get("is_self") else None
        link = html.unescape(link) if isinstance(link, str) and link.startswith("http") else None
        # Reddit escapes &, < and > in its JSON; the edge unescapes the text, URLs found here need it too.
        found = extract_urls(html.unescape(selftext))
        out.append(
            Post(
                id=post_id,
                platform=self.platform,
                author=self._author(raw, out),
                created_at=parse_time(raw.get("created_utc"), "created_utc"),
                text=_as_mentions(selftext),
                title=_as_mentions(title),
                community=_subreddit(raw),
                repost_of=repost_of,
                urls=list(dict.fromkeys([link, *found] if link else found)),
                media=[link] if link and _is_media(raw, link) else [],
                like_count=_count(raw, "score"),
                reply_count=_count(raw, "num_comments"),
                repost_count=_count(raw, "num_crossposts"),
                content_state=_placeholder(selftext),
            )
        )
        return post_id

    def _comment(self, raw: dict[str, Any], out: list[Record]) -> str:
        post_id = _post_id(raw)
        parent = _strip_prefix(raw.get("parent_id"), "parent_id") or _strip_prefix(raw.get("link_id"), "link_id")
        if parent is None:
            raise RecordError("missing: a comment needs parent_id or link_id", "parent_id")
        body = _text(raw, "body")
        out.append(
            Post(
                id=post_id,
                platform=self.platform,
                author=self._author(raw, out),
                created_at=parse_time(raw.get("created_utc"), "created_utc"),
                text=_as_mentions(body),
                community=_subreddit(raw),
                reply_to=parent,
                like_count=_count(raw, "score"),
                content_state=_placeholder(body),
            )
        )
        return post_id

    def _author(self, raw: dict[str, Any], out: list[Record]) -> str | None:
        """The author's raw id: the user name, unique and permanent on Reddit.

        Not ``author_fullname``: older dumps lack it, and the same person must get the same
        pseudonym across years of dumps.
        """
        name = raw.get("author")
        if name is None or name in _DELETED:
            return None
        if not isinstance(name, str) or not name:
            raise RecordError("expected a user name", "author")
        raw_id = name
        created = parse_time(raw.get("author_created_utc"), "author_created_utc")
        out.append(User(id=raw_id, platform=self.platform, handle=name, created_at=created))
        return raw_id


def _walk(data: Any, depth: int = 0) -> Iterator[Any]:
    """Submissions and comments out of API wrappers, a comment's ``replies`` after it;
    anything else passes through as is (for ``map_item`` to judge)."""
    if depth > _MAX_NESTING:
        return  # deeper than any real thread: a crafted file, not worth a crash
    if isinstance(data, dict) and not isinstance(data.get("kind"), (str, type(None))):
        yield data  # not an API wrapper (its "kind" is no name): map_item rejects it
        return
    if isinstance(data, list):
        for element in data:
            yield from _walk(element, depth + 1)
    elif isinstance(data, dict) and data.get("kind") == "Listing" and isinstance(data.get("data"), dict):
        children = data["data"].get("children")
        for child in children if isinstance(children, list) else []:
            yield from _walk(child, depth + 1)
    elif isinstance(data, dict) and data.get("kind") in ("t1", "t3") and isinstance(data.get("data"), dict):
        thing = data["data"]
        replies = thing.get("replies")
        if isinstance(replies, dict):  # a comment tree: the thing without its subtree, then the subtree
            yield {key: value for key, value in thing.items() if key != "replies"}
            yield from _walk(replies, depth + 1)
        else:
            yield thing
    elif isinstance(data, dict) and data.get("kind") in _OTHER_KINDS and isinstance(data.get("data"), dict):
        return  # accounts, messages, subreddits, "load more comments" stubs: not posts
    else:
        yield data


def _check_platform(thing: dict[str, Any]) -> None:
    """Reddit's things name their subreddit (dumps) or are t1_/t3_ fullnames (the API)."""
    name = thing.get("name")
    if "subreddit" in thing or "subreddit_id" in thing or (isinstance(name, str) and name[:3] in ("t1_", "t3_")):
        return
    raise RecordError("not a Reddit submission or comment: no 'subreddit' and no t1_/t3_ 'name'", "subreddit")


def _is_comment(raw: dict[str, Any]) -> bool:
    name = raw.get("name")
    if isinstance(name, str) and name[:3] in ("t1_", "t3_"):
        return name.startswith("t1_")
    return "body" in raw or ("parent_id" in raw and "title" not in raw)


def _post_id(raw: dict[str, Any]) -> str:
    value = raw.get("id")
    if value is None or value == "":
        value = _strip_prefix(raw.get("name"), "name")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise RecordError("missing or not a base36 string", "id")
    return value.split("_", 1)[1] if value[:3] in ("t1_", "t3_") else value


def _strip_prefix(fullname: Any, field: str) -> str | None:
    """``t3_abc`` -> ``abc``: posts are stored under their id without the kind prefix."""
    if fullname is None or fullname == "":
        return None
    if not isinstance(fullname, str):
        raise RecordError("expected a fullname such as 't3_abc123'", field)
    return fullname.split("_", 1)[1] if fullname[:1] == "t" and fullname[2:3] == "_" else fullname


def _text(raw: dict[str, Any], field: str) -> str:
    value = raw.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError("expected a string", field)
    return value


def _placeholder(text: str) -> str | None:
    """'deleted' or 'removed' where Reddit left its placeholder instead of the text."""
    stripped = text.strip()
    return stripped[1:-1] if stripped in _DELETED else None


def _subreddit(raw: dict[str, Any]) -> str | None:
    name = raw.get("subreddit")
    if name is not None and not isinstance(name, str):
        raise RecordError("expected a subreddit name", "subreddit")
    return name or None


def _count(raw: dict[str, Any], field: str) -> int | None:
    value = raw.get(field)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise RecordError(f"expected a whole number, got {value!r}", field)


def _as_mentions(text: str) -> str:
    """``u/name`` -> ``@name``, so the edge treats Reddit mentions like every other mention."""
    return _USER_MENTION.sub(r"@\1", text) if "u/" in text else text


def _is_media(raw: dict[str, Any], link: str) -> bool:
    return raw.get("post_hint") in _MEDIA_HINTS or bool(raw.get("is_video")) or link.startswith(_MEDIA_HOSTS)
