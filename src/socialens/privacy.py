"""Pseudonymisation at the edge: keyed HMAC pseudonyms for user ids and handles.

The same key always gives the same pseudonym, so joins across files and runs still work;
without the key a pseudonym cannot be turned back into the identifier. The key comes from
``SOCIALENS_KEY``, the config file, or a key file generated and saved on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from socialens.errors import ConfigError
from socialens.text.extract import MENTION_RE

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

    >>> p = Pseudonymizer(b"k")
    >>> p.user("twitter", "42") == p.user("twitter", "42") != p.user("reddit", "42")
    True
    >>> p.handle("twitter", "@Bob").startswith("h_"), p.handle("twitter", "bob") == p.handle("twitter", "BOB")
    (True, True)
    """

    def __init__(self, key: bytes, keep_identifiers: bool = False) -> None:
        self.key = key
        self.keep_identifiers = keep_identifiers
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"key": self.key, "keep_identifiers": self.keep_identifiers}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["key"], bool(state["keep_identifiers"]))  # type: ignore[misc,arg-type]

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
        handle = raw_handle.lstrip("@")
        if self.keep_identifiers:
            return handle
        return self._digest("h_", f"h\x00{platform}\x00{handle.lower()}")

    def reference(self, platform: str, ref: str | None) -> str | None:
        """A post reference with any account id inside it pseudonymised.

        Bluesky names posts ``at://<author DID>/<collection>/<rkey>``: the DID is the author's
        raw identifier, so it is replaced by the author's pseudonym (links still match).

        >>> p = Pseudonymizer(b"k")
        >>> p.reference("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k") == (
        ...     "at://" + p.user("bluesky", "did:plc:abc") + "/app.bsky.feed.post/3k")
        True
        """
        if ref is None or self.keep_identifiers or not ref.startswith("at://"):
            return ref
        authority, sep, rest = ref[5:].partition("/")
        return f"at://{self.user(platform, authority)}{sep}{rest}"

    def mentions_in_text(self, platform: str, text: str) -> str:
        """Replace each ``@handle`` in text by ``@`` and its pseudonym."""
        if self.keep_identifiers or "@" not in text:
            return text
        return MENTION_RE.sub(lambda m: "@" + str(self.handle(platform, m.group(1))), text)
