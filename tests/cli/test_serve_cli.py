"""``socialens token create|list|revoke`` as real subprocesses: the token is printed once and only
its hash is stored; a revoked token is refused; a wrong scope is one clear error line."""

from __future__ import annotations

import hashlib

from socialens.serve.auth import check_token
from socialens.store import Store
from tests.cli.test_cli import assert_one_line_error, run_cli


def test_token_create_list_revoke(tmp_path):
    store = tmp_path / "t.duckdb"
    made = run_cli(tmp_path, "token", "create", "--scope", "write", "--name", "ci-bot", "--store", store)
    assert made.code == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("slt_") and "." in token
    listed = run_cli(tmp_path, "token", "list", "--store", store, "--json").json()
    assert [(t["name"], t["scope"], t["revoked_at"]) for t in listed] == [("ci-bot", "write", None)]
    secret = token.partition(".")[2]
    stored = store.read_bytes()
    assert secret.encode() not in stored and token.encode() not in stored  # never the token itself
    with Store(store, read_only=True) as db:
        row = db.one("SELECT secret_sha256 FROM api_tokens")
        assert row == (hashlib.sha256(secret.encode()).hexdigest(),)
        assert check_token(db, token, "read") == "write"
    assert run_cli(tmp_path, "token", "revoke", "ci-bot", "--store", store).code == 0
    listed = run_cli(tmp_path, "token", "list", "--store", store, "--json").json()
    assert listed[0]["revoked_at"] is not None
    again = run_cli(tmp_path, "token", "revoke", "ci-bot", "--store", store)
    assert_one_line_error(again, "no active token")


def test_token_create_refuses_an_unknown_scope(tmp_path):
    bad = run_cli(tmp_path, "token", "create", "--scope", "root", "--name", "x", "--store", tmp_path / "t.duckdb")
    assert_one_line_error(bad, "E401", "read, write, admin")
