"""The FastAPI application: routers under ``/api/v1/``, coded JSON errors, limits, the dashboard."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socialens import errors
from socialens.serve.dependencies import ServerSettings, ServerState
from socialens.serve.schemas import ErrorBody

log = logging.getLogger("socialens.serve")
API = "/api/v1"
STATIC = Path(str(files("socialens.serve") / "static"))
_STATUS: dict[type[errors.SocialensError], int] = {
    errors.AuthError: 401,
    errors.ForbiddenError: 403,
    errors.NotFoundError: 404,
    errors.ModelNotFoundError: 404,
    errors.RequestTooLargeError: 413,
    errors.StoreBusyError: 503,
    errors.WriterBusyError: 409,
    errors.JobStateError: 409,
}
# Every route may answer these (declared so the schema lists them).
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "A request the store cannot serve (bad filter, unknown task, ...)"),
        (401, "No token, or an unknown or revoked one"),
        (403, "The token's scope does not allow this route"),
        (404, "Not found, or the analysis has not run"),
        (409, "The store's writer is busy with a long job (retry later), or a job is not in a state for this"),
        (413, "Request body over the limit"),
        (422, "A parameter or body field is invalid"),
    )
}


def create_app(settings: ServerSettings, state: ServerState | None = None) -> FastAPI:
    """The app over ``settings.store``; the store opens when the app starts (``lifespan``)."""
    from socialens import __version__
    from socialens.serve.routers import ROUTERS

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from socialens.store.holder import clear_holder, write_holder

        app.state.socialens = state or ServerState.open(settings)
        app.state.socialens.keep_answers_fresh(app)
        write_holder(settings.store, settings.description)
        try:
            yield
        finally:
            clear_holder(settings.store)
            app.state.socialens.close()

    app = FastAPI(
        title="socialens",
        version=__version__,
        description="Social-media analysis over one store: results, search, predictions, runs. "
        "Every route but /api/v1/health needs a bearer token ('socialens token create').",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # served below from the vendored Swagger UI: no CDN
        redoc_url=None,
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="socialens API",
            swagger_js_url="/assets/vendor/swagger-ui-bundle.js",
            swagger_css_url="/assets/vendor/swagger-ui.css",
            swagger_favicon_url="/assets/favicon.svg",
        )

    @app.get("/", include_in_schema=False)
    def dashboard() -> Any:
        from fastapi.responses import FileResponse

        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    for router in ROUTERS:
        app.include_router(router, prefix=API, responses=ERRORS)
    _add_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # type: ignore[arg-type]
    if settings.keep_answers:
        from socialens.serve.kept_answers import KeptAnswers

        app.add_middleware(KeptAnswers)  # type: ignore[arg-type]
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,  # type: ignore[arg-type]
            allow_origins=list(settings.cors_origins),
            allow_headers=["Authorization", "Content-Type"],
            allow_methods=["GET", "POST", "DELETE"],
        )
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    # Under /assets, not /: a catch-all mount would answer methods the API routes do not take.
    app.mount("/assets", StaticFiles(directory=STATIC), name="assets")
    return app


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.SocialensError)
    async def coded(request: Request, exc: errors.SocialensError) -> JSONResponse:
        status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        response = error_response(status, exc.code, exc.message)
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()[:5]
        )
        return error_response(422, "E400", f"invalid request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "E603", 405: "E605"}.get(exc.status_code, "E400")
        response = error_response(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method the path takes, not only the first route's
            response.headers["Allow"] = ", ".join(_allowed_methods(request))
        return response

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(500, "E000", "internal error: the server log has the details")


def _allowed_methods(request: Request) -> list[str]:
    import re

    from fastapi.routing import iter_route_contexts

    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = []
        for context in iter_route_contexts(request.app.routes):
            if context.path and context.methods:
                pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(context.path)) + "$")
                table.append((pattern, set(context.methods)))
        request.app.state.allowed_methods = table
    path = request.url.path
    matching = [(pattern, methods) for pattern, methods in table if pattern.match(path)]
    exact = [methods for pattern, methods in matching if "[^/]+" not in pattern.pattern]
    return sorted(set().union(*(exact or [methods for _, methods in matching])))


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` (declared or streamed) with 413, before the route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise errors.RequestTooLargeError(f"request body over {self.max_bytes:,} bytes")
            return message

        await self.app(scope, limited, send)

    async def _refuse(self, send: Send) -> None:
        response = error_response(413, errors.RequestTooLargeError.code, f"request body over {self.max_bytes:,} bytes")
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


class SecurityHeaders:
    """No sniffing, no framing, scripts and styles only from the app itself (the dashboard
    needs inline styles for its charts)."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (
            b"content-security-policy",
            b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            b"script-src 'self' 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'none'",
        ),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
