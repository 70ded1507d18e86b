"""Mastodon's entities read field by field: accounts, mentions, HTML text, ActivityPub ids."""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from socialens.errors import RecordError
from socialens.ingest.timeparse import parse_time
from socialens.schema import User
from socialens.text.normalize import strip_html

# ActivityPub ids of Mastodon statuses and actors, as an archive's outbox.json has them.
_AP_STATUS = re.compile(r"^https?://([^/]+)/users/[^/]+/statuses/([^/]+?)(?:/activity)?/?$")
_AP_ACTOR = re.compile(r"^https?://([^/]+)/(?:users/|@)([^/@]+)/?$")
_PROFILE_URL = re.compile(r"^https?://([^/]+)/(?:@|users/)([\w.\-]+)/?$")
_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def user_from_account(account: dict[str, Any], field: str) -> User:
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct:
        raise RecordError("missing", f"{field}.acct")
    handle = full_acct(acct, account.get("url") or account.get("uri"))
    if handle is None:
        raise RecordError("a local account without a url to tell its instance", f"{field}.url")
    return User(
        id=handle.lower(),
        platform="mastodon",
        handle=handle,
        name=account.get("display_name") or None,
        description=status_text(account.get("note") or "", {}) or None,
        created_at=parse_time(account.get("created_at"), f"{field}.created_at"),
        followers=count(account, "followers_count"),
        following=count(account, "following_count"),
    )


def full_acct(acct: str, url: Any) -> str | None:
    """``user@instance``: ``acct`` is just ``user`` for an account on the answering server."""
    if "@" in acct:
        return acct.lstrip("@")
    host = host_of(url)
    return f"{acct}@{host}" if host else None


def mentioned_accounts(raw: Any) -> dict[str, tuple[str, str | None]]:
    """The mentioned accounts: full ``user@instance`` address to (username, profile url)."""
    found: dict[str, tuple[str, str | None]] = {}
    for mention in raw if isinstance(raw, list) else []:
        if isinstance(mention, dict) and isinstance(mention.get("acct"), str):
            url = mention.get("url") if isinstance(mention.get("url"), str) else None
            full = full_acct(mention["acct"], url)
            if full:
                found[full] = (str(mention.get("username") or full.split("@")[0]), url)
    return found


def status_text(content: str, mentions: dict[str, tuple[str, str | None]]) -> str:
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


def media_url(attachment: dict[str, Any]) -> str:
    return str(attachment.get("url") or attachment.get("remote_url") or attachment.get("type") or "media")


def language(value: Any) -> str | None:
    return (value.split("-")[0].lower() or None) if isinstance(value, str) and value else None


def count(raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def host_of(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    return host.lower() if host else None


def ap_ref(uri: Any, field: str) -> str:
    """An ActivityPub status id as a post id: ``host:id`` for Mastodon, the URI otherwise."""
    if not isinstance(uri, str) or not uri:
        raise RecordError("missing or not a URI", field)
    match = _AP_STATUS.match(uri)
    return f"{match.group(1).lower()}:{match.group(2)}" if match else uri


def actor_acct(uri: Any, field: str) -> str:
    match = _AP_ACTOR.match(uri) if isinstance(uri, str) else None
    if not match:
        raise RecordError(f"not an actor URI: {uri!r}", field)
    return f"{match.group(2)}@{match.group(1)}".lower()


def is_status(item: Any) -> bool:
    account = item.get("account") if isinstance(item, dict) else None
    return isinstance(account, dict) and "acct" in account and "id" in item and ("content" in item or "reblog" in item)


def is_activity(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") in ("Create", "Announce")
