"""API tokens of ``socialens serve`` (table ``api_tokens``): only a hash of each secret is stored."""

from __future__ import annotations

from typing import Any

from socialens.store.duckdb_store import Store

_COLUMNS = ("id", "name", "scope", "created_at", "revoked_at")


def insert_token(store: Store, token_id: str, name: str, scope: str, secret_sha256: str) -> None:
    with store.transaction():
        store.con.execute(
            "INSERT INTO api_tokens (id, name, scope, secret_sha256) VALUES (?, ?, ?, ?)",
            [token_id, name, scope, secret_sha256],
        )


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """Every token (revoked ones too), oldest first; never the hash."""
    rows = store.con.execute(f"SELECT {', '.join(_COLUMNS)} FROM api_tokens ORDER BY created_at, id").fetchall()
    return [dict(zip(_COLUMNS, row, strict=True)) for row in rows]


def active_token(store: Store, token_id: str) -> tuple[str, str] | None:
    """``(scope, secret_sha256)`` of a token that exists and is not revoked."""
    row = store.one("SELECT scope, secret_sha256 FROM api_tokens WHERE id = ? AND revoked_at IS NULL", [token_id])
    return (str(row[0]), str(row[1])) if row else None


def revoke_token(store: Store, id_or_name: str) -> int:
    """Revoke the active tokens with this id or name; how many were revoked."""
    where = "(id = ? OR name = ?) AND revoked_at IS NULL"
    with store.transaction():
        row = store.one(f"SELECT count(*) FROM api_tokens WHERE {where}", [id_or_name, id_or_name])
        store.con.execute(
            f"UPDATE api_tokens SET revoked_at = current_localtimestamp() WHERE {where}", [id_or_name, id_or_name]
        )
    return int(row[0]) if row else 0
