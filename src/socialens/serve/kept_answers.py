"""The short path for a kept answer: a read whose answer is kept for the published store version,
with a token already checked under the current one, is answered before routing, dependencies and
the thread pool (the bulk of a kept answer's cost once the answer itself is ready).

Everything else (an answer not kept yet, an unknown or unchecked token, any other route) takes the
full path, which checks, computes and keeps; so this path changes how fast, never what, a request
is answered. Only the read resources are served here: every route under them needs a read token.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

READ_RESOURCES = ("/api/v1/stats", "/api/v1/posts", "/api/v1/results/", "/api/v1/accounts/")
SCOPES = ("read", "write", "admin")  # each allows the read routes


def answer_key(path: str, query: list[tuple[str, str]]) -> str:
    """The key a read answer is kept under: its path and sorted query (replayable by the refresher)."""
    return f"{path}?{urlencode(sorted(query))}"


class KeptAnswers:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self._kept(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _kept(scope: Scope) -> bytes | None:
        path: str = scope["path"]
        state = getattr(getattr(scope.get("app"), "state", None), "socialens", None)
        if state is None or not path.startswith(READ_RESOURCES):
            return None
        authorization = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        kind, _, token = authorization.partition(" ")
        if kind.lower() != "bearer" or not token:
            return None
        if state.token_scopes.peek(state.jobs.version, token) not in SCOPES:
            return None  # unknown, revoked or not yet checked: the full path says which
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        body = state.answers.peek(state.answers_version, answer_key(path, query))
        return body if isinstance(body, bytes) else None  # None (a kept 404) or MISSING: the full path
