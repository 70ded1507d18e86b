"""Every route but /api/v1/health needs a token: none or a bad one gives 401, too low a scope 403.

The routes are read from the app itself (``app.routes``, through FastAPI's ``iter_route_contexts``,
which resolves included routers to their full paths), so a route added later is covered without
editing this file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from socialens.serve.app import create_app
from socialens.serve.auth import SCOPES
from socialens.serve.dependencies import ServerSettings
from tests.serve.server import client

OPEN = {"/api/v1/health"}


def api_routes() -> list[tuple[str, str, str | None]]:
    """``(method, path with its parameters filled, scope needed)`` of every API route."""
    app = create_app(ServerSettings(store=Path("unused.duckdb")))  # the store opens only when the app starts
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not (context.path or "").startswith("/api/"):
            continue
        calls = [getattr(d.call, "__name__", "") for d in route.dependant.dependencies]
        needed = [name.removeprefix("require_") for name in calls if name.startswith("require_")]
        path = re.sub(r"\{[^}]+\}", "x1", context.path or "")
        found.extend((method, path, needed[0] if needed else None) for method in sorted(context.methods or ()))
    return found


ROUTES = api_routes()


def test_every_route_but_health_declares_a_scope():
    assert len(ROUTES) >= 25
    assert {path for _, path, scope in ROUTES if scope is None} == OPEN


def _call(http: Any, method: str, path: str) -> Any:
    """The response's status, headers and JSON body (an event stream is closed once its head is in)."""
    body = {} if method in ("POST", "PUT", "PATCH") else None
    with http.stream(method, path, json=body) as answer:
        if answer.headers.get("content-type", "").startswith("text/event-stream"):
            return Answer(answer.status_code, answer.headers, None)
        answer.read()
        return Answer(answer.status_code, answer.headers, answer.json())


class Answer:
    def __init__(self, status_code: int, headers: Any, body: Any) -> None:
        self.status_code, self.headers, self.body = status_code, headers, body

    def json(self) -> Any:
        return self.body

    @property
    def text(self) -> str:
        return str(self.body)


@pytest.mark.parametrize(
    "token", [None, "slt_nothere.secret", "garbage", "slt_"], ids=["none", "unknown", "malformed", "empty"]
)
def test_without_a_valid_token_every_route_answers_401(server, token):
    with client(server["url"], token) as http:
        for method, path, scope in ROUTES:
            answer = _call(http, method, path)
            if scope is None:
                assert answer.status_code == 200, path
                continue
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.json()["code"] == "E601" and answer.headers["www-authenticate"] == "Bearer"


def test_a_token_below_the_route_scope_gets_403_and_one_at_or_above_gets_past_auth(server):
    for held in SCOPES:
        with client(server["url"], server["tokens"][held]) as http:
            for method, path, scope in ROUTES:
                if scope is None or (method, path) == ("DELETE", "/api/v1/tokens/x1"):
                    continue
                answer = _call(http, method, path)
                if SCOPES.index(held) < SCOPES.index(scope):
                    assert answer.status_code == 403, (held, method, path)
                    assert answer.json()["code"] == "E602"
                else:
                    assert answer.status_code not in (401, 403), (held, method, path, answer.text)
