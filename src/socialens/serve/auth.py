"""API tokens: ``slt_<id>.<secret>``; the store keeps the id, name, scope and a SHA-256 of the secret.

The secret is 32 random bytes, so a plain hash (no salt, no stretching) cannot be reversed or
guessed; comparing in constant time keeps timing from leaking it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from socialens.errors import AuthError, ConfigError, ForbiddenError
from socialens.store import Store
from socialens.store.tokens import active_token, insert_token

SCOPES = ("read", "write", "admin")  # each allows what the ones before it allow
PREFIX = "slt_"


def create_token(store: Store, scope: str, name: str) -> str:
    """Store a new token's hash and return the token (shown once, never stored)."""
    if scope not in SCOPES:
        raise ConfigError(f"token scope {scope!r}: expected one of {', '.join(SCOPES)}")
    if not name.strip():
        raise ConfigError("a token needs a --name (who or what uses it)")
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    insert_token(store, token_id, name.strip(), scope, _digest(secret))
    return f"{PREFIX}{token_id}.{secret}"


def check_token(store: Store, token: str | None, needed: str) -> str:
    """The token's scope if it is valid and allows ``needed``; AuthError (401) or ForbiddenError (403)."""
    return allow(token_scope(store, token), needed)


def token_scope(store: Store, token: str | None) -> str:
    """The scope of a valid token; AuthError (401) for none, a malformed, unknown or revoked one."""
    if not token:
        raise AuthError("this route needs an API token: send 'Authorization: Bearer TOKEN' ('socialens token create')")
    token_id, _, secret = token.removeprefix(PREFIX).partition(".")
    found = active_token(store, token_id) if token.startswith(PREFIX) and secret else None
    if found is None or not hmac.compare_digest(found[1], _digest(secret)):
        raise AuthError("the API token is unknown, malformed or revoked")
    return found[0]


def allow(scope: str, needed: str) -> str:
    """``scope`` if it allows what ``needed`` allows; ForbiddenError (403) if not."""
    if SCOPES.index(scope) < SCOPES.index(needed):
        raise ForbiddenError(f"this route needs a {needed!r} token; this one is {scope!r}")
    return scope


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
