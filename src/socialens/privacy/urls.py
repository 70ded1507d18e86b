"""Identifiers inside URLs and post references, rewritten to pseudonyms.

A link names a person as surely as a mention does: ``twitter.com/<handle>/status/...``,
``bsky.app/profile/<did>``, Bluesky's CDN (``cdn.bsky.app/img/.../<did>/<cid>``), Mastodon's
``https://host/@user`` and ``/users/user/statuses/..``, Reddit's ``/u/<name>``, Weibo's
``weibo.com/u/<uid>``. The identifying path segment is replaced by the same pseudonym the
account gets everywhere else (handles by ``handle()``, ids by ``user()`` of the platform the
URL belongs to), so links still join; the rest of the URL is kept.

Rules cover the platforms socialens reads plus any ``/@name`` path (the fediverse, and the
same habit on TikTok, Medium, YouTube). Links to other sites are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# (platform, raw value) -> pseudonym (or the value itself where identifiers are kept)
Namer = Callable[[str, str], str]

_PARTS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)?(?P<host>[^/?#\s]*)(?P<path>[^?#]*)(?P<rest>.*)$", re.S)
# A DID anywhere in a URL or reference (also percent-encoded, as CDNs sometimes write it).
DID_RE = re.compile(r"did(?::|%3[Aa])(?:plc|web)(?::|%3[Aa])[A-Za-z0-9._\-]+(?:(?::|%3[Aa])[A-Za-z0-9._\-]+)*")
_TWITTER_HOSTS = frozenset(
    {"twitter.com", "x.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com", "fixvx.com", "nitter.net"}
)
# First path segments of twitter.com that are pages, not accounts.
_TWITTER_PAGES = frozenset(
    {
        *("i", "search", "hashtag", "intent", "home", "explore", "settings", "share", "messages"),
        *("notifications", "compose", "login", "logout", "signup", "tos", "privacy", "about"),
        *("download", "account", "lists", "statuses", "status", "oauth", "jobs", "rules"),
    }
)
_WEIBO_HOSTS = frozenset({"weibo.com", "weibo.cn", "m.weibo.cn", "s.weibo.com"})
# Cheap test before any parsing: what an identifying URL must contain.
HINT_RE = re.compile(r"(?i)twitter\.com|x\.com|bsky\.app|did(?::|%3a)|reddit\.com|weibo\.c|/@|/users/|\bat://")
# Where a second URL starts inside what the URL pattern took for one: Markdown writes links as
# ``[url](url)`` and archives put the archived URL in their path; each names its own account.
_INNER_URL = re.compile(r"(?i)(?<=.)(?=https?://)")
_GLUE = re.compile(r"[\[\]|]")
# The same test as an RE2 pattern, for Arrow and DuckDB (``\b`` and ``(?i)`` mean the same there).
HINT_RE2 = HINT_RE.pattern


def _bare_host(host: str) -> str:
    host = host.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    for prefix in ("www.", "mobile.", "m.", "old.", "new.", "np.", "i."):
        if host.startswith(prefix) and host.count(".") > 1 and host != "m.weibo.cn":
            return host[len(prefix) :]
    return host


def rewrite_url(url: str, name_user: Namer, name_handle: Namer) -> str:
    """``url`` with the account it names replaced by pseudonyms from ``name_user``/``name_handle``.

    >>> u, h = (lambda p, v: f"U({p}:{v})"), (lambda p, v: f"H({p}:{v})")
    >>> rewrite_url("https://twitter.com/Bob/status/1?s=20", u, h)
    'https://twitter.com/H(twitter:Bob)/status/1?s=20'
    >>> rewrite_url("https://mastodon.social/@carol/1099", u, h)
    'https://mastodon.social/@H(mastodon:carol@mastodon.social)/1099'
    >>> rewrite_url("https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:abc/bafk@jpeg", u, h)
    'https://cdn.bsky.app/img/feed_fullsize/plain/U(bluesky:did:plc:abc)/bafk@jpeg'
    >>> rewrite_url("https://www.reddit.com/user/spez/comments/", u, h)
    'https://www.reddit.com/user/H(reddit:spez)/comments/'
    >>> rewrite_url("https://example.org/a/b", u, h)
    'https://example.org/a/b'
    >>> rewrite_url("https://x.com/Bob](https://mastodon.social/@carol/1)", u, h)  # Markdown's [url](url)
    'https://x.com/H(twitter:Bob)](https://mastodon.social/@H(mastodon:carol@mastodon.social)/1)'
    >>> rewrite_url("https://reddit.com/user/ann)|[bo](https://reddit.com/u/bo)|", u, h)  # a Markdown table
    'https://reddit.com/user/H(reddit:ann))|[bo](https://reddit.com/u/H(reddit:bo))|'
    """
    if not HINT_RE.search(url):
        return url
    if _INNER_URL.search(url):
        return "".join(_rewrite_glued(part, name_user, name_handle) for part in _INNER_URL.split(url))
    return _rewrite_one(url, name_user, name_handle)


def _rewrite_glued(part: str, name_user: Namer, name_handle: Namer) -> str:
    """One of several URLs written together: up to the first ``[``, ``]`` or ``|`` (never part of
    a URL, always part of the Markdown around it), less a closing parenthesis it did not open."""
    glue = _GLUE.search(part)
    core = part[: glue.start()] if glue else part
    while core.endswith(")") and core.count("(") < core.count(")"):
        core = core[:-1]
    return _rewrite_one(core, name_user, name_handle) + part[len(core) :]


def _rewrite_one(url: str, name_user: Namer, name_handle: Namer) -> str:
    parts = _PARTS.match(url)
    if parts is None:  # pragma: no cover - the pattern matches every string
        return url
    scheme, host, path, rest = parts.group("scheme", "host", "path", "rest")
    if scheme and scheme.lower() == "at://":
        return rewrite_dids(url, name_user)
    segments = path.split("/")
    _rewrite_segments(_bare_host(host), host, segments, name_user, name_handle)
    return rewrite_dids(f"{scheme or ''}{host}{'/'.join(segments)}{rest}", name_user)


def rewrite_dids(text: str, name_user: Namer) -> str:
    """Every DID in ``text`` (Bluesky account ids) replaced by ``name_user``'s pseudonym."""
    if "did" not in text:
        return text
    return DID_RE.sub(lambda m: name_user("bluesky", m.group(0).replace("%3A", ":").replace("%3a", ":")), text)


