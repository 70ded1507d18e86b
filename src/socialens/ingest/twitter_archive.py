"""X/Twitter account archive ("Download an archive of your data"): ``data/tweets.js``.

The archive's files are JavaScript, ``window.YTD.tweets.part0 = [...]``, holding v1.1-like
tweets with every number written as a string and no ``user`` object: every tweet is the
account owner's, and who that is lives in the sibling ``account.js``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from socialens.errors import InputFileError, RecordError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.readers import RawItem, Reject, Source, load_json_document
from socialens.ingest.timeparse import parse_time
from socialens.ingest.twitter_v2 import to_count
from socialens.registry import register
from socialens.schema import Post, Record, User

_YTD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.YTD\.(\w+)\.part(\d+)\s*=\s*\[")
# tweets.js since late 2022, tweet.js before.
_TWEET_FILES = ("tweets", "tweet")
_SIBLING_SUFFIXES = ("", ".gz", ".bz2", ".xz", ".zst")
# What is kept of account.js: it also holds the owner's e-mail and phone, which must not
# travel any further (not even into a reject's excerpt).
_ACCOUNT_FIELDS = ("accountId", "username", "accountDisplayName", "createdAt")


@register("ingest.twitter_archive.v1")
class TwitterArchiveImporter(Importer):
    """The tweets of one account's archive, authored by the archive's owner.

    The owner is ``account_id`` when given, else the ``accountId`` in ``account.js`` beside
    the tweets file (as unpacked from the archive). Retweets are kept as the archive has them,
    ``RT @user: ...`` texts without the original's id, so ``repost_of`` stays empty; quotes
    are plain links to the quoted tweet, so ``quote_of`` does too.
    """

    format_name = "twitter-archive"
    platform = "twitter"

    def __init__(self, account_id: str | None = None) -> None:
        self.account_id = account_id

    def sniff(self, sample: Sample) -> float:
        match = _YTD.match(sample.head)
        return 0.99 if match and match.group(1).decode() in _TWEET_FILES else 0.0

    def iter_raw(self, source: Source) -> Iterator[RawItem | Reject]:
        head = source.head(512)
        if not head.strip():
            return
        kind = _data_kind(source.path, head)
        if kind not in _TWEET_FILES:
            raise InputFileError(
                source.path, f"this is the archive's {kind!r} data, not tweets; pass data/tweets.js (or tweet.js)"
            )
        document = load_json_document(source, prefix_until=b"[")
        if not isinstance(document, list):
            raise InputFileError(source.path, "expected a JSON array after 'window.YTD.tweets.part0 ='")
        if not document:
            return
        self.owner_, account = self._find_owner(source.path)
        if account is not None:
            yield RawItem({"account": account}, 0)
        for index, item in enumerate(document, start=1):
            yield RawItem(item, index)

    def map_item(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict):
            raise RecordError("expected a JSON object for an archive entry")
        if isinstance(raw.get("account"), dict):
            return [self._owner_user(raw["account"])]
        # Archives from 2019 list the tweets themselves; later ones wrap each in {"tweet": ...}.
        tweet = raw.get("tweet", raw)
        if not isinstance(tweet, dict):
            raise RecordError(f"expected an object, got {type(tweet).__name__}", "tweet")
        return [self._post(tweet)]

    def _post(self, tweet: dict[str, Any]) -> Post:
        tweet_id = _string(tweet.get("id_str") or tweet.get("id"), "id_str")
        if not tweet_id:
            raise RecordError("missing", "id_str")
        text = tweet.get("full_text", tweet.get("text"))
        if text is None:
            raise RecordError("missing", "full_text")
        if not isinstance(text, str):
            raise RecordError(f"expected a string, got {type(text).__name__}", "full_text")
        author = getattr(self, "owner_", None) or (str(self.account_id) if self.account_id else None)
        if not author:
            raise RecordError("no account owner known; pass --option account_id=<numeric id>", "author")
        entities = _dict(tweet.get("entities"), "entities")
        media = _dict(tweet.get("extended_entities"), "extended_entities").get("media") or entities.get("media")
        return Post(
            id=tweet_id,
            platform=self.platform,
            author=author,
            created_at=parse_time(tweet.get("created_at")),
            text=text,
            lang=None,  # left to the edge's language id, as for every platform
            reply_to=_string(
                tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"),
                "in_reply_to_status_id_str",
            ),
            hashtags=_entity_values(entities, "hashtags", "text"),
            mentions=_entity_values(entities, "user_mentions", "screen_name"),
            urls=[u.get("expanded_url") or u["url"] for u in _list(entities, "urls") if u.get("url")],
            media=[m.get("media_url_https") or m.get("type") or "media" for m in media or [] if isinstance(m, dict)],
            like_count=to_count(tweet.get("favorite_count"), "favorite_count"),
            repost_count=to_count(tweet.get("retweet_count"), "retweet_count"),
        )

    def _owner_user(self, account: dict[str, Any]) -> User:
        return User(
            id=_string(account.get("accountId"), "account.accountId") or "",
            platform=self.platform,
            handle=_string(account.get("username"), "account.username"),
            name=_string(account.get("accountDisplayName"), "account.accountDisplayName"),
            description=_string(account.get("bio"), "profile.description.bio"),
            created_at=parse_time(account.get("createdAt"), "account.createdAt"),
        )

    def _find_owner(self, path: Path) -> tuple[str, dict[str, Any] | None]:
        """The owner's id, and the owner's account entry when account.js names the same one."""
        account = _read_account(path.parent)
        found = _string(account.get("accountId"), "account.accountId") if account else None
        owner = (str(self.account_id) if self.account_id else None) or found
        if not owner:
            raise InputFileError(
                path,
                "cannot tell whose archive this is: no account.js with an accountId beside it. "
                "Ingest tweets.js from the unpacked archive's data/ folder, or pass the owner's "
                "numeric id with --option account_id=<id>",
            )
        return str(owner), account if account and str(found) == str(owner) else None


def _data_kind(path: Path, head: bytes) -> str:
    match = _YTD.match(head)
    if match is None:
        raise InputFileError(path, "not an X/Twitter archive file: expected it to start 'window.YTD.tweets.part0 = ['")
    return match.group(1).decode()


def _read_account(folder: Path) -> dict[str, Any] | None:
    """The owner from ``account.js`` (with the bio from ``profile.js``), if the archive has them."""
    account = _read_sibling(folder, "account", "account")
    if account is None:
        return None
    kept = {key: account[key] for key in _ACCOUNT_FIELDS if key in account}
    profile = _read_sibling(folder, "profile", "profile") or {}
    bio = profile.get("description", {}).get("bio") if isinstance(profile.get("description"), dict) else None
    if bio:
        kept["bio"] = bio
    return kept


def _read_sibling(folder: Path, name: str, key: str) -> dict[str, Any] | None:
    """The first entry's ``key`` object of ``<name>.js`` in ``folder`` (compressed or not)."""
    for suffix in _SIBLING_SUFFIXES:
        path = folder / f"{name}.js{suffix}"
        if path.is_file():
            source = Source(path)
            if _data_kind(path, source.head(512)) != name:
                return None
            try:
                entries = load_json_document(source, prefix_until=b"[")
            except InputFileError:
                return None
            first = entries[0] if isinstance(entries, list) and entries else None
            value = first.get(key) if isinstance(first, dict) else None
            return value if isinstance(value, dict) else None
    return None


def _string(value: Any, field: str) -> str | None:
    """An id or text field: the archive writes ids as strings, some copies as numbers."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"expected a string, got {type(value).__name__}", field)


def _dict(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise RecordError(f"expected an object, got {type(value).__name__}", field)


def _list(entities: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    value = entities.get(kind) or []
    if not isinstance(value, list):
        raise RecordError(f"expected a list, got {type(value).__name__}", f"entities.{kind}")
    return [item for item in value if isinstance(item, dict)]


def _entity_values(entities: dict[str, Any], kind: str, key: str) -> list[str]:
    return [e[key] for e in _list(entities, kind) if isinstance(e.get(key), str) and e[key]]
