"""Keyed HMAC pseudonyms for user ids and handles, in fields, text and URLs.

The same key always gives the same pseudonym, so joins across files and runs still work;
without the key a pseudonym cannot be turned back into the identifier. The key comes from
``SOCIALENS_KEY``, the config file, or a key file generated and saved on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from socialens.errors import ConfigError

if TYPE_CHECKING:
    from socialens.config import PrivacyConfig
from socialens.privacy.urls import HINT_RE, rewrite_dids, rewrite_url
from socialens.text.extract import MENTION_RE, URL_RE, trim_url

KEY_ENV = "SOCIALENS_KEY"
KEY_FILE_ENV = "SOCIALENS_KEY_FILE"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "socialens"


def default_key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or config_dir() / "pseudonym.key")


def load_or_create_key(key_file: Path | None = None, configured: str | None = None) -> bytes:
    """The pseudonymisation key: environment, then configuration, then the key file.

    A missing key file is created (mode 0600) with 32 random bytes, hex-encoded.
    """
    value = os.environ.get(KEY_ENV) or configured
    if value:
        return value.encode("utf-8")
    path = key_file or default_key_file()
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if not text:
            raise ConfigError(f"{path}: the pseudonymisation key file is empty; delete it or set {KEY_ENV}")
        return text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """A public fingerprint of the key, kept in the store so two keys never mix in one store."""
    return hmac.new(key, b"socialens-key-fingerprint", hashlib.sha256).hexdigest()[:16]


class Pseudonymizer:
    """Maps raw user ids and handles to stable pseudonyms (``u_...`` and ``h_...``).

    With ``keep_identifiers=True`` everything passes through unchanged (explicit opt-in).
    ``public``: handles that stay readable on purpose (brands, institutions; lower-case,
    without '@'; ``platform:handle`` for one platform only). Their ids stay pseudonymised.

    >>> p = Pseudonymizer(b"k")
    >>> p.user("twitter", "42") == p.user("twitter", "42") != p.user("reddit", "42")
    True
    >>> p.handle("twitter", "@Bob").startswith("h_"), p.handle("twitter", "bob") == p.handle("twitter", "BOB")
    (True, True)
    >>> Pseudonymizer(b"k", public=["united"]).handle("twitter", "@United")
    'united'
    """

    def __init__(self, key: bytes, keep_identifiers: bool = False, public: Iterable[str] = ()) -> None:
        self.key = key
        self.keep_identifiers = keep_identifiers
        self.public = frozenset(normalise_public(h) for h in public if h.strip())
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"key": self.key, "keep_identifiers": self.keep_identifiers, "public": sorted(self.public)}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["key"], bool(state["keep_identifiers"]), state.get("public", ()))  # type: ignore[misc,arg-type]

    def _digest(self, prefix: str, message: str) -> str:
        cached = self._cache.get(message)
        if cached is None:
            digest = hmac.new(self.key, message.encode("utf-8"), hashlib.sha256).hexdigest()
            cached = prefix + digest[:16]
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[message] = cached
        return cached

    def user(self, platform: str, raw_id: str | None) -> str | None:
        if raw_id is None or raw_id == "":
            return None
        if self.keep_identifiers:
            return raw_id
        return self._digest("u_", f"u\x00{platform}\x00{raw_id}")

    def handle(self, platform: str, raw_handle: str | None) -> str | None:
        if not raw_handle:
            return None
        handle = raw_handle.lstrip("@＠")
        if self.keep_identifiers:
            return handle
        lowered = handle.lower()
        if self.public and (lowered in self.public or f"{platform}:{lowered}" in self.public):
            return lowered
        return self._digest("h_", f"h\x00{platform}\x00{lowered}")

    def is_public(self, platform: str, handle: str | None) -> bool:
        """Whether ``handle`` (raw or as stored) is one of the accounts kept readable on purpose."""
        if not handle or not self.public:
            return False
        lowered = handle.lstrip("@＠").lower()
        return lowered in self.public or f"{platform}:{lowered}" in self.public

    def _name_user(self, platform: str, raw_id: str) -> str:
        return self.user(platform, raw_id) or raw_id

    def _name_handle(self, platform: str, raw_handle: str) -> str:
        return self.handle(platform, raw_handle) or raw_handle

    def url(self, url: str) -> str:
        """``url`` with the account it names (a profile, a status's author, a DID) pseudonymised.

        >>> p = Pseudonymizer(b"k")
        >>> p.url("https://x.com/Bob/status/7") == f"https://x.com/{p.handle('twitter', 'bob')}/status/7"
        True
        """
        if self.keep_identifiers:
            return url
        return rewrite_url(url, self._name_user, self._name_handle)

    def reference(self, platform: str, ref: str | None) -> str | None:
        """A post reference with any account id inside it pseudonymised.

        Bluesky names posts ``at://<author DID>/<collection>/<rkey>``: the DID is the author's
        raw identifier, so it is replaced by the author's pseudonym (links still match).
        ActivityPub servers other than Mastodon name posts by URLs that may hold the author.

        >>> p = Pseudonymizer(b"k")
        >>> p.reference("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k") == (
        ...     "at://" + p.user("bluesky", "did:plc:abc") + "/app.bsky.feed.post/3k")
        True
        """
        if ref is None or self.keep_identifiers:
            return ref
        if ref.startswith("at://"):
            authority, sep, rest = ref[5:].partition("/")
            return f"at://{self.user(platform, authority)}{sep}{rest}"
        if "://" in ref:
            return self.url(ref)
        return ref

    def mentions_in_text(self, platform: str, text: str) -> str:
        """Replace each ``@handle`` in text by ``@`` and its pseudonym."""
        if self.keep_identifiers or ("@" not in text and "＠" not in text):
            return text
        return MENTION_RE.sub(lambda m: "@" + str(self.handle(platform, m.group(1))), text)

    def text(self, platform: str, text: str, known: Iterable[str] = ()) -> str:
        """Free text with every identifier in it pseudonymised: ``@handle`` mentions, account
        URLs and DIDs, and any ``@name`` of ``known`` (handles the platform says are mentioned)
        that the mention pattern did not reach, so no raw handle is left beside its pseudonym.

        >>> p = Pseudonymizer(b"k")
        >>> out = p.text("twitter", ".@NBC see https://twitter.com/nbc/status/1", known=["NBC"])
        >>> "nbc" in out.lower(), out.count(str(p.handle("twitter", "nbc")))
        (False, 2)
        """
        if self.keep_identifiers or not text:
            return text
        if HINT_RE.search(text):
            text = self._text_around_urls(platform, text)
        else:
            text = self.mentions_in_text(platform, text)
        for handle in known:
            bare = handle.lstrip("@＠")
            pseudonym = self.handle(platform, bare)
            if bare and pseudonym != bare.lower() and ("@" + bare.lower()) in text.lower():
                text = re.sub(rf"[@＠]{re.escape(bare)}(?![\w.\-]*\w)", "@" + str(pseudonym), text, flags=re.IGNORECASE)
        return text

    def _text_around_urls(self, platform: str, text: str) -> str:
        """URLs through ``url``, the text between them through ``mentions_in_text`` and DIDs (so
        a URL's ``/@user`` is pseudonymised once, as the account it names). A Markdown link whose
        text is the account its URL names (``[bob](https://reddit.com/u/bob)``, ``[u/bob](...)``)
        gets the pseudonym in its text too.

        >>> p = Pseudonymizer(b"k")
        >>> "bob" in p.text("reddit", "by [u/Bob](https://www.reddit.com/user/Bob)|[ann](https://reddit.com/u/ann)|")
        False
        """
        pieces: list[str] = []
        named: dict[str, str] = {}

        def name_handle(on: str, raw: str) -> str:
            pseudonym = self._name_handle(on, raw)
            if "@" not in raw and pseudonym.lower() != raw.lower():
                named[raw] = pseudonym
            return pseudonym

        last = 0
        for match in URL_RE.finditer(text):
            url = trim_url(match.group(0))
            pieces.append(self._between_urls(platform, text[last : match.start()]))
            pieces.append(rewrite_url(url, self._name_user, name_handle))
            last = match.start() + len(url)
        pieces.append(self._between_urls(platform, text[last:]))
        out = "".join(pieces)
        for raw, pseudonym in named.items():
            if f"{raw.lower()}]" in out.lower():
                link_text = re.compile(rf"\[(/?u/)?{re.escape(raw)}\]", re.IGNORECASE)
                out = link_text.sub(rf"[\g<1>{pseudonym}]", out)
        return out

    def _between_urls(self, platform: str, text: str) -> str:
        if "did" in text:  # a DID outside a URL (an ``at://`` reference, a profile's "did:plc:...")
            text = rewrite_dids(text, self._name_user)
        return self.mentions_in_text(platform, text)


def pseudonymizer_from_config(privacy: PrivacyConfig, keep_identifiers: bool = False) -> Pseudonymizer:
    """The pseudonymiser a configuration's ``[privacy]`` section describes (key, raw opt-in, public accounts)."""
    key = load_or_create_key(privacy.key_file, privacy.key)
    return Pseudonymizer(key, keep_identifiers or privacy.keep_identifiers, public=privacy.public())


def public_fingerprint(pseudo: Pseudonymizer) -> str:
    """What a store records of its public accounts: the sorted list (they are readable in it anyway)."""
    return ",".join(sorted(pseudo.public))


def normalise_public(entry: str) -> str:
    """A configured public account as the pseudonymiser compares it: ``[platform:]handle``, lower-case."""
    platform, sep, handle = entry.strip().rpartition(":")
    handle = handle.strip().lstrip("@＠").lower()
    return f"{platform.strip().lower()}:{handle}" if sep and platform and "@" not in platform else handle