def _rewrite_segments(host: str, raw_host: str, segments: list[str], name_user: Namer, name_handle: Namer) -> None:
    """Rewrite the identifying segment of ``segments`` (``path.split("/")``, so [0] is "") in place."""
    first = segments[1] if len(segments) > 1 else ""
    if host in _TWITTER_HOSTS or host.endswith(".twitter.com"):
        if first.lower() == "i" and len(segments) > 3 and segments[2] == "user":
            segments[3] = name_user("twitter", segments[3])
        elif first and first.lower() not in _TWITTER_PAGES:
            segments[1] = name_handle("twitter", first.lstrip("@"))
    elif host == "bsky.app" and first == "profile" and len(segments) > 2 and segments[2]:
        if not DID_RE.fullmatch(segments[2]):  # a DID is rewritten with every other DID
            segments[2] = name_handle("bluesky", segments[2])
    elif host.endswith("reddit.com") or host == "redd.it":
        for i in range(1, len(segments) - 1):
            if segments[i].lower() in ("u", "user") and segments[i + 1]:
                segments[i + 1] = name_handle("reddit", segments[i + 1])
                break
    elif host in _WEIBO_HOSTS:
        _rewrite_weibo(segments, name_user, name_handle)
    else:
        _rewrite_fediverse(raw_host.lower(), segments, name_handle)


def _rewrite_weibo(segments: list[str], name_user: Namer, name_handle: Namer) -> None:
    first = segments[1] if len(segments) > 1 else ""
    second = segments[2] if len(segments) > 2 else ""
    if first in ("u", "profile") and second:
        segments[2] = name_user("weibo", second)
    elif first == "n" and second:
        segments[2] = name_handle("weibo", second)
    elif first.isdigit():  # weibo.com/<uid>/<mid>
        segments[1] = name_user("weibo", first)


def _rewrite_fediverse(host: str, segments: list[str], name_handle: Namer) -> None:
    """``/@user``, ``/@user@other.host`` and ActivityPub's ``/users/user``: ``user@host`` handles."""
    for i, segment in enumerate(segments):
        if segment.startswith("@") and len(segment) > 1:
            user = segment[1:]
            segments[i] = "@" + name_handle("mastodon", user if "@" in user else f"{user}@{host}")
            return
    if len(segments) > 2 and segments[1] == "users" and segments[2]:
        segments[2] = name_handle("mastodon", f"{segments[2]}@{host}")
