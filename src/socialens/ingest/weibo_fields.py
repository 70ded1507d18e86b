"""Weibo post fields read from their HTML and crawler forms: text, mentions, links, pictures."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from socialens.errors import RecordError
from socialens.text.normalize import strip_html

_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# Emoticons are images whose alt text ("[笑cry]") is what the reader sees; keep it.
_EMOTICON = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.IGNORECASE)
_WEIBO_HOSTS = ("weibo.cn", "weibo.com", "sinaimg.cn")


def read_text(raw: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """Plain text, mentioned names and link targets of a post."""
    long_text = raw.get("longText")
    if isinstance(long_text, dict) and isinstance(long_text.get("longTextContent"), str):
        markup = long_text["longTextContent"]
    else:
        markup = raw.get("text") if raw.get("text") is not None else raw.get("content")
    if isinstance(raw.get("text_raw"), str):  # weibo.com: plain text beside the HTML
        _, mentions, urls = _read_markup(markup) if isinstance(markup, str) else ("", [], [])
        return raw["text_raw"], mentions, urls
    if not isinstance(markup, str):
        raise RecordError("missing or not a string", "text")
    return _read_markup(markup)


def _read_markup(markup: str) -> tuple[str, list[str], list[str]]:
    if "<" not in markup:
        return markup, [], []
    mentions: list[str] = []
    urls: list[str] = []

    def replace_anchor(match: re.Match[str]) -> str:
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(match[1])}
        label = strip_html(_EMOTICON.sub(_alt_text, match[2]))
        href = attrs.get("href", "")
        if href.startswith("/n/") or label.startswith("@"):
            mentions.append(unquote(href[3:]) if href.startswith("/n/") else label[1:])
        elif href.startswith("/status/") and label == "全文":
            return ""  # the "read more" link of a truncated post, not content
        elif link := _link_target(href, attrs.get("data-url")):
            urls.append(link)
        return label

    text = _ANCHOR.sub(replace_anchor, markup)
    text = strip_html(_EMOTICON.sub(_alt_text, text))
    return text, list(dict.fromkeys(mentions)), list(dict.fromkeys(urls))


def _alt_text(match: re.Match[str]) -> str:
    return (match[1] or match[2] or match[3] or "").rstrip("/")


def _link_target(href: str, data_url: str | None) -> str | None:
    """Where a link in a post leads: Weibo wraps external links in a redirect or a t.cn link."""
    if "sinaurl" in href:
        target = parse_qs(urlsplit(href).query).get("u")
        if target:
            return target[0]
    if data_url and data_url.startswith("http"):
        return data_url
    host = urlsplit(href).hostname or ""
    if href.startswith("http") and not host.endswith(_WEIBO_HOSTS):
        return href
    return None


def pictures(raw: dict[str, Any]) -> list[str]:
    """Picture URLs: API objects (``pics``, ``pic_infos``) or crawler comma-separated strings."""
    pics = raw.get("pics") or raw.get("original_pictures")
    found: list[str] = []
    if isinstance(pics, str):
        found = split_list(pics, ",")
    elif isinstance(pics, list):
        for pic in pics:
            if isinstance(pic, str):
                found.append(pic)
            elif isinstance(pic, dict):
                large = pic.get("large")
                url = large.get("url") if isinstance(large, dict) else None
                if url or pic.get("url"):
                    found.append(str(url or pic["url"]))
    infos = raw.get("pic_infos")
    if not found and isinstance(infos, dict):
        for info in infos.values():
            large = info.get("large") if isinstance(info, dict) else None
            if isinstance(large, dict) and large.get("url"):
                found.append(str(large["url"]))
    videos = raw.get("video_url")
    found += split_list(videos, ";") if isinstance(videos, str) else []
    # WeiboSpider writes "无" ("none") where a post has no pictures or video.
    return list(dict.fromkeys(url for url in found if url.startswith("http")))


def split_list(value: Any, separator: str) -> list[str]:
    if not isinstance(value, str):
        return [str(v) for v in value if v] if isinstance(value, list) else []
    return [part.strip() for part in value.split(separator) if part.strip()]
