"""What a pseudonymised value must not contain, found in one string, and shown masked.

The store-only scan (``privacy.residue``) has no list of identifiers to look for: it looks
for the shapes the edge removes. The patterns are the edge's own (``MENTION_RE``,
``EMAIL_RE``, ``PHONE_RE``, the URL rules of ``privacy.urls``), so a finding is a value the
edge would have rewritten, in a place it did not reach (a derived table, an old store, a
column written by hand). Every value comes back masked (``Hit.shown``): the scan's own
output must not repeat what it found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from socialens.privacy.pseudonyms import normalise_public
from socialens.privacy.urls import DID_RE, HINT_RE, rewrite_url
from socialens.text.extract import MENTION_RE, URL_RE, trim_url
from socialens.text.scrub import _PHONE_HINT, EMAIL_RE, PHONE_RE

#: What the edge writes for an account: ``u_`` (ids) or ``h_`` (handles) and 16 hex digits.
PSEUDONYM_RE = re.compile(r"[uh]_[0-9a-f]{16}")
# The start of one, where an excerpt was cut (analysis results keep the first characters of texts).
_CUT_PSEUDONYM = re.compile(r"[uh]_[0-9a-f]{1,15}")
_CUT_MARKS = ('"', "…", "")
#: The kinds of finding, in the order the scan reports them.
KINDS = ("handle", "email", "phone", "profile_url", "raw_id", "name", "metadata")
# A phone match made of digits only (no '+', no separator) that is a whole value or a whole
# quoted JSON string is an id (an 11-digit tweet id of 2010 reads like a Chinese mobile number).
_BARE_DIGITS = re.compile(r"\d+")
_TIME_BEFORE = re.compile(r"\d:\d\d\s$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One value found: its kind and how the scan shows it (masked)."""

    kind: str
    shown: str


def mask(value: str) -> str:
    """A value as the scan shows it: its first characters and its length, never the value.

    >>> mask("lena_kowalski"), mask("bob"), mask("did:plc:ewvi7nxzyoun6zhxrhs64oiz")
    ('le***(13)', 'b***(3)', 'did:plc:ew***(32)')
    """
    if value.startswith(("did:plc:", "did:web:")):
        return f"{value[:10]}***({len(value)})"
    keep = 2 if len(value) >= 6 else 1
    return f"{value[:keep]}***({len(value)})"


def mask_email(address: str) -> str:
    """``bob.smith@example.co.uk`` -> ``b***@e***.uk``."""
    local, _, domain = address.partition("@")
    tld = domain.rsplit(".", 1)[-1]
    return f"{local[:1]}***@{domain[:1]}***.{tld}"


def mask_phone(number: str) -> str:
    """Every digit but the last two hidden, separators kept: ``+44 20 7946 0958`` -> ``+** ** **** **58``."""
    digits = sum(c.isdigit() for c in number)
    out, seen = [], 0
    for c in number:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - 2 else "*")
        else:
            out.append(c)
    return "".join(out)


def is_pseudonym(value: str) -> bool:
    return PSEUDONYM_RE.fullmatch(value) is not None


class ResidueFinder:
    """Finds raw handles, contact details, account URLs and DIDs in a string.

    ``public``: accounts readable on purpose (``[platform:]handle``), not findings.
    ``accounts``: False for a store that keeps raw identifiers by choice (only contact
    details are then findings).

    >>> finder = ResidueFinder(public=["united"])
    >>> [h.kind for h in finder.find("@united @h_0123456789abcdef thanks @lena_k, mail bob@example.org")]
    ['handle', 'email']
    >>> [h.shown for h in finder.find("https://x.com/lena_k/status/1 or +44 20 7946 0958")]
    ['x.com/le***(6)', '+** ** **** **58']
    """

    def __init__(self, public: Iterable[str] = (), accounts: bool = True) -> None:
        self.public = frozenset(normalise_public(p).rpartition(":")[2] for p in public if p.strip())
        self.accounts = accounts

    def readable(self, handle: str, cut: bool = False) -> bool:
        """Whether a handle, as stored, is allowed: a pseudonym or a public account (``cut``: the
        text ends right after it, so it may be a pseudonym cut short)."""
        bare = handle.lstrip("@＠").lower()
        local = bare.partition("@")[0]  # a fediverse handle names its server: user@host
        if cut and _CUT_PSEUDONYM.fullmatch(local):
            return True
        return is_pseudonym(local) or bare in self.public or local in self.public

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        rest = text
        if "://" in text or "www." in text.lower():
            rest = URL_RE.sub(lambda m: self._url(trim_url(m.group(0)), hits, _cut_at(text, m.end())), text)
        if self.accounts:
            if "@" in rest or "＠" in rest:
                for match in MENTION_RE.finditer(rest):
                    if not self.readable(match.group(1), _cut_at(rest, match.end())):
                        hits.append(Hit("handle", "@" + mask(match.group(1))))
            if "did" in rest:
                hits.extend(Hit("raw_id", mask(m.group(0))) for m in DID_RE.finditer(rest))
        if "@" in rest:
            hits.extend(Hit("email", mask_email(m)) for m in EMAIL_RE.findall(rest))
        if _PHONE_HINT.search(rest):
            for match in PHONE_RE.finditer(rest):
                if not _not_a_phone(rest, match.start(), match.end()):
                    hits.append(Hit("phone", mask_phone(match.group(0))))
        return hits

    def _url(self, url: str, hits: list[Hit], cut: bool) -> str:
        """Record the account a URL names, where it is not a pseudonym; the URL leaves the text
        (its digits and ``/@name`` are not phone numbers or mentions)."""
        if not self.accounts or not HINT_RE.search(url):
            return " "
        host = url.split("://", 1)[-1].split("/", 1)[0].lower()

        def user(platform: str, value: str) -> str:
            if not (is_pseudonym(value) or (cut and url.endswith(value) and _CUT_PSEUDONYM.fullmatch(value))):
                hits.append(Hit("profile_url", f"{host}/{mask(value)}"))
            return value

        def handle(platform: str, value: str) -> str:
            if not self.readable(value, cut and url.endswith(value.partition("@")[0])):
                hits.append(Hit("profile_url", f"{host}/{mask(value.partition('@')[0])}"))
            return value

        rewrite_url(url, user, handle)
        return " "


def _cut_at(text: str, end: int) -> bool:
    """Whether ``text`` ends at ``end`` (or a JSON string does, or an ellipsis marks a cut)."""
    return text[end : end + 1] in _CUT_MARKS


def _not_a_phone(text: str, start: int, end: int) -> bool:
    """A time zone offset (``08:26:06 +0000 2023``: no country code starts with 0, and a time
    comes before it), or an id: digits only, the whole value or a whole JSON string."""
    if text.startswith("+", start):
        return text.startswith("+0", start) or _TIME_BEFORE.search(text, max(0, start - 10), start) is not None
    if not _BARE_DIGITS.fullmatch(text, start, end):
        return False
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (start == 0 and end == len(text)) or (before == after == '"')
